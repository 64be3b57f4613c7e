"""Latency of `/claim next`'s storage calls on one server with 100,000 open claims, and
what the queue's indexes (migration 0009) cost the status saves that follow votes.

    .venv/bin/python -m benchmarks.review_queue [--database PATH] [--samples N]

The database is benchmarks/dataset.py's (100,000 claims, 1,000,000 vote events, 200,000
sources) with every claim in one server (kept at --database, so later runs skip the
minutes it takes to fill). Timed through the bot's own `Database`:

* the first claim of a reviewer's queue (`/claim next`), and Next from a random claim;
* the open count of the empty-queue reply;
* the worst case: a reviewer who has skipped every claim, so the walk steps over all
  100,000 index entries before finding nothing (the queue costs what a reviewer has
  already done, never what the server holds);
* 20,000 status saves in batches of 200 (`save_statuses`, what the status refresh writes
  after each batch of votes), with the queue's three partial indexes and without them, on
  copies of the file.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from benchmarks.dataset import GUILD_BASE, REVIEWERS_PER_GUILD, Shape, fill, reviewer
from benchmarks.harness import copy_database, percentile
from bot.core.queue import next_in_queue
from bot.storage.claims import StatusRow
from bot.storage.database import Database

QUORUM = 3  # the default min_reviewers
SKIPPING_REVIEWER = 1
NOW = time.time()


async def timed(samples: int, work: Callable[[random.Random], Awaitable[object]]) -> list[float]:
    rng = random.Random(samples)
    for _ in range(5):
        await work(rng)
    timings = []
    for _ in range(samples):
        started = time.perf_counter()
        await work(rng)
        timings.append((time.perf_counter() - started) * 1000)
    return sorted(timings)


def row(name: str, timings: list[float]) -> str:
    return (
        f"| {name} | {len(timings)} | {statistics.median(timings):.2f}"
        f" | {percentile(timings, 0.99):.2f} | {timings[-1]:.2f} |"
    )


async def queue_latency(path: Path, samples: int, shape: Shape) -> list[str]:
    db = await Database.open(path)
    try:

        async def first(rng: random.Random) -> object:
            who = reviewer(0, rng.randrange(REVIEWERS_PER_GUILD))
            found = await db.queue_candidates(GUILD_BASE, who, quorum=QUORUM, now=NOW)
            assert next_in_queue(found, QUORUM) is not None
            return found

        async def after_random_claim(rng: random.Random) -> object:
            who = reviewer(0, rng.randrange(REVIEWERS_PER_GUILD))
            mark = await db.queue_entry(GUILD_BASE, rng.randint(1, shape.claims))
            found = await db.queue_candidates(GUILD_BASE, who, quorum=QUORUM, now=NOW, after=mark)
            return next_in_queue(found, QUORUM, after=mark)

        async def count(_rng: random.Random) -> object:
            return await db.open_claim_count(GUILD_BASE)

        async def nothing_left(_rng: random.Random) -> object:
            found = await db.queue_candidates(GUILD_BASE, SKIPPING_REVIEWER, quorum=QUORUM, now=NOW)
            assert found == []
            return found

        rows = [
            row("first claim of a reviewer's queue", await timed(samples, first)),
            row("Next from a random claim", await timed(samples, after_random_claim)),
            row("open count", await timed(max(10, samples // 10), count)),
            row("worst: every claim skipped", await timed(max(10, samples // 50), nothing_left)),
        ]
    finally:
        await db.close()
    return rows


def skip_everything(path: Path, claims: int) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM queue_skips WHERE reviewer_id = ?", (SKIPPING_REVIEWER,))
        conn.executemany(
            "INSERT INTO queue_skips (reviewer_id, claim_id, guild_id, until) VALUES (?, ?, ?, ?)",
            [
                (SKIPPING_REVIEWER, claim_id, GUILD_BASE, NOW + 1e9)
                for claim_id in range(1, claims + 1)
            ],
        )


async def status_burst(path: Path) -> float:
    """Seconds for 20,000 status saves of random claims, 200 per commit, as the status
    refresh writes them after votes (most keep their status, as most votes do)."""
    db = await Database.open(path)
    rng = random.Random(5)
    try:
        stored = await db.statuses()
        ids = sorted(stored)
        started = time.perf_counter()
        for _ in range(100):
            batch: list[StatusRow] = []
            for claim_id in rng.sample(ids, 200):
                status, confidence, explanation, final = stored[claim_id]
                if rng.random() < 0.1:  # a vote that moved the claim to another part
                    status = "needs_review" if status != "needs_review" else "likely_true"
                batch.append((claim_id, status, confidence, explanation, final, "bench"))
            await db.save_statuses(batch)
        return time.perf_counter() - started
    finally:
        await db.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--database", type=Path, default=Path("/tmp/claimbot-queue-bench.db"))
    parser.add_argument("--samples", type=int, default=500)
    args = parser.parse_args()
    shape = Shape(guilds=1)
    if not args.database.exists():
        print(f"filling {args.database} (one server) ...", flush=True)
        figures = fill(args.database, shape)
        print(", ".join(f"{key} {value:,.0f}" for key, value in figures.items()))
    skip_everything(args.database, shape.claims)
    print("| query | samples | p50 ms | p99 ms | max ms |")
    print("|---|---|---|---|---|")
    for line in asyncio.run(queue_latency(args.database, args.samples, shape)):
        print(line)

    burst: dict[bool, list[float]] = {True: [], False: []}
    for _ in range(2):
        for indexed in (False, True):
            copy = args.database.with_name(args.database.stem + "-burst.db")
            copy_database(args.database, copy)
            if not indexed:
                with sqlite3.connect(copy) as conn:
                    for part in ("unreviewed", "needs_review", "verdict"):
                        conn.execute(f"DROP INDEX claims_queue_{part}")
            burst[indexed].append(asyncio.run(status_burst(copy)))
            for leftover in copy.parent.glob(copy.name + "*"):
                leftover.unlink()
    with_indexes, without = min(burst[True]), min(burst[False])
    print(
        f"\n20,000 status saves in batches of 200 (best of 2): {with_indexes:.2f} s with the"
        f" queue's indexes, {without:.2f} s without ({with_indexes / without - 1:+.0%})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
