"""Earlier releases run with their own code: scores, and the side-by-side benchmark."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tools import releases
from tools.shared_data import CHECKWORTHY, missing_data

REPO = Path(__file__).resolve().parents[2]
ROWS = (
    ("1", "Unemployment fell to 4.1 percent in March 2019.", "Yes"),
    ("2", "Thank you all for coming tonight.", "No"),
    ("3", "Crime rose 12 percent last year.", "Yes"),
    ("4", "I believe we can do better as a nation.", "Yes"),
)


def test_a_release_scores_with_its_own_weights() -> None:
    sentence = "The harbour might welcome thousands of cruise passengers in the next decade."
    with releases.checkout(releases.BEFORE_STANCE.commit) as tree:
        assert not (tree / "tools" / "fit_stance.py").exists()
        before = releases.score(tree, [sentence])
    with releases.checkout(releases.PREVIOUS.commit) as tree:
        assert releases.hyper_parameters(tree)["epochs"] == 2
        previous = releases.score(tree, [sentence])
    # c2dd61f adds the stance terms fitted on news, which pull this forecast down
    assert round(before[0], 3) == 0.813
    assert round(previous[0], 3) == 0.521


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAIMBOT_", "DISCORD_"))}
    env["PYTHONPATH"] = str(REPO)
    return subprocess.run(
        [sys.executable, "-m", "benchmarks.checkworthy", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_benchmark_puts_this_tree_beside_the_previous_release(tmp_path: Path) -> None:
    tsv = tmp_path / "mine.tsv"
    tsv.write_text("Sentence_id\tText\tclass_label\n" + "".join("\t".join(r) + "\n" for r in ROWS))
    result = _run([str(tsv)], tmp_path)
    assert result.returncode == 0, result.stderr
    rows = {
        cells[0]: cells[1:]
        for line in result.stdout.splitlines()
        if (cells := [c.strip() for c in line.strip("│ ").split("│")])[0]
        in ("this tree", "release c2dd61f")
    }
    # TP 2 (1, 3), FP 0, FN 1 (4, labelled Yes here on purpose): P 1.0, R 0.667
    expected = ["2", "0", "1", "1.000", "0.667", "0.800"]
    assert rows == {"this tree": expected, "release c2dd61f": expected}
    assert "decisions changed: 0;" in result.stdout


def test_the_benchmark_without_its_data_says_so_in_one_line(tmp_path: Path) -> None:
    result = _run([str(tmp_path / "absent.tsv")], tmp_path)
    assert (result.returncode, result.stdout) == (2, "")
    line = missing_data(tmp_path / "absent.tsv", CHECKWORTHY, "give its path as a TSV argument")
    assert result.stderr.splitlines() == [line]
