"""Latency of the queries behind /claim status, list, search and autocomplete.

    .venv/bin/python -m benchmarks.queries [--database PATH] [--samples N]
    .venv/bin/python -m benchmarks.queries --postgresql URL [--samples N]

Fills a database with 100,000 claims, 1,000,000 vote events and 200,000 evidence rows
across 50 guilds (benchmarks/dataset.py; kept at --database so later runs skip the
minute it takes), then times each command's storage calls exactly as the cogs make
them, through the bot's own `Database`, for random guilds, claims and words.
Every SQL statement run is captured and checked with EXPLAIN QUERY PLAN: a full scan
of a big table is reported as a failure. With `--postgresql URL` the same data is written
to that (empty, or already filled by an earlier run) PostgreSQL database and the same calls
are timed there; the plans are checked on SQLite only (PostgreSQL 15 cannot EXPLAIN a
statement without its parameters).

Also `/claim next`: the first claim of a random reviewer's queue, and Next from a random
claim (benchmarks/review_queue.py holds one server of 100,000 claims and the worst cases).

Targets: p99 under 20 ms for status, list, search and next; under 5 ms for autocomplete. On
PostgreSQL, status, search and next are held to issue 22's p99 under 50 ms instead.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from rich.console import Console
from rich.table import Table

from benchmarks.dataset import GUILD_BASE, REVIEWERS_PER_GUILD, Shape, fill, is_filled, reviewer
from benchmarks.harness import percentile, read_only
from bot.core.queue import next_in_queue
from bot.core.search import search_terms
from bot.services.claim_queries import PAGE_SIZE, SEARCH_RESULTS
from bot.storage import postgresql
from bot.storage.database import Database
from bot.storage.dialect import is_postgres_url

AUTOCOMPLETE_CHOICES = 25
BIG_TABLES = ("claims", "vote_events", "claim_votes", "evidence")
TARGETS_MS = {"autocomplete": 5.0}
DEFAULT_TARGET_MS = 20.0
POSTGRESQL_TARGETS_MS = {"status": 50.0, "search": 50.0, "next": 50.0}
QUORUM = 3  # the default min_reviewers

Query = Callable[[random.Random], Awaitable[object]]


class Bench:
    """The real Database plus everything needed to pick realistic arguments."""

    def __init__(self, db: Database, shape: Shape, words: list[str]) -> None:
        self.db = db
        self.shape = shape
        self.words = words

    def guild(self, rng: random.Random) -> int:
        return GUILD_BASE + rng.randrange(self.shape.guilds)

    def claim_in(self, rng: random.Random) -> tuple[int, int]:
        """(guild, number) of a random claim (dataset.py numbers claim i of guild i % guilds)."""
        claim_id = rng.randint(1, self.shape.claims)
        guild_index = (claim_id - 1) % self.shape.guilds
        return GUILD_BASE + guild_index, (claim_id - 1) // self.shape.guilds + 1

    async def status(self, rng: random.Random) -> object:
        guild_id, number = self.claim_in(rng)
        claim = await self.db.claim_by_number(guild_id, number)
        assert claim is not None
        return await self.db.vote_counts(claim.id), await self.db.evidence_for(claim.id)

    async def list_newest(self, rng: random.Random) -> object:
        page = rng.choice((0, 0, 0, 1, 2, 5))
        return await self.db.list_claims(
            self.guild(rng),
            status=None,
            submitter_id=None,
            offset=page * PAGE_SIZE,
            limit=PAGE_SIZE,
        )

    async def list_by_status(self, rng: random.Random) -> object:
        status = rng.choice(("needs_review", "likely_true", "disputed", "verified_false"))
        return await self.db.list_claims(
            self.guild(rng), status=status, submitter_id=None, offset=0, limit=PAGE_SIZE
        )

    async def list_mine(self, rng: random.Random) -> object:
        guild_index = rng.randrange(self.shape.guilds)
        return await self.db.list_claims(
            GUILD_BASE + guild_index,
            status=None,
            submitter_id=reviewer(guild_index, rng.randrange(REVIEWERS_PER_GUILD)),
            offset=0,
            limit=PAGE_SIZE,
        )

    async def next_first(self, rng: random.Random) -> object:
        guild_index = rng.randrange(self.shape.guilds)
        who = reviewer(guild_index, rng.randrange(REVIEWERS_PER_GUILD))
        found = await self.db.queue_candidates(
            GUILD_BASE + guild_index, who, quorum=QUORUM, now=time.time()
        )
        return next_in_queue(found, QUORUM)

    async def next_after(self, rng: random.Random) -> object:
        guild_id, number = self.claim_in(rng)
        who = reviewer(guild_id - GUILD_BASE, rng.randrange(REVIEWERS_PER_GUILD))
        mark = await self.db.queue_entry(guild_id, number)
        found = await self.db.queue_candidates(
            guild_id, who, quorum=QUORUM, now=time.time(), after=mark
        )
        return next_in_queue(found, QUORUM, after=mark)

    def phrase(self, rng: random.Random, words: int) -> str:
        return " ".join(rng.choice(self.words) for _ in range(words))

    async def search(self, rng: random.Random) -> object:
        terms = search_terms(self.phrase(rng, rng.choice((1, 1, 2, 3))))
        return await self.db.search_claims(self.guild(rng), terms, limit=SEARCH_RESULTS)

    async def search_common(self, rng: random.Random) -> object:
        """The worst case: a word in every claim of every guild."""
        terms = [rng.choice(("according", "in", "report"))]
        return await self.db.search_claims(self.guild(rng), terms, limit=SEARCH_RESULTS)

    async def autocomplete_empty(self, rng: random.Random) -> object:
        return await self.db.autocomplete_claims(
            self.guild(rng), number=None, terms=None, limit=AUTOCOMPLETE_CHOICES
        )

    async def autocomplete_number(self, rng: random.Random) -> object:
        guild_id, number = self.claim_in(rng)
        return await self.db.autocomplete_claims(
            guild_id, number=number, terms=None, limit=AUTOCOMPLETE_CHOICES
        )

    async def autocomplete_words(self, rng: random.Random) -> object:
        typed = self.phrase(rng, rng.choice((1, 2)))
        typed = typed[: max(2, len(typed) - rng.randrange(3))]  # still typing
        return await self.db.autocomplete_claims(
            self.guild(rng), number=None, terms=search_terms(typed), limit=AUTOCOMPLETE_CHOICES
        )


def vocabulary(location: Path | str) -> list[str]:
    """Words that occur in the claims, rarest excluded, for realistic search terms."""
    sample = "SELECT text FROM claims ORDER BY random() LIMIT 2000"
    if is_postgres_url(location):
        conn = postgresql.connect(str(location))
        try:
            rows = conn.execute(sample).fetchall()
        finally:
            conn.close()
    else:
        with read_only(Path(location)) as sqlite:
            rows = sqlite.execute(sample).fetchall()
    texts = [row[0] for row in rows]
    words = {w.strip(".,()").casefold() for text in texts for w in text.split()}
    return sorted(w for w in words if len(w) > 3 and not w.isdigit())


def plans(path: Path, statements: set[str]) -> list[tuple[str, list[str]]]:
    """EXPLAIN QUERY PLAN of every captured statement (params already bound by the trace)."""
    found = []
    with read_only(path) as conn:
        for sql in sorted(statements):
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            steps = [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}")]
            found.append((sql, steps))
    return found


def full_scans(steps: list[str]) -> list[str]:
    return [
        step
        for step in steps
        if step.startswith("SCAN ") and step.split()[1] in BIG_TABLES and "USING" not in step
    ]


async def measure(path: Path | str, samples: int, shape: Shape) -> int:
    db = await Database.open(path)
    bench = Bench(db, shape, vocabulary(path))
    queries: dict[str, tuple[str, Query]] = {
        "status": ("status", bench.status),
        "list, newest": ("list", bench.list_newest),
        "list, by status": ("list", bench.list_by_status),
        "list, mine": ("list", bench.list_mine),
        "search": ("search", bench.search),
        "search, word in every claim": ("search", bench.search_common),
        "next, first claim": ("next", bench.next_first),
        "next, after a random claim": ("next", bench.next_after),
        "autocomplete, empty box": ("autocomplete", bench.autocomplete_empty),
        "autocomplete, by number": ("autocomplete", bench.autocomplete_number),
        "autocomplete, words": ("autocomplete", bench.autocomplete_words),
    }
    captured: dict[str, set[str]] = {name: set() for name in queries}
    table = Table(title=f"Query latency, {samples} samples each (ms)")
    for column in ("query", "p50", "p99", "max", "target p99", "met"):
        table.add_column(column, justify="left" if column == "query" else "right")
    failures = 0
    for name, (kind, query) in queries.items():
        rng = random.Random(name)
        for _ in range(20):  # warm the page cache and the statement cache
            await query(rng)
        await db.trace_statements(captured[name].add)
        await query(rng)
        await db.trace_statements(None)
        timings = []
        for _ in range(samples):
            started = time.perf_counter()
            await query(rng)
            timings.append((time.perf_counter() - started) * 1000)
        target = TARGETS_MS.get(kind, DEFAULT_TARGET_MS)
        if not isinstance(path, Path):
            target = POSTGRESQL_TARGETS_MS.get(kind, target)
        p99 = percentile(sorted(timings), 0.99)
        met = p99 < target
        failures += not met
        table.add_row(
            name,
            f"{statistics.median(timings):.2f}",
            f"{p99:.2f}",
            f"{max(timings):.2f}",
            f"< {target:.0f}",
            "yes" if met else "NO",
        )
    await db.close()

    console = Console(width=160)
    console.print(table)
    if not isinstance(path, Path):
        return failures
    console.print("\nEXPLAIN QUERY PLAN of every statement run:")
    for name, statements in captured.items():
        for sql, steps in plans(path, statements):
            scans = full_scans(steps)
            failures += bool(scans)
            mark = "FULL SCAN" if scans else "indexed"
            console.print(f"[bold]{name}[/] ({mark}): {' | '.join(steps)}", markup=True)
            console.print(f"    {sql[:160]}", markup=False, highlight=False)
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--database", type=Path, default=Path("/tmp/claimbot-bench.db"))
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--postgresql", metavar="URL", help="time PostgreSQL at URL instead")
    args = parser.parse_args()
    shape = Shape()
    location: Path | str = args.postgresql or args.database
    if not is_filled(location):
        print(f"filling {location} ...", flush=True)
        figures = fill(location, shape)
        print(", ".join(f"{key} {value:,.0f}" for key, value in figures.items()))
    failures = asyncio.run(measure(location, args.samples, shape))
    print("all targets met" if not failures else f"{failures} target(s) missed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
