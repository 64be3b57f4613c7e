"""Vote ingest's storage part alone: `Database.record_votes` against plain `executemany`.

    .venv/bin/python -m benchmarks.vote_storage [--postgresql URL] [--batch N] [--rounds N]

benchmarks/ingest.py measures the whole path (gateway, discord.py's event parsing, the
bot's handler, the vote batcher, storage). This one leaves discord.py out: 20,000 first
votes from 1,000 reviewers on 500 claims (benchmarks/ingest.py's workload) are written
through the bot's own `Database.record_votes` (one call per batch on the database thread:
read the batch's current votes, append the events, bring `claim_votes` in step), then the
vote tables are emptied and the same rows are inserted with plain `executemany` of the
vote_events and claim_votes rows (aiosqlite on SQLite; psycopg, pipelined, on
PostgreSQL), `--batch` rows per transaction either way. `--rounds` alternates the two and
reports each one's median. The database is SQLite in a temporary directory, or the
(empty) PostgreSQL database at URL.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.core.status import Vote
from bot.storage import Database, VoteEventRow
from bot.storage.dialect import is_postgres_url
from bot.storage.votes import CurrentVotes

GUILD = 1_000_000
VOTES: tuple[Vote, ...] = ("supported", "refuted", "unverifiable", "misleading")
CLAIMS_SQL = (
    "INSERT INTO claims (id, guild_id, number, text, normalized, submitter_id, created_at,"
    " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
EVENTS_SQL = (
    "INSERT INTO vote_events (id, guild_id, claim_id, reviewer_id, vote, origin, created_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)"
)
CURRENT_SQL = (
    "INSERT INTO claim_votes (claim_id, reviewer_id, vote, event_id, updated_at)"
    " VALUES (?, ?, ?, ?, ?) ON CONFLICT (claim_id, reviewer_id) DO UPDATE SET"
    " vote = excluded.vote, event_id = excluded.event_id, updated_at = excluded.updated_at"
)


def workload(claims: int, reviewers: int, per_reviewer: int, seed: int) -> list[VoteEventRow]:
    """benchmarks/ingest.py's votes: each reviewer once on `per_reviewer` claims, shuffled."""
    rng = random.Random(seed)
    now = time.time()
    rows: list[VoteEventRow] = [
        (GUILD, 1 + (r * per_reviewer + j) % claims, 10_000 + r, rng.choice(VOTES), "reaction", now)
        for r in range(reviewers)
        for j in range(per_reviewer)
    ]
    rng.shuffle(rows)
    return rows


class Plain:
    """A plain connection of the same backend, for the setup and the baseline."""

    def __init__(self, location: Path | str) -> None:
        self.postgres = is_postgres_url(location)
        if self.postgres:
            import psycopg

            self.conn: Any = psycopg.connect(str(location), autocommit=True)
        else:
            import sqlite3

            self.conn = sqlite3.connect(location, isolation_level=None)
            for pragma in ("journal_mode = WAL", "synchronous = NORMAL", "foreign_keys = ON"):
                self.conn.execute(f"PRAGMA {pragma}")

    def sql(self, statement: str) -> str:
        return statement.replace("?", "%s") if self.postgres else statement

    def run(self, statement: str, rows: list[tuple[Any, ...]] | None = None) -> None:
        if rows is None:
            self.conn.execute(self.sql(statement))
        elif self.postgres:
            with self.conn.cursor() as cur:
                cur.executemany(self.sql(statement), rows)
        else:
            self.conn.executemany(statement, rows)

    def scalar(self, statement: str) -> int:
        return int(self.conn.execute(statement).fetchall()[0][0])

    def empty_votes(self) -> None:
        self.run("DELETE FROM claim_votes")
        self.run("DELETE FROM vote_events")
        if self.postgres:
            self.run("VACUUM ANALYZE vote_events")
            self.run("VACUUM ANALYZE claim_votes")

    def baseline(self, rows: list[VoteEventRow], batch: int) -> float:
        """The same rows with `executemany`, `batch` per transaction; returns seconds."""
        next_id = self.scalar("SELECT coalesce(max(id), 0) FROM vote_events") + 1
        begin = "BEGIN" if self.postgres else "BEGIN IMMEDIATE"
        started = time.perf_counter()
        for start in range(0, len(rows), batch):
            chunk = rows[start : start + batch]
            ids = range(next_id, next_id + len(chunk))
            next_id += len(chunk)
            self.run(begin)
            self.run(EVENTS_SQL, [(i, *r) for i, r in zip(ids, chunk, strict=True)])
            self.run(
                CURRENT_SQL, [(r[1], r[2], r[3], i, r[5]) for i, r in zip(ids, chunk, strict=True)]
            )
            self.run("COMMIT")
        return time.perf_counter() - started


def planned(rows: list[VoteEventRow]) -> Callable[[CurrentVotes], list[VoteEventRow]]:
    """A plan that appends `rows` whatever the current votes (all are first votes)."""

    def plan(_current: CurrentVotes) -> list[VoteEventRow]:
        return rows

    return plan


async def through_storage(db: Database, rows: list[VoteEventRow], batch: int) -> float:
    """The same rows through `record_votes`, one call per batch; returns seconds."""
    started = time.perf_counter()
    for start in range(0, len(rows), batch):
        chunk = rows[start : start + batch]
        await db.record_votes(sorted({r[1] for r in chunk}), planned(chunk))
    return time.perf_counter() - started


async def run(location: Path | str, args: argparse.Namespace) -> list[tuple[float, float]]:
    rows = workload(args.claims, args.reviewers, args.per_reviewer, args.seed)
    db = await Database.open(location)  # the bot's schema, migrations checked
    plain = Plain(location)
    try:
        now = time.time()
        plain.run(
            CLAIMS_SQL,
            [
                (i, GUILD, i, f"Claim {i} says {i * 37} things.", f"claim {i}", 1, now, now)
                for i in range(1, args.claims + 1)
            ],
        )
        timings = []
        for _ in range(args.rounds):
            plain.empty_votes()
            bot = await through_storage(db, rows, args.batch)
            assert plain.scalar("SELECT count(*) FROM claim_votes") == len(rows)
            plain.empty_votes()
            base = plain.baseline(rows, args.batch)
            assert plain.scalar("SELECT count(*) FROM claim_votes") == len(rows)
            timings.append((bot, base))
            print(
                f"record_votes {len(rows) / bot:,.0f} rows/s, plain executemany"
                f" {len(rows) / base:,.0f} rows/s: {base / bot:.2f}",
                flush=True,
            )
    finally:
        plain.conn.close()
        await db.close()
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--postgresql", metavar="URL", help="an empty PostgreSQL database")
    parser.add_argument("--claims", type=int, default=500)
    parser.add_argument("--reviewers", type=int, default=1_000)
    parser.add_argument("--per-reviewer", type=int, default=20)
    parser.add_argument("--batch", type=int, default=500, help="rows per transaction")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="claimbot-votes-") as tmp:
        location: Path | str = args.postgresql or Path(tmp) / "claimbot.db"
        timings = asyncio.run(run(location, args))
    rows = args.reviewers * args.per_reviewer
    bot = statistics.median(rows / t for t, _ in timings)
    base = statistics.median(rows / b for _, b in timings)
    ratio = statistics.median(b / t for t, b in timings)
    backend = "PostgreSQL" if args.postgresql else "SQLite"
    print(
        f"{backend}, {rows:,} votes, {args.batch}/transaction, median of {len(timings)}:"
        f" record_votes {bot:,.0f} rows/s, plain executemany {base:,.0f} rows/s,"
        f" ratio {ratio:.2f} (target >= 0.5)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
