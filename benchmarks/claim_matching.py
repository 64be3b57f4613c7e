"""Claim matching quality and speed on CheckThat! 2022 Task 2A (English).

    .venv/bin/python -m benchmarks.claim_matching [--data DIR] [--scale 100000] [--queries N]
    .venv/bin/python -m benchmarks.claim_matching --cli [--scale 100000]

`--cli` goes the operator's way, end to end, and compares two releases in one run: the
DataFeed is imported with `python -m bot factchecks import` into a temporary DATABASE_PATH, the
Dev and Dev-Test tweets are matched with `python -m bot match` (the bot's FactCheckLibrary),
with their signature's date and with it cut, and MAP@5 and MRR are computed from its JSON
lines; the import's reviews/s is timed around the import subprocess (start-up included). It
does so with this tree and with PREVIOUS_RELEASE (extracted by `git archive` and run with only
that tree on the path, so code and weights are both the release's), and prints a table of both.

The 14,231 Snopes fact-checks of vclaims.tsv are written as one schema.org ClaimReview
DataFeed JSON file in a temporary folder and read back through bot.documents.claimreview (so
the streaming parser runs at scale); the matcher is built from what it yields. Reported:
parse and index build times, RSS, MAP@5 and recall@5 on Train, Dev and Dev-Test (with and
without the tweet's date), and per-query p50/p99. `--scale N` grows the library to N reviews
(copies of the originals with a few words changed) for the speed and memory run; MAP is then
still measured against the original ids.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from benchmarks.harness import memory_kb, percentile
from bot.core.text import tweet_date, without_tweet_date
from bot.documents.claimreview import ImportReport, read_fact_checks
from bot.matching import ClaimMatcher, LibraryClaim
from bot.matching.index import CANDIDATES
from tools.shared_data import CLAIM_MATCHING, DATA_FOLDER_OPTION, require_files

ROOT = Path(__file__).resolve().parent.parent
# The shared data sits beside the repository (../shared), as for the other benchmarks.
DATA = ROOT.parent / "shared" / "data" / "claim-matching"
# The release the current matcher is compared with (code and weights, by `git archive`).
PREVIOUS_RELEASE = "c2dd61f"
SPLITS = ("Train", "Dev", "Dev-Test")
_BASE_URL = "https://www.snopes.com/fact-check/"


def _rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def _vclaim_date(text: str) -> date | None:
    try:
        return datetime.strptime(text.strip(), "%d %B %Y").date()
    except ValueError:
        return None


def load_library(data: Path = DATA) -> list[LibraryClaim]:
    """vclaims.tsv as library claims (the claim, its review's title, its date)."""
    return [
        LibraryClaim(row[0], row[1], "en", row[2], _vclaim_date(row[6]))
        for row in _rows(data / "vclaims.tsv")[1:]
    ]


def split_files(data: Path, split: str) -> tuple[Path, Path]:
    """The queries and the relevance judgements (QRELs) of one split."""
    queries_file = "Dev-Test_Queries" if split == "Dev-Test" else "Train-Dev_Queries"
    return (
        data / f"CT2022-Task2A-EN-{queries_file}.tsv",
        data / f"CT2022-Task2A-EN-{split}_QRELs.tsv",
    )


def require_data(data: Path, splits: Iterable[str], elsewhere: str = DATA_FOLDER_OPTION) -> None:
    """Exit 2 with one line unless the library and every file of `splits` are in `data`."""
    files = [data / "vclaims.tsv", *(f for split in splits for f in split_files(data, split))]
    require_files(CLAIM_MATCHING, files, elsewhere=elsewhere)


def load_split(data: Path, split: str) -> list[tuple[str, set[str]]]:
    """(tweet text, relevant vclaim ids) of one split."""
    queries, qrels = split_files(data, split)
    texts = {r[0]: r[1] for r in _rows(queries)}
    relevant: dict[str, set[str]] = {}
    for row in _rows(qrels):
        relevant.setdefault(row[0], set()).add(row[2])
    return [(texts[q], ids) for q, ids in relevant.items()]


def _variants(claims: list[LibraryClaim], total: int, seed: int) -> Iterator[LibraryClaim]:
    """The library and then copies with a number or a few words changed, up to `total`."""
    yield from claims
    rng = random.Random(seed)
    for n in range(total - len(claims)):
        claim = claims[n % len(claims)]
        words = claim.text.split()
        for _ in range(2):
            words[rng.randrange(len(words))] = rng.choice(words) + str(rng.randrange(100))
        yield LibraryClaim(f"{claim.id}~{n}", " ".join(words), "en", claim.title, claim.published)


def write_feed(claims: Iterator[LibraryClaim], path: Path) -> None:
    """A DataFeed as the big public feeds ship it; the vclaim id rides in the url."""
    with path.open("w", encoding="utf-8") as out:
        out.write('{"@context": "https://schema.org", "@type": "DataFeed", "dataFeedElement": [')
        for n, claim in enumerate(claims):
            review = {
                "@type": "ClaimReview",
                "url": _BASE_URL + claim.id,
                "claimReviewed": claim.text,
                "name": claim.title,
                "author": {"@type": "Organization", "name": "Snopes"},
                "datePublished": claim.published.isoformat() if claim.published else None,
                "inLanguage": "en",
                "reviewRating": {"@type": "Rating", "alternateName": "Unknown"},
                "itemReviewed": {"@type": "Claim"},
            }
            item = {"@type": "DataFeedItem", "item": [review]}
            out.write(("," if n else "") + json.dumps(item, ensure_ascii=False))
        out.write("]}")


def read_feed(path: Path) -> tuple[list[LibraryClaim], ImportReport]:
    report = ImportReport()
    with path.open("rb") as stream:
        claims = [
            LibraryClaim(
                r.url.removeprefix(_BASE_URL),
                r.claim_reviewed,
                r.language,
                r.title or "",
                date.fromisoformat(r.published) if r.published else None,
            )
            for r in read_fact_checks(stream, report)
        ]
    return claims, report


def average_precision_at_5(ranked: list[str], relevant: set[str]) -> float:
    hits, total = 0, 0.0
    for position, found in enumerate(ranked[:5]):
        if found in relevant:
            hits += 1
            total += hits / (position + 1)
    return total / min(len(relevant), 5)


def reciprocal_rank(ranked: list[str], relevant: set[str]) -> float:
    return next((1 / (n + 1) for n, found in enumerate(ranked) if found in relevant), 0.0)


@contextmanager
def release_tree(commit: str) -> Iterator[Path]:
    """The repository at `commit`, code and weights (`git archive`), in a temporary folder."""
    with tempfile.TemporaryDirectory() as folder:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", commit], capture_output=True, check=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", folder], input=archive, check=True)
        yield Path(folder)


