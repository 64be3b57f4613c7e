"""One rule for a reviewer's current vote: their vote event with the highest id.

Random histories (reactions added and removed, catch-up corrections, timestamps out of
order) go through the ingest as the bot runs it, then through `claimbot recompute`; both
must give exactly what the pure model gives for the raw event log.
"""

from __future__ import annotations

import asyncio
import dataclasses
import random
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.records import NewClaim, NewDocument
from bot.core.status import DEFAULT_SETTINGS, VoteEvent, compute_status
from bot.core.status import current_votes as pure_current_votes
from bot.core.vocabulary import VOTES, Vote
from bot.services.status_refresh import recompute_all, refresh_statuses
from bot.services.vote_ingest import ForcedVote, ReactionVote, VoteIngest
from bot.storage import Database
from tests.support.backends import NewDatabase

CLAIMS = 3
REVIEWERS = 4

vote_values = st.sampled_from(VOTES)
# Clocks of live and catch-up events disagree: any event may carry an earlier time.
times = st.floats(min_value=1_000.0, max_value=1_010.0, allow_nan=False)
reaction = st.builds(
    lambda claim, reviewer, vote, added, at: ReactionVote(1, claim, reviewer, vote, added, at=at),
    st.integers(0, CLAIMS - 1),
    st.integers(0, REVIEWERS - 1),
    vote_values,
    st.booleans(),
    times,
)
correction = st.builds(
    lambda claim, reviewer, vote, at: ForcedVote(1, claim, reviewer, vote, at=at),
    st.integers(0, CLAIMS - 1),
    st.integers(0, REVIEWERS - 1),
    st.none() | vote_values,
    times,
)
# Each inner list is submitted at once, so the ingest writes it as one batch (several
# events of one reviewer on one claim in the same transaction included).
histories = st.lists(st.lists(reaction | correction, min_size=1, max_size=8), max_size=12)


def by_event_id(events: list[VoteEvent]) -> dict[int, Vote]:
    """The rule spelled out: the reviewer's event with the highest id decides."""
    latest: dict[int, VoteEvent] = {}
    for event in sorted(events, key=lambda e: e.event_id):
        latest[event.reviewer_id] = event
    return {r: e.vote for r, e in sorted(latest.items()) if e.vote is not None}


async def replay(db: Database, claim_ids: list[int], batches: list[list[object]]) -> None:
    async def refresh(changed: set[int]) -> None:
        await refresh_statuses(db, sorted(changed), _default_settings)

    ingest = VoteIngest(db, refresh)
    ingest.start()
    for batch in batches:
        votes = []
        for vote in batch:
            assert isinstance(vote, ReactionVote | ForcedVote)
            vote = dataclasses.replace(vote, claim_id=claim_ids[vote.claim_id])
            votes.append(ingest.submit(vote))
        await asyncio.gather(*votes)
    await ingest.stop()


async def _default_settings(_guild_id: int):
    return DEFAULT_SETTINGS


async def pure_answer(db: Database, claim_ids: list[int], seed: int) -> dict[int, object]:
    """Per claim: (votes, status, confidence, explanation) from the raw log, shuffled."""
    answer: dict[int, object] = {}
    for claim_id in claim_ids:
        log = [
            VoteEvent(event_id=i, reviewer_id=r, vote=v, at=at)
            for i, r, v, at in await db.vote_events(claim_id)
        ]
        random.Random(seed).shuffle(log)
        votes = pure_current_votes(log)
        assert votes == by_event_id(log)
        result = compute_status(votes, [])
        answer[claim_id] = (votes, result.status, result.confidence, result.explanation)
    return answer


async def stored_answer(db: Database, claim_ids: list[int]) -> dict[int, object]:
    statuses = await db.statuses()
    return {
        claim_id: (await db.current_votes(claim_id), *statuses[claim_id][:3])
        for claim_id in claim_ids
    }


