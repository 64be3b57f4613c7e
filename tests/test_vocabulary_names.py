"""One word, one meaning (the README's glossary), held in the code of `bot/` and `cogs/`.

Each rule fails on a name that came back with its old meaning: a class defined in two
modules, "verdict" naming a vote, "attribution" naming a speaker, `source_url` naming the
page a claim was found on, an old column in a query, a storage class that does not say it
is a store. The last test runs the rules on the old code, so a rule that sees nothing fails.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
MODULES = sorted(p for root in ("bot", "cogs") for p in (REPO / root).rglob("*.py"))

# Every identifier holding "verdict" names a verdict as the glossary means it (a status that
# states a conclusion, a moderator's final verdict, a notice of one), in the modules given
# (None: anywhere). A reviewer's choice is a vote (`Vote`, `VOTES`, `vote`), never a verdict.
VERDICT_NAMES: dict[str, tuple[str, ...] | None] = {
    "AWAITING_VERDICT": None,  # the statuses that are no verdict yet
    "VERDICT_STATUSES": None,  # the statuses that are verdicts
    "FINAL_VERDICTS": None,  # what a moderator's /claim resolve may pin
    "NOT_A_VERDICT": ("bot/core/notices.py",),
    "VerdictNotices": None,  # the service that sends verdict notices
    "verdict_notices": None,  # its module (and table)
    # /claim resolve's option: the final verdict a moderator gives
    "verdict": ("cogs/claims/moderating.py",),
    "FINAL_VERDICT_CHOICES": ("cogs/claims/moderating.py",),
    # the verdicts reached in a digest's period, by status
    "verdicts": ("bot/core/digest.py", "bot/storage/digests.py"),
}
# Names that are never identifiers any more, whatever they would hold.
GONE = {
    "source_url": "origin_url (the page a claim was found on)",
    "source_title": "origin_title",
    "source_text": "span_text (the claim's span in its document)",
    "default_attribution": "default_speaker",
    "Verdict": "Vote",
    "VERDICTS": "VOTES",
    "RESOLVABLE_STATUSES": "FINAL_VERDICTS",
    "ClaimReview": "NewFactCheck ('ClaimReview' names only the schema.org format)",
    "read_claim_reviews": "read_fact_checks",
}
# A column of a query with an old name; the migrations keep the history (0013 renames them).
OLD_COLUMNS = re.compile(r"\b(verdict|attribution|source_url|source_title)\b")
SQL = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE|WHERE|CREATE)\b")


def identifiers(tree: ast.AST) -> Iterator[tuple[int, str, str]]:
    """(line, kind, name) of every name the code defines or uses; a class's annotated
    attributes are `field`s."""
    fields = [
        statement.target
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
        for statement in node.body
        if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name)
    ]
    for target in fields:
        yield target.lineno, "field", target.id
    field_ids = {id(target) for target in fields}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and id(node) not in field_ids:
            yield node.lineno, "name", node.id
        elif isinstance(node, ast.Attribute):
            yield node.lineno, "attribute", node.attr
        elif isinstance(node, ast.arg):
            yield node.lineno, "parameter", node.arg
        elif isinstance(node, ast.keyword) and node.arg:
            yield node.value.lineno, "keyword", node.arg
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            yield node.lineno, "definition", node.name
        elif isinstance(node, ast.alias):
            yield node.lineno, "import", node.asname or node.name.split(".")[-1]


def misnamed_verdicts(module: str, tree: ast.AST) -> list[str]:
    wrong = []
    for line, kind, name in identifiers(tree):
        if "verdict" not in name.lower():
            continue
        if name not in VERDICT_NAMES:
            wrong.append(f"{module}:{line} {kind} {name}")
        elif (homes := VERDICT_NAMES[name]) is not None and module not in homes:
            wrong.append(f"{module}:{line} {kind} {name} (only in {', '.join(homes)})")
    return wrong


def gone_names(module: str, tree: ast.AST) -> list[str]:
    return [
        f"{module}:{line} {kind} {name}: now {GONE[name]}"
        for line, kind, name in identifiers(tree)
        if name in GONE
    ]


def speakers_called_attribution(module: str, tree: ast.AST) -> list[str]:
    """No field, attribute, parameter or keyword is called `attribution`. The extractor's
    module of that name, and a local holding one of its `Attribution`s (the cue that names
    a speaker in a sentence), are the act of attributing, not the speaker."""
    return [
        f"{module}:{line} {kind} {name}: now speaker"
        for line, kind, name in identifiers(tree)
        if name == "attribution" and kind in ("attribute", "parameter", "keyword", "field")
    ]


def old_columns(module: str, tree: ast.AST) -> list[str]:
    return [
        f"{module}:{node.lineno} {node.value!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and SQL.search(node.value)
        and OLD_COLUMNS.search(node.value)
    ]


RULES = (misnamed_verdicts, gone_names, speakers_called_attribution, old_columns)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(REPO)))
def test_the_glossary_holds_in(path: Path) -> None:
    module = str(path.relative_to(REPO))
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=module)
    assert [problem for rule in RULES for problem in rule(module, tree)] == []


def test_no_class_name_is_defined_in_two_modules() -> None:
    homes: dict[str, list[str]] = {}
    for path in MODULES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                homes.setdefault(node.name, []).append(str(path.relative_to(REPO)))
    assert {name: found for name, found in homes.items() if len(found) > 1} == {}


def test_storage_classes_say_they_are_stores() -> None:
    wrong = []
    for path in sorted((REPO / "bot" / "storage").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                bases = {b.id for b in node.bases if isinstance(b, ast.Name)}
                if "Store" in bases and not node.name.endswith("Store"):
                    wrong.append(f"{path.name}: {node.name}")
    assert wrong == []


OLD_CODE = """
from bot.core.vocabulary import VERDICTS, Verdict

@dataclass
class VoteEvent:
    verdict: Verdict | None

class ClaimRecord:
    attribution: str | None

def counts(db, claim, source_url):
    rows = db.execute("SELECT verdict, count(*) FROM claim_votes GROUP BY verdict")
    return render(claim.attribution, emoji_by_verdict=table.by_verdict)
"""


def test_the_rules_catch_the_old_code() -> None:
    tree = ast.parse(OLD_CODE)
    module = "bot/core/status.py"
    assert sorted(misnamed_verdicts(module, tree)) == sorted(
        [
            f"{module}:2 import VERDICTS",
            f"{module}:2 import Verdict",
            f"{module}:6 name Verdict",
            f"{module}:13 keyword emoji_by_verdict",
            f"{module}:13 attribute by_verdict",
            f"{module}:6 field verdict (only in cogs/claims/moderating.py)",
        ]
    )
    assert sorted(gone_names(module, tree)) == sorted(
        [
            f"{module}:2 import VERDICTS: now VOTES",
            f"{module}:2 import Verdict: now Vote",
            f"{module}:6 name Verdict: now Vote",
            f"{module}:11 parameter source_url: now origin_url (the page a claim was found on)",
        ]
    )
    assert sorted(speakers_called_attribution(module, tree)) == sorted(
        [
            f"{module}:13 attribute attribution: now speaker",
            f"{module}:9 field attribution: now speaker",
        ]
    )
    assert old_columns(module, tree) == [
        f"{module}:12 'SELECT verdict, count(*) FROM claim_votes GROUP BY verdict'"
    ]
