"""What README.md and docs/*.md name must exist, and what they state about the code must hold.

The docs drifted before (issue 21): they described a duplicate test that nothing called, "the
one Clock" that two cogs and a service went around, tests that "mirror the package" while the
ClaimReview tests sat under `tests/matching/`, a module "about 40 lines" long that had 409, and
a `bot/extraction/llm.py` that did not exist. Each check below fails on one of those. Names are
read from code spans (`like this`) and from the lines of fenced code blocks.
"""

from __future__ import annotations

import argparse
import ast
import asyncio
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from tests.test_architecture import ALLOWED

REPO = Path(__file__).resolve().parent.parent
DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
SOURCE_ROOTS = ("bot", "cogs", "tests", "benchmarks", "tools")
# Folders and files a path in the docs may start with.
PATH = re.compile(
    r"(?<![\w/.\-])((?:bot|cogs|tests|benchmarks|tools|migrations|docs|examples|deploy)/[\w./*\-]*"
    r"|\.ci/run|\.env\.example|Dockerfile|pyproject\.toml)((?:::\w+)*)"
)
# A file named without its folder (`status.py`), or with part of it (`e2e/test_queue.py`).
SHORT_PATH = re.compile(r"(?<![\w/.\-])((?:\w+/)*\w+\.(?:py|json|sql|tsv))\b")
MODULE_ATTRIBUTE = re.compile(r"((?:[a-z_]+/)*[a-z_]+)\.([A-Za-z_]\w*)(?:\(.*\))?")
SETTING = re.compile(r"\b((?:CLAIMBOT|DISCORD|DATABASE)_[A-Z0-9_]*)(\*?)")
LINE_COUNT = re.compile(r"^[^`]{0,40}?\b(\d[\d,]*) lines\b")


@dataclass(frozen=True)
class Mention:
    """A code span, or a line of a fenced code block, of one doc."""

    doc: str
    line: int
    text: str
    after: str  # the rest of the line after the span
    in_code_block: bool
    scopes: tuple[str, ...]  # folders a bare file name is looked up in

    def where(self) -> str:
        return f"{self.doc}:{self.line}"


def _folders(text: str) -> tuple[str, ...]:
    return tuple(s for s in re.findall(r"`([^`]+/)`", text) if PATH.fullmatch(s))


def mentions(doc: Path) -> list[Mention]:
    name = str(doc.relative_to(REPO))
    found: list[Mention] = []
    fenced = False
    lines = doc.read_text(encoding="utf-8").splitlines()
    page_scope = next((_folders(line) for line in lines if line.startswith("# ")), ())
    for number, line in enumerate(lines, 1):
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        if fenced:
            found.append(Mention(name, number, line.strip(), "", True, page_scope))
            continue
        scope = page_scope
        if line.startswith("|"):
            scope = _folders(line.split("|")[1]) or page_scope
        for match in re.finditer(r"`([^`\n]+)`", line):
            text = match.group(1).replace("\\|", "|")
            found.append(Mention(name, number, text, line[match.end() :], False, scope))
    return found


def every_mention() -> Iterator[Mention]:
    for doc in DOCS:
        yield from mentions(doc)


def doc_ids(doc: Path) -> str:
    return str(doc.relative_to(REPO))


# -- files ---------------------------------------------------------------------------------


@cache
def files_by_name() -> dict[str, list[Path]]:
    index: dict[str, list[Path]] = {}
    for root in (*SOURCE_ROOTS, "migrations", "examples", "docs", "deploy"):
        for path in (REPO / root).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                index.setdefault(path.name, []).append(path)
    return index


def resolve(token: str, scopes: tuple[str, ...]) -> list[Path]:
    """The files a short name can mean: in the folders the doc or table row is about, else
    under a source folder (`core/status.py` is `bot/core/status.py`), else anywhere."""
    if scopes:
        found = [p for scope in scopes for p in sorted((REPO / scope).rglob(token)) if p.is_file()]
        if found or "/" not in token:
            return found
    if "/" in token:
        return [REPO / r / token for r in (*SOURCE_ROOTS, "") if (REPO / r / token).is_file()]
    return files_by_name().get(token, [])


