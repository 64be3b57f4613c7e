"""`claimbot score` as a user runs it, start-up included, against the same scoring in process.

    .venv/bin/python -m benchmarks.score_process [--runs N] [--data DIR]

Writes the CheckThat! training sentences (22,501) one per line to a temporary file, then
alternates: the whole process (`python -m bot score FILE`, output to /dev/null, wall time
from spawn to exit) and, in this process with the model loaded, `builtin_score` on every
line, which is what the command does for each one. Reports both rates, their ratio
(target >= 0.7) and, for reference, the rate of `score_sentence(text, "en")`, which skips
the per-line language detection the command needs (the figure of benchmarks/extract_speed).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tools.checkthat import DEFAULT_DATA, read_tsv
from tools.shared_data import CHECKWORTHY, require_files

REPO = Path(__file__).resolve().parent.parent
TARGET_RATIO = 0.7


def _process_seconds(path: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "bot", "score", str(path)],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        check=True,
    )
    return time.perf_counter() - started


def _in_process_seconds(lines: list[str]) -> float:
    from bot.services.backend_results import builtin_score

    started = time.perf_counter()
    for line in lines:
        builtin_score(line)
    return time.perf_counter() - started


def _english_seconds(lines: list[str]) -> float:
    from bot.extraction import score_sentence

    started = time.perf_counter()
    for line in lines:
        score_sentence(line, "en")
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="alternated runs of each")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="CheckThat! TSV folder")
    args = parser.parse_args()
    train = args.data / "CT24_checkworthy_english_train.tsv"
    require_files(CHECKWORTHY, [train])

    rows = read_tsv(train)
    lines = [" ".join(text.split()) for text, _ in rows]
    lines = [line for line in lines if line]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "sentences.txt"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        _in_process_seconds(lines[:10])  # the model and lexicons, loaded once
        process, in_process, english = [], [], []
        for _ in range(args.runs):
            process.append(_process_seconds(path))
            in_process.append(_in_process_seconds(lines))
            english.append(_english_seconds(lines))
    count = len(lines)
    process_rate = count / statistics.median(process)
    in_process_rate = count / statistics.median(in_process)
    english_rate = count / statistics.median(english)
    ratio = process_rate / in_process_rate
    print(f"{count:,} sentences, median of {args.runs} alternated runs")
    print(f"  whole process (claimbot score FILE): {process_rate:,.0f} sentences/s")
    print(f"  in process (builtin_score per line): {in_process_rate:,.0f} sentences/s")
    print(f"  ratio {ratio:.2f} (target >= {TARGET_RATIO})")
    print(f"  for reference, score_sentence(text, 'en'): {english_rate:,.0f} sentences/s")
    return 0 if ratio >= TARGET_RATIO else 1


if __name__ == "__main__":
    raise SystemExit(main())