@pytest.mark.slow
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(batches=histories, seed=st.integers(0, 1_000))
async def test_ingest_recompute_and_the_pure_model_agree_on_current_votes(
    new_database: NewDatabase, batches: list[list[object]], seed: int
) -> None:
    with new_database() as location:
        await _agree_on_current_votes(location, batches, seed)


async def _agree_on_current_votes(
    location: Path | str, batches: list[list[object]], seed: int
) -> None:
    db = await Database.open(location)
    try:
        document = NewDocument(guild_id=1, submitter_id=1, kind="text", content_hash="h")
        _, claims, _ = await db.store_submission(
            document,
            [NewClaim(text=f"c{i}", normalized=f"c{i}") for i in range(CLAIMS)],
            origin_url=None,
            origin_title=None,
        )
        claim_ids = [c.id for c in claims]
        await replay(db, claim_ids, batches)
        expected = await pure_answer(db, claim_ids, seed)

        assert await stored_answer(db, claim_ids) == expected
        assert await recompute_all(db) == (CLAIMS, 0)
        assert await stored_answer(db, claim_ids) == expected
    finally:
        await db.close()


async def test_a_correction_with_an_earlier_clock_still_decides(
    database_location: Path | str,
) -> None:
    """Recorded last, stamped first: the log's order wins, in storage and in the model."""
    db = await Database.open(database_location)
    try:
        document = NewDocument(guild_id=1, submitter_id=1, kind="text", content_hash="h")
        _, (claim,), _ = await db.store_submission(
            document, [NewClaim(text="c", normalized="c")], origin_url=None, origin_title=None
        )
        await replay(
            db,
            [claim.id],
            [
                [ReactionVote(1, 0, 7, "supported", True, at=2_000.0)],
                [ForcedVote(1, 0, 7, "refuted", at=1_000.0)],
                [ReactionVote(1, 0, 8, "refuted", True, at=3_000.0)],
                [ForcedVote(1, 0, 8, None, at=500.0)],
            ],
        )
        log = [VoteEvent(i, r, v, at) for i, r, v, at in await db.vote_events(claim.id)]
        assert [(e.reviewer_id, e.vote, e.at) for e in log] == [
            (7, "supported", 2_000.0),
            (7, "refuted", 1_000.0),
            (8, "refuted", 3_000.0),
            (8, None, 500.0),
        ]
        assert pure_current_votes(log) == {7: "refuted"}
        assert await db.current_votes(claim.id) == {7: "refuted"}
        await recompute_all(db)
        assert await db.current_votes(claim.id) == {7: "refuted"}
    finally:
        await db.close()


async def test_a_vote_batch_reads_only_its_own_events(tmp_path: Path) -> None:
    """The batch's statements reach vote_events by id, never by a scan: a batch costs the
    same with a long log as with an empty one. SQLite only: it checks SQLite's plans."""
    path = tmp_path / "plan.db"
    db = await Database.open(path)
    try:
        document = NewDocument(guild_id=1, submitter_id=1, kind="text", content_hash="h")
        _, (claim,), _ = await db.store_submission(
            document, [NewClaim(text="c", normalized="c")], origin_url=None, origin_title=None
        )
        statements: list[str] = []
        await db.trace_statements(statements.append)
        await db.record_votes(
            [claim.id],
            lambda _: [
                (1, claim.id, 7, "refuted", "reaction", 1.0),
                (1, claim.id, 8, None, "reaction", 2.0),
            ],
        )
        await db.trace_statements(None)
    finally:
        await db.close()
    with sqlite3.connect(path) as conn:
        plans = {
            sql: [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}")]
            for sql in statements
            if "claim_votes" in sql and "vote_events" in sql
        }
    assert len(plans) == 2  # the rule: one DELETE, one upsert
    for sql, steps in plans.items():
        assert not [s for s in steps if s.startswith("SCAN")], (sql, steps)
        assert "SEARCH vote_events USING INTEGER PRIMARY KEY (rowid>?)" in steps, steps