@cache
def defined_functions(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    kinds = (ast.FunctionDef, ast.AsyncFunctionDef)
    return {node.name for node in ast.walk(tree) if isinstance(node, kinds)}


@dataclass(frozen=True)
class Named:
    mention: Mention
    token: str
    paths: tuple[Path, ...]  # empty when it names nothing


def named_files(doc: Path) -> Iterator[Named]:
    for mention in mentions(doc):
        for match in PATH.finditer(mention.text):
            token = match.group(1).rstrip(".,:;")
            if "*" in token:
                paths = tuple(p for p in REPO.glob(token) if p.exists())
            else:
                paths = (REPO / token,) if (REPO / token).exists() else ()
            yield Named(mention, token + match.group(2), paths)
        if mention.in_code_block:
            continue
        for match in SHORT_PATH.finditer(PATH.sub("", mention.text).replace("discord.py", "")):
            yield Named(mention, match.group(1), tuple(resolve(match.group(1), mention.scopes)))


def test_every_doc_is_checked() -> None:
    assert [doc_ids(d) for d in DOCS][:1] == ["README.md"] and len(DOCS) > 5


@pytest.mark.parametrize("doc", DOCS, ids=doc_ids)
def test_named_files_and_tests_exist(doc: Path) -> None:
    missing = []
    for named in named_files(doc):
        token, _, tests = named.token.partition("::")
        if not named.paths:
            missing.append(f"{named.mention.where()} {named.token}: no such file")
            continue
        for test in filter(None, tests.split("::")):
            if all(test not in defined_functions(p) for p in named.paths if p.suffix == ".py"):
                missing.append(f"{named.mention.where()} {token}: no function {test}")
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize("doc", DOCS, ids=doc_ids)
def test_a_test_is_named_with_its_file(doc: Path) -> None:
    """`tests/x.py::test_y`, never a bare `::test_y` that leaves the reader to guess."""
    bare = [f"{m.where()} {m.text}" for m in mentions(doc) if m.text.startswith("::")]
    assert not bare, "\n".join(bare)


@pytest.mark.parametrize("doc", DOCS, ids=doc_ids)
def test_line_counts_are_right_or_absent(doc: Path) -> None:
    """The docs said "`bot/storage/connection.py`, about 40 lines" of a file of 409."""
    wrong = []
    for named in named_files(doc):
        count = LINE_COUNT.match(named.mention.after)
        if count and len(named.paths) == 1 and named.paths[0].is_file():
            said = int(count.group(1).replace(",", ""))
            real = len(named.paths[0].read_text(encoding="utf-8").splitlines())
            if abs(real - said) > real / 4:
                wrong.append(f"{named.mention.where()} {named.token}: {said} lines, has {real}")
    assert not wrong, "\n".join(wrong)


def dotted(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def imports_by_module() -> dict[str, set[str]]:
    """For each module of bot/ and cogs/, the modules it imports (and extensions it loads)."""
    found: dict[str, set[str]] = {}
    for path in sorted([*(REPO / "bot").rglob("*.py"), *(REPO / "cogs").rglob("*.py")]):
        me = dotted(path)
        package = me if path.name == "__init__.py" else me.rpartition(".")[0]
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*parent, *([base] if base else [])])
                names |= {base, *(f"{base}.{alias.name}" for alias in node.names)}
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                names |= set(re.findall(r"^(?:bot|cogs)(?:\.\w+)+$", node.value))
        found[me] = names
    return found


@pytest.mark.parametrize("doc", DOCS, ids=doc_ids)
def test_named_modules_are_used(doc: Path) -> None:
    """A module the docs describe is one the bot runs: `bot/matching/duplicates.py` was
    documented, tested, and imported by nothing."""
    unused = []
    for named in named_files(doc):
        for path in named.paths:
            top = path.relative_to(REPO).parts[0]
            if top in ("bot", "cogs") and path.suffix == ".py" and path.stem[:2] != "__":
                module = dotted(path)
                users = [m for m, names in imports_by_module().items() if module in names]
                if not [m for m in users if m != module]:
                    unused.append(f"{named.mention.where()} {named.token}: nothing imports it")
    assert not unused, "\n".join(unused)


# -- names in modules ----------------------------------------------------------------------


@cache
def top_level_names(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.ImportFrom | ast.Import):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
    return names


@cache
def assignments() -> dict[str, list[ast.expr]]:
    """Every `NAME = value` in the code (tests aside), at any depth, by name."""
    found: dict[str, list[ast.expr]] = {}
    for root in ("bot", "cogs", "benchmarks", "tools"):
        for path in (REPO / root).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Assign):
                    targets, value = node.targets, node.value
                elif isinstance(node, ast.AnnAssign) and node.value is not None:
                    targets, value = [node.target], node.value
                else:
                    continue
                for target in targets:
                    if isinstance(target, ast.Name):
                        found.setdefault(target.id, []).append(value)
    return found


