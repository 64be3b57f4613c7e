"""Speed of the built-in extractor: scoring rate, article latency, import time.

    .venv/bin/python -m benchmarks.extract_speed [--runs N] [--article PATH] [--data DIR]

Targets: >= 5,000 sentences/s for `score_sentence` (single core), < 50 ms to
extract the example article (median after warm-up), < 300 ms to import
`bot.extraction` in a fresh interpreter.  Also reported, without a target: French
through the English model (`bridged_score` on the parallel set's French side).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.example_article import DEFAULT_ARTICLE
from tools.checkthat import DEFAULT_DATA, read_tsv
from tools.shared_data import CHECKWORTHY, require_files

REPO = Path(__file__).resolve().parent.parent

PARALLEL = REPO / "tests" / "extraction" / "data" / "parallel_en_fr.tsv"
IMPORT_PROBE = (
    "import time; t = time.perf_counter(); import bot.extraction; print(time.perf_counter() - t)"
)


def import_seconds(runs: int) -> float:
    """Median wall time of `import bot.extraction` in fresh interpreters."""
    samples = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", IMPORT_PROBE],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        )
        samples.append(float(out.stdout.strip().splitlines()[-1]))
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--article", type=Path, default=DEFAULT_ARTICLE)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="CheckThat! TSV folder")
    args = parser.parse_args()
    train = args.data / "CT24_checkworthy_english_train.tsv"
    require_files(CHECKWORTHY, [train])

    seconds = import_seconds(5)
    print(f"import bot.extraction: {seconds * 1000:.0f} ms (median of 5 fresh interpreters)")

    from bot.extraction import extract_claims, score_sentence

    sentences = [text for text, _ in read_tsv(train)]
    score_sentence(sentences[0], "en")  # load the model and lexicon once
    started = time.perf_counter()
    for sentence in sentences:
        score_sentence(sentence, "en")
    rate = len(sentences) / (time.perf_counter() - started)
    print(f"score_sentence: {rate:,.0f} sentences/s over {len(sentences):,} train sentences")

    ok = rate >= 5_000 and seconds < 0.3
    from bot.extraction.scoring import bridged_score

    french = [row.split("\t")[4] for row in PARALLEL.read_text("utf-8").splitlines()[1:]] * 20
    bridged_score(french[0], "fr")
    started = time.perf_counter()
    for sentence in french:
        bridged_score(sentence, "fr")
    french_rate = len(french) / (time.perf_counter() - started)
    print(f"bridged French scoring: {french_rate:,.0f} sentences/s over {len(french):,} sentences")
    if args.article.is_file():
        text = args.article.read_text("utf-8")
        extract_claims(text)
        timings = []
        for _ in range(args.runs):
            started = time.perf_counter()
            extract_claims(text)
            timings.append(time.perf_counter() - started)
        median_ms = statistics.median(timings) * 1000
        print(f"extract_claims({args.article.name}): {median_ms:.1f} ms median of {args.runs}")
        ok = ok and median_ms < 50
    else:
        print(f"article not found, skipped: {args.article}")
    print("OK" if ok else "below target")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
