"""The layer map of docs/architecture.md ("Layers"), checked against the imports in `bot/`.

A module may import its own package and the packages its layer lists below; pure packages
import neither discord, sqlite nor httpx. Imports under `TYPE_CHECKING` count too: a cycle
that only type checkers see is still a cycle for a reader.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parent.parent / "bot"

# package -> the other bot packages it may import
ALLOWED: dict[str, set[str]] = {
    "core": set(),
    "extraction": {"core"},
    # documents → extraction: a ClaimReview with no inLanguage gets detect_language's guess.
    "documents": {"core", "extraction"},
    "matching": {"core"},
    # the public pages as text (HTML, CSS, Atom, JSON-LD), and the server that serves them
    "pages": {"core"},
    "publish": {"core", "pages", "storage"},
    "storage": {"core"},
    "web": {"core", "documents"},
    "services": {
        "core",
        "documents",
        "extraction",
        "matching",
        "pages",
        "storage",
        "web",
        "config",
    },
    "app": {
        "core",
        "documents",
        "extraction",
        "matching",
        "pages",
        "storage",
        "web",
        "services",
        "config",
    },
    # config → core: the shard settings are parsed by the one home of the shard rule.
    "config": {"core"},
    "cli": {
        "core",
        "documents",
        "extraction",
        "matching",
        "storage",
        "web",
        "services",
        "app",
        "config",
        "pages",
        "publish",
    },
    "__main__": {"cli"},
}
PURE = {"core", "extraction", "documents", "matching", "pages"}
IO_LIBRARIES = {"discord", "sqlite3", "aiosqlite", "httpx"}
FORBIDDEN_LIBRARIES: dict[str, set[str]] = {
    **{package: IO_LIBRARIES for package in PURE},
    "storage": {"discord", "httpx"},
    "web": {"discord", "sqlite3", "aiosqlite"},
    "publish": {"discord", "sqlite3", "aiosqlite", "httpx"},
}


def package_of(path: Path) -> str:
    relative = path.relative_to(BOT)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def imports_of(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


MODULES = sorted(p for p in BOT.rglob("*.py") if p.name != "__init__.py" or p.parent != BOT)


def test_every_package_of_bot_is_on_the_map() -> None:
    packages = {package_of(p) for p in MODULES} - {"__init__"}
    assert packages <= set(ALLOWED), packages - set(ALLOWED)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(BOT)))
def test_imports_follow_the_layer_map(path: Path) -> None:
    package = package_of(path)
    wrong = []
    for line, module in imports_of(path):
        top, _, rest = module.partition(".")
        if top == "bot":
            target = rest.partition(".")[0]
            if target and target != package and target not in ALLOWED[package]:
                wrong.append(f"line {line}: {module}")
        elif top in FORBIDDEN_LIBRARIES.get(package, set()):
            wrong.append(f"line {line}: {module}")
    assert wrong == [], f"bot/{path.relative_to(BOT)} ({package}) may not import these"


def test_the_map_itself_has_no_cycle() -> None:
    seen: dict[str, int] = {}

    def visit(package: str) -> None:
        if seen.get(package) == 1:
            raise AssertionError(f"cycle through {package}")
        if seen.get(package) == 2:
            return
        seen[package] = 1
        for target in ALLOWED[package]:
            visit(target)
        seen[package] = 2

    for package in ALLOWED:
        visit(package)


REPO = BOT.parent
SCRIPTS = sorted(p for folder in ("benchmarks", "tools") for p in (REPO / folder).glob("*.py"))


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: str(p.relative_to(REPO)))
def test_scripts_import_as_modules_without_path_hacks(path: Path) -> None:
    """Benchmarks and tools run as `python -m benchmarks.NAME` from the repository root and
    reach the test support as `tests.support`; none edits `sys.path` to get there."""
    tree = ast.parse(path.read_text(), filename=str(path))
    hacks = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr == "path"
        and isinstance(node.value, ast.Name)
        and node.value.id == "sys"
    ]
    assert hacks == []
    module = ".".join(path.relative_to(REPO).with_suffix("").parts)
    assert importlib.import_module(module).__file__ == str(path)


def test_shipped_data_is_made_by_tools_not_benchmarks() -> None:
    assert (REPO / "tools" / "train_checkworthy.py").is_file()
    assert not (REPO / "benchmarks" / "train_checkworthy.py").exists()