def same_value(written: str, code: ast.expr) -> bool:
    """`0.5` is `CHECKWORTHY_THRESHOLD` when that name is 0.5."""
    if isinstance(code, ast.Name):
        return any(same_value(written, value) for value in assignments().get(code.id, []))
    try:
        return bool(ast.literal_eval(written) == ast.literal_eval(code))
    except (ValueError, SyntaxError, TypeError):
        return ast.unparse(ast.parse(written, mode="eval").body) == ast.unparse(code)


def module_files(token: str, scopes: tuple[str, ...]) -> list[Path]:
    if token.split(".")[0] in SOURCE_ROOTS:
        base = REPO / token.replace(".", "/")
        return [p for p in (base.with_suffix(".py"), base / "__init__.py") if p.is_file()]
    module = [*resolve(token + ".py", scopes), *resolve(token + "/__init__.py", ())]
    package = [p for s in scopes for p in [REPO / s / token / "__init__.py"] if p.is_file()]
    if not scopes:
        package += [REPO / "bot" / token / "__init__.py"] * (REPO / "bot" / token).is_dir()
    return [*module, *package]


@pytest.mark.parametrize("doc", DOCS, ids=doc_ids)
def test_named_constants_and_attributes_exist(doc: Path) -> None:
    """`SAME_CLAIM_MIN_SHARED = 0.85` is that value in the code; `ratings.stance_of`,
    `bot.services.llm_extraction` and `SKIP_SECONDS` exist."""
    wrong = []
    for mention in mentions(doc):
        text = mention.text
        if mention.in_code_block or SETTING.match(text) or text in settings_names():
            continue
        if constant := re.fullmatch(r"([A-Z][A-Z0-9_]+) = (.+)", text):
            name, value = constant.groups()
            if not any(same_value(value, code) for code in assignments().get(name, [])):
                wrong.append(f"{mention.where()} {text}: not in the code")
        elif re.fullmatch(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+", text):
            if text not in assignments() and text not in discord_event_names():
                wrong.append(f"{mention.where()} {text}: not in the code")
        elif dotted_name := re.fullmatch(r"((?:bot|cogs|benchmarks|tools|tests)(?:\.\w+)+)", text):
            module, _, attribute = dotted_name.group(1).rpartition(".")
            if not module_files(text, ()) and not any(
                attribute in top_level_names(p) for p in module_files(module, ())
            ):
                wrong.append(f"{mention.where()} {text}: no such module or name")
        elif PATH.fullmatch(text) or SHORT_PATH.fullmatch(text):
            continue
        elif attribute := MODULE_ATTRIBUTE.fullmatch(text):
            module, name = attribute.groups()
            files = module_files(module, mention.scopes) or module_files(module, ())
            if files and not any(name in top_level_names(p) for p in files):
                wrong.append(f"{mention.where()} {text}: {module} has no {name}")
    assert not wrong, "\n".join(wrong)


@cache
def discord_event_names() -> frozenset[str]:
    """Discord's own gateway event names (`MESSAGE_REACTION_ADD`), as the fake Discord sends
    them: named in the docs, defined by Discord rather than by claimbot."""
    source = "".join(
        p.read_text(encoding="utf-8") for p in (REPO / "tests" / "fake_discord").glob("*.py")
    )
    return frozenset(re.findall(r'"([A-Z]+(?:_[A-Z]+)+)"', source))


@cache
def http_paths() -> frozenset[str]:
    """The pages a bot process serves (`/healthz`), read from where they are routed."""
    source = (REPO / "bot" / "app" / "health.py").read_text(encoding="utf-8")
    return frozenset(re.findall(r'"(/[a-z]+)"', source))


# -- Discord commands ----------------------------------------------------------------------


@cache
def command_tree() -> dict[str, dict[str, bool] | None]:
    """The commands as Discord receives them: a group -> None, a command -> its options
    (name -> required), keyed "claim submit"."""
    from bot.app.client import EXTENSIONS
    from tests.test_extensions import tree_after_loading

    commands: dict[str, dict[str, bool] | None] = {}

    def walk(node: dict[str, object], path: str) -> None:
        options = node.get("options") or []
        assert isinstance(options, list)
        children = [o for o in options if o["type"] in (1, 2)]
        commands[path] = (
            None if children else {o["name"]: o.get("required", False) for o in options}
        )
        for child in children:
            walk(child, f"{path} {child['name']}")

    for command in asyncio.run(tree_after_loading(EXTENSIONS)):
        walk(command, command["name"])
    return commands


def slash_command(text: str) -> tuple[str, list[tuple[str, bool]]] | None:
    """("claim list", [("status", optional?)...]) for `/claim list status:stale`."""
    if not re.match(r"/[a-z]+(?:\s|$)", text):
        return None
    words = text[1:].split()
    path = words[0]
    rest = words[1:]
    if rest and command_tree().get(path, {}) is None:
        path, rest = f"{path} {rest[0]}", rest[1:]
    options = []
    for word in rest:
        if option := re.match(r"\[?([a-z_]+)(\??)(?::|$|\])", word):
            options.append((option.group(1), option.group(2) != "?"))
    return path, options


@pytest.mark.parametrize("doc", DOCS, ids=doc_ids)
def test_named_commands_and_options_exist(doc: Path) -> None:
    tree = command_tree()
    wrong = []
    for mention in mentions(doc):
        if mention.text in http_paths():
            continue  # a page of /healthz and /metrics, not a command
        found = slash_command(mention.text)
        if found is None:
            continue
        path, options = found
        if path not in tree:
            wrong.append(f"{mention.where()} /{path}: no such command")
        elif (known := tree[path]) is not None:
            wrong += [
                f"{mention.where()} /{path}: no option {o}" for o, _ in options if o not in known
            ]
    text = doc.read_text(encoding="utf-8")
    for name in re.findall(r"Apps → ([A-Z][\w ]*?)\*", text):
        if name not in tree:
            wrong.append(f"{doc_ids(doc)}: no message command {name!r}")
    assert not wrong, "\n".join(wrong)


def section(doc: Path, heading: str) -> str:
    text = doc.read_text(encoding="utf-8")
    assert f"\n{heading}\n" in text, f"{doc_ids(doc)} has no {heading!r}"
    return text.split(f"\n{heading}\n", 1)[1].split("\n## ", 1)[0]


def first_cells(table: str) -> list[str]:
    return [row.split("|")[1].strip() for row in table.splitlines() if row.startswith("| ")]


def test_the_readme_lists_every_command_with_exactly_its_options() -> None:
    """Required options bare, optional ones with `?`."""
    listed: dict[str, set[tuple[str, bool]]] = {}
    for cell in first_cells(section(REPO / "README.md", "## Commands")):
        if (code := re.match(r"`(/[^`]+)`", cell)) and (found := slash_command(code.group(1))):
            listed[found[0]] = set(found[1])
        elif apps := re.match(r"\*Apps → (.+?)\*", cell):
            listed[apps.group(1)] = set()
    leaves = {path: options for path, options in command_tree().items() if options is not None}
    assert set(listed) == set(leaves)
    assert {path: set(options.items()) for path, options in leaves.items()} == listed


# -- the command line ----------------------------------------------------------------------

INVOCATION = re.compile(
    r"(?:^|(?<=bin/)|(?<=&& )|(?<=\| )|(?<=\$ ))(?:claimbot|python3? -m bot)\b(?!-)"
)


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


@cache
def cli_parser() -> argparse.ArgumentParser:
    from bot.cli.parser import build_parser

    return build_parser()


def cli_problems(text: str) -> list[str]:
    problems = []
    for match in INVOCATION.finditer(text):
        words = re.split(r" \| | && |; | #", text[match.end() :])[0].split()
        parser, path = cli_parser(), "claimbot"
        while words and words[0] in subcommands(parser):
            path += " " + words[0]
            parser = subcommands(parser)[words.pop(0)]
        if words and subcommands(parser) and re.fullmatch(r"[a-z][a-z-]*", words[0]):
            problems.append(f"{path} has no command {words[0]}")
        known = {o for action in parser._actions for o in action.option_strings}
        for word in words:
            option = re.match(r"\[?(--?[A-Za-z][\w-]*)", word)
            if option and option.group(1) not in known:
                problems.append(f"{path} has no option {option.group(1)}")
    return problems


@pytest.mark.parametrize("doc", DOCS, ids=doc_ids)
def test_named_cli_commands_and_options_exist(doc: Path) -> None:
    wrong = [f"{m.where()} {p}" for m in mentions(doc) for p in cli_problems(m.text)]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("doc", DOCS, ids=doc_ids)
def test_named_benchmarks_and_tools_exist_with_their_options(doc: Path) -> None:
    wrong = []
    for mention in mentions(doc):
        for match in re.finditer(r"-m ((?:benchmarks|tools)\.[a-z_]+)\b(.*)", mention.text):
            path = REPO / (match.group(1).replace(".", "/") + ".py")
            if not path.is_file():
                wrong.append(f"{mention.where()} {match.group(1)}: no such module")
                continue
            source = path.read_text(encoding="utf-8")
            rest = re.split(r" \| | && | #", match.group(2))[0]
            for option in re.findall(r"(?<![\w-])(--[a-z][\w-]*)", rest):
                if f'"{option}"' not in source:
                    wrong.append(f"{mention.where()} {match.group(1)}: no option {option}")
    assert not wrong, "\n".join(wrong)


# -- settings ------------------------------------------------------------------------------


def settings_names() -> set[str]:
    from bot.config import Settings

    return {str(field.validation_alias) for field in Settings.model_fields.values()}


def env_example_names() -> set[str]:
    text = (REPO / ".env.example").read_text(encoding="utf-8")
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", text, re.MULTILINE))


@cache
def source_of_the_tests() -> str:
    """Variables the test suite itself reads (not settings of the bot)."""
    return "\n".join(p.read_text(encoding="utf-8") for p in (REPO / "tests").rglob("*.py"))


@pytest.mark.parametrize("doc", DOCS, ids=doc_ids)
def test_named_settings_exist(doc: Path) -> None:
    names = settings_names()
    wrong = []
    for number, line in enumerate(doc.read_text(encoding="utf-8").splitlines(), 1):
        for name, star in SETTING.findall(line):
            if star and not any(n.startswith(name) for n in names):
                wrong.append(f"{doc_ids(doc)}:{number} {name}*: no such setting")
            elif (
                not star
                and name not in names
                and not re.search(rf"\b{name}\b", source_of_the_tests())
            ):
                wrong.append(f"{doc_ids(doc)}:{number} {name}: no such setting")
    assert not wrong, "\n".join(wrong)


def test_every_setting_is_in_env_example_and_the_readme_table() -> None:
    table = first_cells(section(REPO / "README.md", "## Configuration"))
    in_table = {name for cell in table for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", cell)}
    assert env_example_names() == settings_names()
    assert in_table == settings_names()


# -- links ---------------------------------------------------------------------------------


def slug(heading: str) -> str:
    """GitHub's anchor for a heading."""
    text = heading.strip().lower().replace("`", "")
    return re.sub(r"\s", "-", re.sub(r"[^\w\- ]", "", text))


def anchors(doc: Path) -> set[str]:
    lines = doc.read_text(encoding="utf-8").splitlines()
    return {slug(line.lstrip("#")) for line in lines if re.match(r"#{1,6} ", line)}


@pytest.mark.parametrize("doc", DOCS, ids=doc_ids)
def test_relative_links_resolve(doc: Path) -> None:
    broken = []
    text = doc.read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"[a-z]+:", target):
            continue
        file, _, anchor = target.partition("#")
        path = (doc.parent / file).resolve() if file else doc
        if not path.exists() or (anchor and path.suffix == ".md" and anchor not in anchors(path)):
            broken.append(target)
    assert not broken, "\n".join(broken)


# -- what the docs state about the code ------------------------------------------------------


def bot_packages_imported(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        modules = []
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules = [node.module]
        found |= {m.split(".")[1] for m in modules if m.startswith("bot.")}
    return found


MIRRORED = sorted(p.name for p in (REPO / "tests").iterdir() if p.name in ALLOWED)


def test_tests_mirror_the_package() -> None:
    """The tests of `bot/<package>/` live in `tests/<package>/` (the ClaimReview reader's sat in
    `tests/matching/`): such a test imports its package and only what that package may import,
    and a test at the top of `tests/` that tests only one of them moves into its folder."""
    assert MIRRORED == ["documents", "extraction", "matching", "pages", "publish", "web"]
    misplaced = []
    for package in MIRRORED:
        for path in sorted((REPO / "tests" / package).rglob("test_*.py")):
            imported = bot_packages_imported(path)
            if package not in imported or imported - {package} - ALLOWED[package]:
                misplaced.append(f"{path.relative_to(REPO)} imports bot.{sorted(imported)}")
    for path in sorted((REPO / "tests").glob("test_*.py")):
        imported = bot_packages_imported(path)
        if len(imported) == 1 and imported <= set(MIRRORED):
            misplaced.append(f"{path.relative_to(REPO)} tests only bot.{imported.pop()}")
    assert not misplaced, "\n".join(misplaced)


# Where a service reads the time or waits without its Clock, and why that is right there.
NOT_ON_THE_CLOCK = {
    ("bot/services/evidence.py", "time.time"): "compared with rows storage stamped with it",
    ("bot/services/export_files.py", "time.time"): "the export's generated_at, a wall time",
    ("bot/services/factcheck_library.py", "time.perf_counter"): "how long a load took, logged",
    ("bot/services/llm_extraction.py", "asyncio.sleep"): "the LLM client's backoff (CLI too)",
    ("bot/services/vote_ingest.py", "time.time"): "a vote event's stamp, as its handler saw it",
    ("bot/services/vote_ingest.py", "asyncio.sleep"): "vote batching's short gather, real time",
}
CLOCK_READS = {
    "time": {"time", "monotonic", "perf_counter", "sleep"},
    "datetime": {"now", "utcnow", "today"},
    "asyncio": {"sleep"},
}


def test_services_and_cogs_read_the_time_through_the_one_clock() -> None:
    """The docs say services and cogs wait on the one `Clock` (`bot/services/clock.py`);
    `cogs/queue.py` and `cogs/evidence.py` once kept `time.time` for themselves, and
    `services/live_edits.py` slept on `asyncio`'s clock."""
    paths = [*(REPO / "cogs").rglob("*.py"), *(REPO / "bot" / "services").rglob("*.py")]
    paths += [*(REPO / "bot" / "app").rglob("*.py")]
    found = set()
    for path in paths:
        name = str(path.relative_to(REPO))
        if name == "bot/services/clock.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        # asyncio.sleep(0) gives the loop a turn; it waits for nothing
        turns = {
            id(node.func)
            for node in ast.walk(tree)
            if isinstance(node, ast.Call) and [ast.unparse(a) for a in node.args] == ["0"]
        }
        for node in ast.walk(tree):
            if id(node) in turns:
                continue
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.attr in CLOCK_READS.get(node.value.id, set())
            ):
                found.add((name, f"{node.value.id}.{node.attr}"))
            if isinstance(node, ast.ImportFrom) and node.module in CLOCK_READS:
                reads = CLOCK_READS[node.module] & {a.name for a in node.names}
                found |= {(name, f"{node.module}.{read}") for read in reads}
    assert found == set(NOT_ON_THE_CLOCK)


def test_the_layer_table_is_the_map_the_imports_are_checked_against() -> None:
    documented = {}
    for row in section(REPO / "docs" / "architecture.md", "## Layers").splitlines():
        cells = [cell.strip() for cell in row.strip().strip("|").split("|")]
        package = re.fullmatch(r"`bot/(\w+)(?:/|\.py)`", cells[0])
        if row.startswith("| `bot/") and package:
            documented[package.group(1)] = set(re.findall(r"`(\w+)`", cells[-1])) & set(ALLOWED)
    assert documented == {package: ALLOWED[package] for package in ALLOWED if package[0] != "_"}


def test_every_dependency_is_in_the_table_with_its_reason() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]
    declared = [*project["dependencies"], *(r for extra in extras.values() for r in extra)]

    def name(requirement: str) -> str:
        return re.split(r"[<>=\[ ;]", requirement, maxsplit=1)[0].lower().replace("_", "-")

    table = section(REPO / "docs" / "architecture.md", "## Dependencies and why")
    rows = [row for row in table.splitlines() if row.startswith("| `")]
    listed = [name(n) for row in rows for n in re.findall(r"`([^`]+)`", row.split("|")[1])]
    reasons = [row.split("|")[2].strip() for row in rows]
    # An extra may name the project itself (`claimbot[postgresql]` in dev): not a dependency.
    assert sorted(listed) == sorted({name(r) for r in declared} - {project["name"]})
    assert all(len(reason) > 20 for reason in reasons)


@pytest.mark.parametrize("doc", DOCS, ids=doc_ids)
def test_exit_code_tables_list_every_code(doc: Path) -> None:
    from bot.cli import common

    codes = {value for key, value in vars(common).items() if key.startswith("EXIT_")}
    text = doc.read_text(encoding="utf-8")
    for table in re.findall(r"^\| Code \|.*\n\|[-| ]+\|\n((?:\|.*\n?)+)", text, re.MULTILINE):
        assert {int(cell) for cell in first_cells(table)} == codes