def query_line(text: str, dated: bool = True) -> str:
    """A tweet as one input line of `claimbot match`; undated, its signature's date is cut, so
    it is matched as a claim posted without a date."""
    line = " ".join(text.split())
    return line if dated else without_tweet_date(line)


@dataclass
class CliRun:
    """What one tree's `claimbot factchecks import` and `claimbot match` gave."""

    rankings: dict[str, list[list[str]]]  # per line set, each line's fact-check ids, best first
    summary: str
    import_seconds: float
    import_cpu: float


def _claimbot(tree: Path, *args: str, env: dict[str, str], stdin: Path | None = None) -> str:
    """`python -m bot ARGS` of `tree` as an operator runs it; its stdout, or why it failed.
    The tree is the working directory and the only path, so a release runs its own code."""
    with stdin.open("rb") if stdin else open(os.devnull, "rb") as given:
        done = subprocess.run(
            [sys.executable, "-m", "bot", *args],
            env={**env, "PYTHONPATH": str(tree)},
            cwd=tree,
            stdin=given,
            capture_output=True,
            check=False,
        )
    if done.returncode != 0:
        raise SystemExit(f"claimbot {' '.join(args)}: {done.stderr.decode().strip()}")
    return done.stdout.decode()


def _children_cpu() -> float:
    """CPU seconds of finished subprocesses: the honest figure on a shared, loaded machine."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def through_the_cli(
    tree: Path, feed: Path, line_sets: dict[str, list[str]], top: int = CANDIDATES
) -> CliRun:
    """The feed imported into a fresh database with `tree`'s `claimbot factchecks import`, then
    each set of lines matched with its `claimbot match --top TOP`: the operator's path."""
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "DATABASE_PATH": str(Path(folder) / "library.db")}
        _claimbot(tree, "migrate", env=env)
        cpu_before = _children_cpu()
        started = time.perf_counter()
        summary = _claimbot(tree, "factchecks", "import", str(feed), env=env).strip()
        took = time.perf_counter() - started
        cpu = _children_cpu() - cpu_before
        rankings = {}
        for name, lines in line_sets.items():
            given = Path(folder) / "lines.txt"
            given.write_text("".join(line + "\n" for line in lines), "utf-8")
            out = _claimbot(tree, "match", "--top", str(top), str(given), env=env).splitlines()
            ranked = []
            for line, answer in zip(lines, map(json.loads, out), strict=True):
                assert answer["text"] == line
                ranked.append([m["url"].removeprefix(_BASE_URL) for m in answer["matches"]])
            rankings[name] = ranked
    return CliRun(rankings, summary, took, cpu)


