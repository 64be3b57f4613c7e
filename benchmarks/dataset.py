"""A large, realistic claimbot database for the query and memory benchmarks.

    .venv/bin/python -m benchmarks.dataset OUT.db [--claims N] [--votes N] [--evidence N]
    .venv/bin/python -m benchmarks.dataset postgresql://... (an empty database)

The schema comes from the real migrations (`Database.open`); the rows are then written
with plain `executemany` (sqlite3's, or psycopg's through the bot's PostgreSQL connection,
which takes the same SQL), because pushing a million events through the bot's
one-at-a-time write path would take minutes and measure nothing the benchmarks ask
about. Statuses are computed by the real status model from each claim's votes and
evidence, so the status mix (and every index over it) looks like a working server's.
Deterministic for a given seed.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.core.status import EvidenceItem, compute_status
from bot.core.vocabulary import VOTES
from bot.storage import postgresql
from bot.storage.database import Database
from bot.storage.dialect import is_postgres_url

GUILD_BASE = 900_000_000_000_000_000
USER_BASE = 800_000_000_000_000_000
MESSAGE_BASE = 700_000_000_000_000_000
REVIEWERS_PER_GUILD = 60

SUBJECTS = (
    "unemployment rate",
    "inflation",
    "the minimum wage",
    "rail ridership",
    "rainfall",
    "the population",
    "vaccination coverage",
    "the defence budget",
    "wheat exports",
    "hospital waiting time",
    "the murder rate",
    "housing starts",
    "the trade deficit",
    "electricity prices",
    "tourist arrivals",
    "school enrolment",
    "ferry traffic",
    "carbon emissions",
    "the public debt",
    "broadband coverage",
    "road deaths",
    "le taux de chômage",
    "la dette publique",
    "le prix du gazole",
    "les exportations de blé",
    "la fréquentation des trains",
    "le nombre de médecins",
    "les émissions de CO2",
)
VERBS = (
    "rose to",
    "fell to",
    "reached",
    "doubled to",
    "stood at",
    "dropped below",
    "climbed above",
    "was cut to",
    "a atteint",
    "a baissé à",
    "a dépassé",
)
UNITS = ("per cent", "million", "billion euros", "tonnes", "days", "%", "millions d'euros")
SOURCES = (
    "the national statistics office",
    "the finance minister",
    "Reuters",
    "Le Monde",
    "the World Bank",
    "the opposition leader",
    "the health ministry",
    "l'Insee",
    "the central bank",
    "Eurostat",
    "the mayor",
    "a government spokesperson",
)
SYLLABLES = ("ka", "lo", "mi", "ra", "ven", "dor", "sel", "tu", "bri", "an", "zo", "pel")


@dataclass(frozen=True)
class Shape:
    claims: int = 100_000
    votes: int = 1_000_000
    evidence: int = 200_000
    guilds: int = 50
    seed: int = 7


def place_names(rng: random.Random, count: int) -> list[str]:
    names: set[str] = set()
    while len(names) < count:
        parts = rng.randint(2, 3)
        names.add("".join(rng.choice(SYLLABLES) for _ in range(parts)).capitalize())
    return sorted(names)


def claim_text(rng: random.Random, places: list[str], index: int) -> tuple[str, str]:
    """(text, speaker): one verifiable statement; `index` keeps each one distinct."""
    source = rng.choice(SOURCES)
    text = (
        f"{rng.choice(SUBJECTS).capitalize()} in {rng.choice(places)} {rng.choice(VERBS)}"
        f" {rng.randint(2, 990)}.{index % 10} {rng.choice(UNITS)} in {rng.randint(1990, 2026)},"
        f" according to {source} (report {index})."
    )
    return text, source


def guild_of(claim_index: int, guilds: int) -> int:
    return GUILD_BASE + claim_index % guilds


def reviewer(guild_index: int, slot: int) -> int:
    return USER_BASE + guild_index * 1_000 + slot


def vote_stream(rng: random.Random, shape: Shape) -> Iterator[tuple[int, int, int, str | None]]:
    """(claim id, guild id, reviewer, vote or None): mostly first votes, some changes of
    mind and retractions, so the log is longer than the current votes."""
    for _ in range(shape.votes):
        claim_id = rng.randint(1, shape.claims)
        guild_index = (claim_id - 1) % shape.guilds
        who = reviewer(guild_index, rng.randrange(REVIEWERS_PER_GUILD))
        roll = rng.random()
        # Each claim leans one way, so most claims reach a status other than disputed.
        lean = VOTES[claim_id % 3 if claim_id % 7 else 3]
        if roll < 0.05:
            vote: str | None = None
        elif roll < 0.75:
            vote = lean
        else:
            vote = rng.choice(VOTES)
        yield claim_id, GUILD_BASE + guild_index, who, vote


async def migrate(path: Path | str) -> None:
    db = await Database.open(path)
    await db.close()


def is_filled(location: Path | str) -> bool:
    """Whether the database exists and holds claims already."""
    if not is_postgres_url(location):
        return Path(location).exists()
    asyncio.run(migrate(location))
    conn = postgresql.connect(str(location))
    try:
        return conn.execute("SELECT 1 FROM claims LIMIT 1").fetchone() is not None
    finally:
        conn.close()


def fill(path: Path | str, shape: Shape = Shape(), *, posted: bool = True) -> dict[str, float]:
    """Create `path` (which must not exist) or fill the empty PostgreSQL database of a URL;
    returns row counts and seconds."""
    if is_filled(path):
        raise SystemExit(f"{path} already exists; remove it or choose another path")
    started = time.perf_counter()
    asyncio.run(migrate(path))
    rng = random.Random(shape.seed)
    places = place_names(rng, 400)
    conn: Any
    if is_postgres_url(path):
        conn = postgresql.connect(str(path))
    else:
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("PRAGMA synchronous = OFF")
    now = time.time()
    span = 365 * 86_400

    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO guild_settings (guild_id, review_channel_id, updated_at) VALUES (?, ?, ?)",
        [(GUILD_BASE + g, GUILD_BASE + 10_000 + g, now) for g in range(shape.guilds)],
    )
    claim_rows = []
    for i in range(1, shape.claims + 1):
        text, source = claim_text(rng, places, i)
        guild_id = guild_of(i - 1, shape.guilds)
        created = now - span + span * i / shape.claims
        message_id = MESSAGE_BASE + i if posted else None
        claim_rows.append(
            (
                i,
                guild_id,
                text,
                text.casefold(),
                source,
                "fr" if "'" in text or "é" in text else "en",
                round(rng.uniform(0.5, 1.0), 3),
                reviewer((i - 1) % shape.guilds, rng.randrange(REVIEWERS_PER_GUILD)),
                f"https://news.example/{i}",
                f"Report {i}",
                GUILD_BASE + 10_000 + (i - 1) % shape.guilds if posted else None,
                message_id,
                message_id + 1 if message_id else None,
                created,
                created,
                (i - 1) // shape.guilds + 1,  # its number in its guild, as storage assigns
            )
        )
    conn.executemany(
        "INSERT INTO claims (id, guild_id, text, normalized, speaker, language, score,"
        " submitter_id, origin_url, origin_title, channel_id, message_id, thread_id,"
        " created_at, updated_at, number)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        claim_rows,
    )

    current: dict[int, dict[int, str]] = {}
    event_rows = []
    vote_rows: dict[tuple[int, int], tuple[int, int, str, int, float]] = {}
    for event_id, (claim_id, guild_id, who, vote) in enumerate(vote_stream(rng, shape), 1):
        at = claim_rows[claim_id - 1][13] + event_id % 86_400
        event_rows.append((event_id, guild_id, claim_id, who, vote, "reaction", at))
        votes = current.setdefault(claim_id, {})
        if vote is None:
            votes.pop(who, None)
            vote_rows.pop((claim_id, who), None)
        else:
            votes[who] = vote
            vote_rows[(claim_id, who)] = (claim_id, who, vote, event_id, at)
    conn.executemany(
        "INSERT INTO vote_events (id, guild_id, claim_id, reviewer_id, vote, origin,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        event_rows,
    )
    conn.executemany(
        "INSERT INTO claim_votes (claim_id, reviewer_id, vote, event_id, updated_at)"
        " VALUES (?, ?, ?, ?, ?)",
        list(vote_rows.values()),
    )

    stances: dict[int, list[EvidenceItem]] = {}
    evidence_rows = []
    for n in range(1, shape.evidence + 1):
        claim_id = rng.randint(1, shape.claims)
        stance = rng.choice(("supports", "supports", "refutes", "context"))
        reachable = rng.random() > 0.1
        stances.setdefault(claim_id, []).append(EvidenceItem(stance, reachable))  # type: ignore[arg-type]
        url = f"https://evidence{n % 97}.example/articles/{n}"
        evidence_rows.append(
            (
                n,
                guild_of(claim_id - 1, shape.guilds),
                claim_id,
                len(stances[claim_id]),  # the claim's source number
                url,
                url,
                stance,
                reviewer((claim_id - 1) % shape.guilds, rng.randrange(REVIEWERS_PER_GUILD)),
                "ok" if reachable else "unreachable",
                None if reachable else "The site took too long to answer.",
                f"Source {n}" if reachable else None,
                claim_rows[claim_id - 1][13] + 3_600,
            )
        )
    conn.executemany(
        "INSERT INTO evidence (id, guild_id, claim_id, number, url, normalized_url, stance,"
        " added_by, fetch_status, fetch_error, title, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        evidence_rows,
    )

    status_rows = []
    for claim_id in range(1, shape.claims + 1):
        result = compute_status(current.get(claim_id, {}), stances.get(claim_id, []))  # type: ignore[arg-type]
        status_rows.append((result.status, result.confidence, result.explanation, claim_id))
    conn.executemany(
        "UPDATE claims SET status = ?, confidence = ?, explanation = ? WHERE id = ?",
        status_rows,
    )
    conn.execute("COMMIT")
    if is_postgres_url(path):
        # The rows came with their ids: the identities continue after them. Then the
        # planner's statistics, as autovacuum would take them a while later.
        for table in ("claims", "evidence"):
            conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table}"
            )
    conn.close()
    asyncio.run(migrate(path))  # opening the database fills the search index
    if is_postgres_url(path):
        conn = postgresql.connect(str(path))
        conn.execute("ANALYZE")
        conn.close()
    return {
        "claims": shape.claims,
        "vote_events": len(event_rows),
        "current_votes": len(vote_rows),
        "evidence": len(evidence_rows),
        "guilds": shape.guilds,
        "seconds": time.perf_counter() - started,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("output", help="an SQLite file to create, or a postgresql:// URL")
    parser.add_argument("--claims", type=int, default=Shape.claims)
    parser.add_argument("--votes", type=int, default=Shape.votes)
    parser.add_argument("--evidence", type=int, default=Shape.evidence)
    parser.add_argument("--guilds", type=int, default=Shape.guilds)
    args = parser.parse_args()
    shape = Shape(args.claims, args.votes, args.evidence, args.guilds)
    figures = fill(args.output, shape)
    print(", ".join(f"{key} {value:,.0f}" for key, value in figures.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
