"""Precision, recall and F1 (positive class) of `score_sentence` on CheckThat! TSV files.

.venv/bin/python -m benchmarks.checkworthy [TSV ...]   # default: the dev-test split
.venv/bin/python -m benchmarks.checkworthy --parallel  # EN/FR agreement on the parallel set
.venv/bin/python -m benchmarks.checkworthy --backend llm  # the CLAIMBOT_LLM_* endpoint instead

`--parallel` scores each English sentence of tests/extraction/data/parallel_en_fr.tsv
with the English model and its French translation with the same model through the
French lexicon (`bridged_score`), and reports verdict agreement, the mean score gap
and both F1s against the pair labels.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

from bot.extraction import is_checkworthy, score_sentence
from bot.extraction.scoring import bridged_score
from tools.shared_data import CHECKWORTHY, require_files
from tools.train_checkworthy import DEFAULT_DATA, read_tsv

REPO = Path(__file__).resolve().parent.parent

DEFAULT_TSV = DEFAULT_DATA / "CT24_checkworthy_english_dev-test.tsv"
PARALLEL_TSV = REPO / "tests" / "extraction" / "data" / "parallel_en_fr.tsv"
TSV_ARGUMENT = "give its path as a TSV argument"


def _f1(predicted: list[bool], labels: list[bool]) -> float:
    tp = sum(p and y for p, y in zip(predicted, labels, strict=True))
    fp = sum(p and not y for p, y in zip(predicted, labels, strict=True))
    fn = sum(y and not p for p, y in zip(predicted, labels, strict=True))
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def evaluate_parallel(path: Path) -> None:
    """Print verdict agreement, mean |score gap| and F1 per language on parallel pairs."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    labels = [row["label"] == "1" for row in rows]
    english = [score_sentence(row["en"], "en") for row in rows]
    french = [bridged_score(row["fr"], "fr") or 0.0 for row in rows]
    en_verdicts = [is_checkworthy(s) for s in english]
    fr_verdicts = [is_checkworthy(s) for s in french]
    agreement = sum(a == b for a, b in zip(en_verdicts, fr_verdicts, strict=True)) / len(rows)
    gap = sum(abs(a - b) for a, b in zip(english, french, strict=True)) / len(rows)
    print(f"{path.name}: {len(rows)} pairs, {sum(labels)} check-worthy")
    print(f"  verdict agreement {agreement:.4f}  mean |score gap| {gap:.4f}")
    print(f"  F1 English {_f1(en_verdicts, labels):.4f}  F1 French {_f1(fr_verdicts, labels):.4f}")


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


def evaluate_llm(paths: list[Path]) -> int:
    """F1 of the LLM backend through `score_with_llm`, the path of `claimbot score
    --backend llm`, with its request rate and tokens; settings as the bot reads them."""
    import asyncio

    from bot.config import ConfigError, load_settings
    from bot.services.llm_extraction import LLMUsage, llm_config, score_with_llm

    try:
        config = llm_config(load_settings())
    except ConfigError as error:
        print(error, file=sys.stderr)
        return 2
    if config is None:
        print(
            "--backend llm needs CLAIMBOT_LLM_BASE_URL and CLAIMBOT_LLM_MODEL "
            "(environment or .env)",
            file=sys.stderr,
        )
        return 2
    require_files(CHECKWORTHY, paths, elsewhere=TSV_ARGUMENT)
    for path in paths:
        rows = read_tsv(path)
        usage = LLMUsage(config.max_tokens_per_run)
        started = time.perf_counter()
        scores = asyncio.run(score_with_llm([text for text, _ in rows], config, usage))
        elapsed = time.perf_counter() - started
        pairs = [
            (score.checkworthy, label == 1) for score, (_, label) in zip(scores, rows, strict=True)
        ]
        tp = sum(p and y for p, y in pairs)
        fp = sum(p and not y for p, y in pairs)
        fn = sum(y and not p for p, y in pairs)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = _f1([p for p, _ in pairs], [y for _, y in pairs])
        print(
            f"{path.name}: {len(rows)} sentences, {sum(y for _, y in pairs)} check-worthy "
            f"(backend llm, model {config.model})"
        )
        print(f"  predicted positive {tp + fp}: TP {tp}  FP {fp}  FN {fn}")
        print(f"  precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}")
        print(
            f"  {usage.requests} requests ({usage.retries} retried) in {elapsed:.2f} s: "
            f"{usage.requests / elapsed:.1f} requests/s"
        )
        print(f"  tokens {usage.tokens} (cap {usage.cap})")
        fallbacks = sum(score.backend == "builtin" for score in scores)
        print(f"  sentences scored by the built-in fallback: {fallbacks}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("tsv", nargs="*", type=Path, default=[DEFAULT_TSV])
    parser.add_argument("--parallel", action="store_true", help="EN/FR parallel set instead")
    parser.add_argument(
        "--backend",
        choices=("builtin", "llm"),
        default="builtin",
        help="llm: the CLAIMBOT_LLM_* endpoint, as `claimbot score --backend llm`",
    )
    args = parser.parse_args()
    if args.backend == "llm" and not args.parallel:
        return evaluate_llm(args.tsv)
    if args.parallel:
        evaluate_parallel(PARALLEL_TSV)
        return 0
    require_files(CHECKWORTHY, args.tsv, elsewhere=TSV_ARGUMENT)
    for path in args.tsv:
        evaluate(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
