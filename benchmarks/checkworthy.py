"""Precision, recall and F1 (positive class) of `score_sentence` on CheckThat! TSV files.

.venv/bin/python benchmarks/checkworthy.py [TSV ...]   # default: the dev-test split
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from train_checkworthy import DEFAULT_DATA, read_tsv  # noqa: E402

from bot.extraction import is_checkworthy, score_sentence  # noqa: E402

DEFAULT_TSV = DEFAULT_DATA / "CT24_checkworthy_english_dev-test.tsv"


def evaluate(path: Path) -> tuple[float, float, float]:
    """Print and return (precision, recall, F1) of the positive class for one file."""
    rows = read_tsv(path)
    started = time.perf_counter()
    predicted = [is_checkworthy(score_sentence(text, "en")) for text, _ in rows]
    elapsed = time.perf_counter() - started
    tp = sum(1 for p, (_, y) in zip(predicted, rows, strict=True) if p and y)
    fp = sum(1 for p, (_, y) in zip(predicted, rows, strict=True) if p and not y)
    fn = sum(1 for p, (_, y) in zip(predicted, rows, strict=True) if not p and y)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    positives = sum(y for _, y in rows)
    print(f"{path.name}: {len(rows)} sentences, {positives} check-worthy")
    print(f"  predicted positive {tp + fp}: TP {tp}  FP {fp}  FN {fn}")
    print(f"  precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}")
    print(f"  {len(rows) / elapsed:,.0f} sentences/s")
    return precision, recall, f1


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("tsv", nargs="*", type=Path, default=[DEFAULT_TSV])
    args = parser.parse_args()
    for path in args.tsv:
        if not path.is_file():
            print(f"missing file: {path}", file=sys.stderr)
            return 2
        evaluate(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
