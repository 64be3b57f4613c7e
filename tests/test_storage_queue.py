"""The reviewer queue in storage (bot/storage/queue.py): its indexed walk picks exactly
what the pure order picks from every candidate (statuses saved by the real status
refresh); skips, guilds, the open count, a database from before migration 0009."""

from __future__ import annotations

import functools
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import bot.storage.connection
from bot.core.queue import QueueEntry, next_in_queue
from bot.core.records import NewClaim, NewDocument
from bot.core.status import StatusSettings
from bot.services.status_refresh import refresh_statuses
from bot.storage import Database, load_migrations
from bot.storage.connection import execute_many, fetch_all
from bot.storage.votes import CurrentVotes, VoteEventRow
from tests.support.backends import NewDatabase

GUILD, OTHER_GUILD = 1, 2
NOW = 10_000.0


@dataclass
class PlannedClaim:
    guild_id: int
    submitter_id: int
    posted: bool
    final: bool
    created_at: float
    voters: list[int]
    retracted: list[int]  # voted, then took the vote back
    skip_until: float | None  # the asker's skip
    claim_id: int = 0
    number: int = 0
    votes: dict[int, str] = field(default_factory=dict)


planned_claims = st.builds(
    PlannedClaim,
    guild_id=st.sampled_from([GUILD, GUILD, GUILD, OTHER_GUILD]),
    submitter_id=st.integers(1, 4),
    posted=st.sampled_from([True, True, True, False]),
    final=st.sampled_from([False, False, False, True]),
    created_at=st.sampled_from([100.0, 200.0, 300.0]),
    voters=st.lists(st.integers(1, 6), unique=True, max_size=6),
    retracted=st.lists(st.integers(1, 6), unique=True, max_size=2),
    skip_until=st.none() | st.sampled_from([NOW - 1, NOW, NOW + 1]),
)


async def store_claims(db: Database, planned: list[PlannedClaim], *, quorum: int = 3) -> None:
    """Each claim stored, posted, voted on and resolved through the storage API, then its
    status saved by the bot's status refresh under a server quorum of `quorum`."""
    for index, claim in enumerate(planned):
        document = NewDocument(
            guild_id=claim.guild_id, submitter_id=claim.submitter_id, kind="text", content_hash="h"
        )
        _, (stored,), _ = await db.store_submission(
            document,
            [NewClaim(text=f"claim {index}", normalized=f"claim {index}")],
            origin_url=None,
            origin_title=None,
        )
        claim.claim_id, claim.number = stored.id, stored.number
        if claim.posted:
            await db.set_review_message(
                stored.id, channel_id=5, message_id=50_000 + index, thread_id=60_000 + index
            )
        if claim.final:
            await db.add_moderation_event(
                guild_id=claim.guild_id,
                claim_id=stored.id,
                actor_id=99,
                action="resolve",
                status="misleading",
                note=None,
            )
        events: list[VoteEventRow] = [
            (claim.guild_id, stored.id, voter, "supported", "reaction", 1.0)
            for voter in claim.voters + claim.retracted
        ]
        events += [
            (claim.guild_id, stored.id, voter, None, "reaction", 2.0) for voter in claim.retracted
        ]
        await db.record_votes([stored.id], functools.partial(planned_events, events))
        claim.votes = {voter: "supported" for voter in claim.voters if voter not in claim.retracted}

    async def settings(_guild_id: int) -> StatusSettings:
        return StatusSettings(min_reviewers=quorum)

    await refresh_statuses(db, [claim.claim_id for claim in planned], settings)
    await db._write(
        execute_many,
        "UPDATE claims SET created_at = ? WHERE id = ?",
        [(claim.created_at, claim.claim_id) for claim in planned],
    )


def planned_events(events: list[VoteEventRow], _current: CurrentVotes) -> list[VoteEventRow]:
    return events


def entry_of(claim: PlannedClaim) -> QueueEntry:
    return QueueEntry(claim.claim_id, claim.number, len(claim.votes), claim.created_at)


def candidates(planned: list[PlannedClaim], reviewer: int, now: float) -> list[QueueEntry]:
    """The definition, spelled out over every claim."""
    return [
        entry_of(claim)
        for claim in planned
        if claim.guild_id == GUILD
        and claim.posted
        and not claim.final
        and claim.submitter_id != reviewer
        and reviewer not in claim.votes
        and not (claim.skip_until is not None and claim.skip_until > now)
    ]


@pytest.mark.slow
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    planned=st.lists(planned_claims, min_size=0, max_size=10),
    reviewer=st.integers(1, 4),
    quorum=st.integers(1, 4),
    mark=st.none() | st.integers(0, 9),
)
async def test_the_indexed_walk_picks_what_the_pure_order_picks(
    new_database: NewDatabase,
    planned: list[PlannedClaim],
    reviewer: int,
    quorum: int,
    mark: int | None,
) -> None:
    with new_database() as location:
        await _indexed_walk(location, planned, reviewer, quorum, mark)


async def _indexed_walk(
    location: Path | str,
    planned: list[PlannedClaim],
    reviewer: int,
    quorum: int,
    mark: int | None,
) -> None:
    db = await Database.open(location)
    try:
        await store_claims(db, planned, quorum=quorum)
        for claim in planned:
            if claim.skip_until is not None:
                await db.skip_claim(
                    claim.guild_id, reviewer, claim.claim_id, until=claim.skip_until, now=0.0
                )
        ours = [claim for claim in planned if claim.guild_id == GUILD]
        after = None
        if mark is not None and ours:
            after = await db.queue_entry(GUILD, ours[mark % len(ours)].number)
            assert after == entry_of(ours[mark % len(ours)])
        found = await db.queue_candidates(GUILD, reviewer, quorum=quorum, now=NOW, after=after)
        assert len(found) <= 3
        expected = next_in_queue(candidates(planned, reviewer, NOW), quorum, after=after)
        assert next_in_queue(found, quorum, after=after) == expected
        assert await db.open_claim_count(GUILD) == sum(
            1 for claim in ours if claim.posted and not claim.final
        )
    finally:
        await db.close()


