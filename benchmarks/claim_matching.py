"""Claim matching quality and speed on CheckThat! 2022 Task 2A (English).

    .venv/bin/python -m benchmarks.claim_matching [--data DIR] [--scale 100000] [--queries N]
    .venv/bin/python -m benchmarks.claim_matching --cli [--scale 100000]

`--cli` goes the operator's way, end to end: the DataFeed is imported with
`python -m bot factchecks import` into a temporary DATABASE_PATH, the Dev-Test tweets are
matched with `python -m bot match` (the bot's FactCheckLibrary), and MAP@5 is computed from its
JSON lines; the import's reviews/s is timed around the import subprocess (start-up included).

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
from datetime import date, datetime
from pathlib import Path

from benchmarks.harness import memory_kb, percentile
from bot.core.text import tweet_date
from bot.documents.claimreview import ImportReport, read_fact_checks
from bot.matching import ClaimMatcher, LibraryClaim
from tools.shared_data import CLAIM_MATCHING, DATA_FOLDER_OPTION, require_files

# The shared data sits beside the repository (../shared), as for the other benchmarks.
DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "claim-matching"
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


def _claimbot(*args: str, env: dict[str, str], stdin: Path | None = None) -> str:
    """`python -m bot ARGS` as an operator runs it; its stdout, or the reason it failed."""
    with stdin.open("rb") if stdin else open(os.devnull, "rb") as given:
        done = subprocess.run(
            [sys.executable, "-m", "bot", *args],
            env=env,
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


def through_the_cli(args: argparse.Namespace, originals: list[LibraryClaim]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        feed = Path(folder) / "claimreview-feed.json"
        total = max(args.scale, len(originals))
        write_feed(_variants(originals, total, args.seed), feed)
        env = {**os.environ, "DATABASE_PATH": str(Path(folder) / "library.db")}
        env["PYTHONPATH"] = str(Path(__file__).resolve().parent.parent)
        _claimbot("migrate", env=env)
        cpu_before = _children_cpu()
        started = time.perf_counter()
        summary = _claimbot("factchecks", "import", str(feed), env=env)
        took = time.perf_counter() - started
        cpu = _children_cpu() - cpu_before
        print(f"import: {summary.strip()}")
        print(
            f"import: {total:,} reviews ({feed.stat().st_size / 1e6:.1f} MB) in {took:.1f} s "
            f"wall, {total / took:,.0f} reviews/s; {cpu:.1f} s CPU, {total / cpu:,.0f} reviews/s "
            "per CPU second (process start-up included in both)"
        )
        for split in ("Dev-Test",) if args.queries or args.scale else ("Dev", "Dev-Test"):
            queries = load_split(args.data, split)[: args.queries or None]
            lines = Path(folder) / f"{split}.txt"
            lines.write_text("".join(" ".join(t.split()) + "\n" for t, _ in queries), "utf-8")
            started = time.perf_counter()
            out = _claimbot("match", "--top", "5", str(lines), env=env).splitlines()
            took = time.perf_counter() - started
            scores = []
            for (text, relevant), line in zip(queries, out, strict=True):
                answer = json.loads(line)
                assert answer["text"] == " ".join(text.split())
                ranked = [m["url"].removeprefix(_BASE_URL) for m in answer["matches"]]
                scores.append(average_precision_at_5(ranked, relevant))
            print(
                f"{split:9} {len(queries):4} queries through `claimbot match`: "
                f"MAP@5 {sum(scores) / len(scores):.4f}  ({took:.1f} s, library load included)"
            )


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
        through_the_cli(args, load_library(args.data))
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