def compare_releases(args: argparse.Namespace, originals: list[LibraryClaim]) -> None:
    """The current tree and PREVIOUS_RELEASE through the CLI, side by side."""
    splits = ("Dev-Test",) if args.queries or args.scale else ("Dev", "Dev-Test")
    queries = {split: load_split(args.data, split)[: args.queries or None] for split in splits}
    line_sets = {
        f"{split}{'' if dated else ' undated'}": [query_line(t, dated) for t, _ in queries[split]]
        for split in splits
        for dated in (True, False)
    }
    with tempfile.TemporaryDirectory() as folder, release_tree(PREVIOUS_RELEASE) as previous:
        feed = Path(folder) / "claimreview-feed.json"
        total = max(args.scale, len(originals))
        write_feed(_variants(originals, total, args.seed), feed)
        runs = {}
        for name, tree in ((PREVIOUS_RELEASE, previous), ("current", ROOT)):
            run = runs[name] = through_the_cli(tree, feed, line_sets)
            print(
                f"{name}: {run.summary} {total:,} reviews ({feed.stat().st_size / 1e6:.1f} MB) "
                f"in {run.import_seconds:.1f} s wall, {total / run.import_seconds:,.0f} "
                f"reviews/s; {run.import_cpu:.1f} s CPU (process start-up included)"
            )
    print(
        f"\n| {total:,} reviews, through `claimbot match` | {PREVIOUS_RELEASE} MAP@5 | MRR "
        "| current MAP@5 | MRR |"
    )
    print("|---|---|---|---|---|")
    for name, lines in line_sets.items():
        relevant = [ids for _, ids in queries[name.split()[0]]]
        cells = []
        for run in runs.values():
            ranked = run.rankings[name]
            aps = [average_precision_at_5(r, ids) for r, ids in zip(ranked, relevant, strict=True)]
            rrs = [reciprocal_rank(r, ids) for r, ids in zip(ranked, relevant, strict=True)]
            cells += [f"{sum(aps) / len(aps):.4f}", f"{sum(rrs) / len(rrs):.4f}"]
        print(f"| {name} ({len(lines)}) | {' | '.join(cells)} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--scale", type=int, default=0, help="grow the library to N reviews")
    parser.add_argument("--queries", type=int, default=0, help="only the first N per split")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--cli", action="store_true", help="import and match through `python -m bot`"
    )
    args = parser.parse_args()
    require_data(args.data, ("Dev", "Dev-Test") if args.cli else SPLITS)
    if args.cli:
        compare_releases(args, load_library(args.data))
        return

    originals = load_library(args.data)
    with tempfile.TemporaryDirectory() as folder:
        feed = Path(folder) / "claimreview-feed.json"
        write_feed(_variants(originals, max(args.scale, len(originals)), args.seed), feed)
        size = feed.stat().st_size
        started = time.perf_counter()
        claims, report = read_feed(feed)
        parsed = time.perf_counter() - started
    print(
        f"feed: {size / 1e6:.1f} MB, {report.kept} reviews parsed in {parsed:.1f} s, "
        f"skipped {dict(report.skipped)}"
    )
    started = time.perf_counter()
    matcher = ClaimMatcher(claims)
    built = time.perf_counter() - started
    print(
        f"index: {len(matcher)} reviews built in {built:.1f} s, "
        f"RSS {memory_kb_self()['VmRSS'] / 1024:.0f} MB"
    )

    timings: list[float] = []
    for split in SPLITS:
        queries = load_split(args.data, split)
        if args.queries:
            queries = queries[: args.queries]
        with_date, without_date, recall = [], [], 0
        for text, relevant in queries:
            started = time.perf_counter()
            found = matcher.search(text, query_date=tweet_date(text))
            timings.append(time.perf_counter() - started)
            ranked = [m.id for m in found]
            with_date.append(average_precision_at_5(ranked, relevant))
            recall += any(r in relevant for r in ranked)
            undated = [m.id for m in matcher.search(text)]
            without_date.append(average_precision_at_5(undated, relevant))
        n = len(queries)
        print(
            f"{split:9} {n:4} queries  MAP@5 {sum(with_date) / n:.4f}  "
            f"(no date {sum(without_date) / n:.4f})  recall@5 {recall / n:.4f}"
        )
    timings.sort()
    print(
        f"per query (with date): p50 {percentile(timings, 0.5) * 1000:.1f} ms  "
        f"p99 {percentile(timings, 0.99) * 1000:.1f} ms  max {timings[-1] * 1000:.1f} ms; "
        f"peak RSS {memory_kb_self()['VmHWM'] / 1024:.0f} MB"
    )


def memory_kb_self() -> dict[str, int]:
    return memory_kb(os.getpid())


if __name__ == "__main__":
    main()
