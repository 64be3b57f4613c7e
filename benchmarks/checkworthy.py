"""Check-worthiness of the current model beside the previous release's, in one run.

.venv/bin/python -m benchmarks.checkworthy [TSV ...]   # default: the dev-test split
.venv/bin/python -m benchmarks.checkworthy --parallel  # EN/FR agreement on the parallel set
.venv/bin/python -m benchmarks.checkworthy --against 95127b2^  # another release
.venv/bin/python -m benchmarks.checkworthy --backend llm  # the CLAIMBOT_LLM_* endpoint instead

Each CheckThat! file is scored by this tree's `score_sentence` and by the release's
(`c2dd61f` unless `--against`), its code and weights both, unpacked with `git archive`
and run in a subprocess (`tools/releases.py`); the table puts them side by side.
`--parallel` scores each English sentence of tests/extraction/data/parallel_en_fr.tsv
with the English model and its French translation with the same model through the
French lexicon (`bridged_score`), and reports decision agreement, the mean score gap and
both F1s against the pair labels, for both trees.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

from bot.extraction import is_checkworthy, score_sentence
from bot.extraction.scoring import bridged_score
from tools import releases
from tools.checkthat import DEFAULT_DATA, DEV_TEST_FILE, read_tsv
from tools.shared_data import CHECKWORTHY, require_files

REPO = Path(__file__).resolve().parent.parent

DEFAULT_TSV = DEFAULT_DATA / DEV_TEST_FILE
PARALLEL_TSV = REPO / "tests" / "extraction" / "data" / "parallel_en_fr.tsv"
TSV_ARGUMENT = "give its path as a TSV argument"


def _f1(predicted: list[bool], labels: list[bool]) -> float:
    tp = sum(p and y for p, y in zip(predicted, labels, strict=True))
    fp = sum(p and not y for p, y in zip(predicted, labels, strict=True))
    fn = sum(y and not p for p, y in zip(predicted, labels, strict=True))
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


@dataclass(frozen=True)
class Counts:
    """Confusion counts of one model on one file, and what they give."""

    tp: int
    fp: int
    fn: int

    @classmethod
    def of(cls, scores: Sequence[float], labels: Sequence[int]) -> Counts:
        pairs = [(is_checkworthy(s), y == 1) for s, y in zip(scores, labels, strict=True)]
        return cls(
            sum(p and y for p, y in pairs),
            sum(p and not y for p, y in pairs),
            sum(y and not p for p, y in pairs),
        )

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        return 2 * self.tp / (2 * self.tp + self.fp + self.fn) if self.tp else 0.0


def compare(path: Path, against: str, console: Console) -> None:
    """Score one CheckThat! file with this tree and the release; print them side by side."""
    rows = read_tsv(path)
    texts, labels = [t for t, _ in rows], [y for _, y in rows]
    score_sentence(texts[0], "en")  # the model loads on first use; time the scoring alone
    started = time.perf_counter()
    current = [score_sentence(text, "en") for text in texts]
    rate = len(texts) / (time.perf_counter() - started)
    with releases.checkout(against) as tree:
        previous = releases.score(tree, texts)
    table = Table(title=f"{path.name}: {len(rows)} sentences, {sum(labels)} check-worthy")
    for column in ("model", "TP", "FP", "FN", "precision", "recall", "F1"):
        table.add_column(column, justify="left" if column == "model" else "right")
    for name, scores in (("this tree", current), (f"release {against}", previous)):
        c = Counts.of(scores, labels)
        table.add_row(
            name,
            str(c.tp),
            str(c.fp),
            str(c.fn),
            f"{c.precision:.3f}",
            f"{c.recall:.3f}",
            f"{c.f1:.3f}",
        )
    console.print(table)
    pairs = zip(current, previous, strict=True)
    changed = sum(is_checkworthy(a) != is_checkworthy(b) for a, b in pairs)
    console.print(f"  decisions changed: {changed}; this tree scores {rate:,.0f} sentences/s")


def compare_parallel(path: Path, against: str, console: Console) -> None:
    """Agreement, mean |score gap| and F1 per language on parallel pairs, both trees."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    labels = [row["label"] == "1" for row in rows]
    english = [row["en"] for row in rows]
    french = [row["fr"] for row in rows]
    current = (
        [score_sentence(t, "en") for t in english],
        [bridged_score(t, "fr") or 0.0 for t in french],
    )
    with releases.checkout(against) as tree:
        previous = (releases.score(tree, english), releases.score(tree, french, "fr"))
    table = Table(title=f"{path.name}: {len(rows)} pairs, {sum(labels)} check-worthy")
    for column in ("model", "agreement", "mean |gap|", "F1 English", "F1 French"):
        table.add_column(column, justify="left" if column == "model" else "right")
    for name, (en, fr) in (("this tree", current), (f"release {against}", previous)):
        en_verdicts = [is_checkworthy(s) for s in en]
        fr_verdicts = [is_checkworthy(s) for s in fr]
        agreement = sum(a == b for a, b in zip(en_verdicts, fr_verdicts, strict=True))
        gap = sum(abs(a - b) for a, b in zip(en, fr, strict=True)) / len(rows)
        table.add_row(
            name,
            f"{agreement / len(rows):.3f} ({agreement}/{len(rows)})",
            f"{gap:.3f}",
            f"{_f1(en_verdicts, labels):.3f}",
            f"{_f1(fr_verdicts, labels):.3f}",
        )
    console.print(table)


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
        "--against",
        default=releases.PREVIOUS.commit,
        help=f"the release to compare with (default {releases.PREVIOUS.commit})",
    )
    parser.add_argument(
        "--backend",
        choices=("builtin", "llm"),
        default="builtin",
        help="llm: the CLAIMBOT_LLM_* endpoint, as `claimbot score --backend llm`",
    )
    args = parser.parse_args()
    if args.backend == "llm" and not args.parallel:
        return evaluate_llm(args.tsv)
    console = Console(highlight=False)
    if args.parallel:
        compare_parallel(PARALLEL_TSV, args.against, console)
        return 0
    require_files(CHECKWORTHY, args.tsv, elsewhere=TSV_ARGUMENT)
    for path in args.tsv:
        compare(path, args.against, console)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