async def test_a_skip_hides_the_claim_until_its_time(database_location: Path | str) -> None:
    db = await Database.open(database_location)
    try:
        planned = [
            PlannedClaim(GUILD, 9, True, False, 100.0, [], [], None),
            PlannedClaim(GUILD, 9, True, False, 200.0, [], [], None),
        ]
        await store_claims(db, planned)
        first, second = (entry_of(claim) for claim in planned)

        async def head(now: float) -> QueueEntry | None:
            found = await db.queue_candidates(GUILD, 7, quorum=3, now=now)
            return next_in_queue(found, 3)

        assert await head(NOW) == first
        await db.skip_claim(GUILD, 7, first.claim_id, until=NOW + 50, now=NOW)
        assert await head(NOW) == second
        assert await head(NOW + 49.9) == second
        assert await head(NOW + 50) == first  # `until` is when it comes back
        other_reviewer = await db.queue_candidates(GUILD, 8, quorum=3, now=NOW)
        assert next_in_queue(other_reviewer, 3) == first  # a skip is one reviewer's

        # Skipping again moves the time; a later skip deletes the ones that ran out.
        await db.skip_claim(GUILD, 7, first.claim_id, until=NOW + 80, now=NOW)
        assert await head(NOW + 60) == second
        await db.skip_claim(GUILD, 7, second.claim_id, until=NOW + 500, now=NOW + 100)
        rows = await db._read(fetch_all, "SELECT claim_id, until FROM queue_skips")
        assert [(row["claim_id"], row["until"]) for row in rows] == [(second.claim_id, NOW + 500)]
    finally:
        await db.close()


async def test_another_servers_claims_are_never_candidates(
    database_location: Path | str,
) -> None:
    db = await Database.open(database_location)
    try:
        planned = [
            PlannedClaim(OTHER_GUILD, 9, True, False, 100.0, [1, 2], [], None),
            PlannedClaim(GUILD, 9, True, False, 200.0, [], [], None),
        ]
        await store_claims(db, planned)
        found = await db.queue_candidates(GUILD, 7, quorum=3, now=NOW)
        assert found == [entry_of(planned[1])]
        assert await db.queue_candidates(3, 7, quorum=3, now=NOW) == []
        assert await db.open_claim_count(GUILD) == 1
        # Both servers number their first claim #1: the mark is looked up per server.
        assert await db.queue_entry(GUILD, 1) == entry_of(planned[1])
        assert await db.queue_entry(OTHER_GUILD, 1) == entry_of(planned[0])
    finally:
        await db.close()


async def test_the_queue_reads_indexes_not_every_claim(tmp_path: Path) -> None:
    path = tmp_path / "plan.db"
    db = await Database.open(path)
    try:
        planned = [PlannedClaim(GUILD, 9, True, False, 100.0, [1], [], None)]
        await store_claims(db, planned)
        statements: list[str] = []
        await db.trace_statements(statements.append)
        mark = await db.queue_entry(GUILD, 1)
        await db.queue_candidates(GUILD, 7, quorum=3, now=NOW, after=mark)
        await db.open_claim_count(GUILD)
        await db.trace_statements(None)
    finally:
        await db.close()
    with sqlite3.connect(path) as conn:
        plans = [
            [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}")]
            for sql in statements
            if sql.lstrip().startswith("SELECT")
        ]
    # the mark; below the quorum after it, no vote and a verdict from their start; the three
    # parts again from their start (the wrap); the open count
    assert len(plans) == len(statements) == 8
    for sql, steps in zip(statements, plans, strict=True):
        assert not [s for s in steps if s.startswith("SCAN")], steps
        if "claims_queue_needs_review" not in sql:  # sorted by its votes: a sort of that part
            assert not [s for s in steps if "TEMP B-TREE" in s], steps


async def test_a_database_from_before_migration_9_gets_its_queue(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "v8.db"
    monkeypatch.setattr(
        bot.storage.connection,
        "load_migrations",
        lambda dialect="sqlite": load_migrations(dialect)[:8],
    )
    await (await Database.open(path)).close()
    monkeypatch.undo()
    with sqlite3.connect(path) as old:
        old.execute(
            "INSERT INTO claims (id, guild_id, number, text, normalized, submitter_id,"
            " message_id, status, created_at, updated_at)"
            " VALUES (3, 1, 1, 'Old.', 'old', 9, 77, 'needs_review', 1.0, 1.0)"
        )
        for reviewer in (5, 6):
            old.execute(
                "INSERT INTO vote_events (id, guild_id, claim_id, reviewer_id, verdict,"
                " created_at) VALUES (?, 1, 3, ?, 'refuted', 1.0)",
                (reviewer, reviewer),
            )
            old.execute(
                "INSERT INTO claim_votes (claim_id, reviewer_id, verdict, event_id, updated_at)"
                " VALUES (3, ?, 'refuted', ?, 1.0)",
                (reviewer, reviewer),
            )
    db = await Database.open(path)
    try:
        assert await db.queue_entry(1, 1) == QueueEntry(3, 1, 2, 1.0)
        assert await db.queue_candidates(1, 5, quorum=3, now=NOW) == []  # 5 voted on it
        assert await db.queue_candidates(1, 8, quorum=3, now=NOW) == [QueueEntry(3, 1, 2, 1.0)]
        assert await db.open_claim_count(1) == 1
    finally:
        await db.close()
