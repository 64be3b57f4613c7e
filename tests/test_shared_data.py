"""Benchmarks and tools in a fresh clone: without the shared data they say in one line which
data they need and where it goes, and exit 2, with no traceback (tools/shared_data.py)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

CHECKWORTHY = "needs the CheckThat! 2024 English check-worthiness TSVs: put it there"
CLAIM_MATCHING = "needs the CheckThat! 2022 Task 2A English claim-matching TSVs: put it there"
FOLDER = "or give its folder with --data DIR"

# module, its arguments with the data pointed at the empty folder {empty}, the line it ends with
CASES = [
    (
        "benchmarks.checkworthy",
        ["{empty}/dev-test.tsv"],
        f"missing file: {{empty}}/dev-test.tsv ({CHECKWORTHY}, or give its path as a TSV argument)",
    ),
    (
        "benchmarks.claim_matching",
        ["--data", "{empty}"],
        f"missing file: {{empty}}/vclaims.tsv ({CLAIM_MATCHING}, {FOLDER})",
    ),
    (
        "benchmarks.claim_matching",
        ["--cli", "--data", "{empty}"],
        f"missing file: {{empty}}/vclaims.tsv ({CLAIM_MATCHING}, {FOLDER})",
    ),
    (
        "benchmarks.extract_speed",
        ["--data", "{empty}"],
        f"missing file: {{empty}}/CT24_checkworthy_english_train.tsv ({CHECKWORTHY}, {FOLDER})",
    ),
    (
        "benchmarks.score_process",
        ["--data", "{empty}"],
        f"missing file: {{empty}}/CT24_checkworthy_english_train.tsv ({CHECKWORTHY}, {FOLDER})",
    ),
    (
        "benchmarks.library_scale",
        ["--data", "{empty}"],
        f"missing file: {{empty}}/vclaims.tsv ({CLAIM_MATCHING}, {FOLDER})",
    ),
    (
        "benchmarks.example_article",
        ["{empty}/article.txt"],
        "missing file: {empty}/article.txt (needs the French example article: put it there, "
        "or give its path as the PATH argument)",
    ),
    (
        "tools.train_checkworthy",
        ["--data", "{empty}"],
        f"missing file: {{empty}}/CT24_checkworthy_english_train.tsv ({CHECKWORTHY}, {FOLDER})",
    ),
    (
        "tools.releases",
        ["--data", "{empty}"],
        f"missing file: {{empty}}/CT24_checkworthy_english_train.tsv ({CHECKWORTHY}, {FOLDER})",
    ),
    (
        "tools.train_claim_matcher",
        ["--data", "{empty}"],
        f"missing file: {{empty}}/vclaims.tsv ({CLAIM_MATCHING}, {FOLDER})",
    ),
]


@pytest.mark.parametrize(
    ("module", "args", "line"), CASES, ids=[f"{m} {' '.join(a)}" for m, a, _ in CASES]
)
def test_without_its_data_a_script_says_what_it_needs_and_exits_2(
    tmp_path: Path, module: str, args: list[str], line: str
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    result = subprocess.run(
        [sys.executable, "-m", module, *(arg.format(empty=empty) for arg in args)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.splitlines() == [line.format(empty=empty)]
    assert list(empty.iterdir()) == []


# A script reads shared data when it names the shared folder, has a --data option, or takes
# a data location from another script.
_READS_SHARED_DATA = re.compile(r'"shared"|"--data"|\bDEFAULT_DATA\b|\bDATA\b')


def test_every_script_that_reads_shared_data_is_tested_above() -> None:
    scripts = sorted(p for folder in ("benchmarks", "tools") for p in (REPO / folder).glob("*.py"))
    readers = {
        ".".join(p.relative_to(REPO).with_suffix("").parts)
        for p in scripts
        if _READS_SHARED_DATA.search(text := p.read_text("utf-8"))
        and 'if __name__ == "__main__"' in text  # a script, not a module scripts import
    }
    assert readers == {module for module, _, _ in CASES}
