"""`claimbot recompute` rebuilds exactly what incremental updates maintained."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.records import NewClaim, NewDocument
from bot.core.status import DEFAULT_SETTINGS, StatusSettings
from bot.core.vocabulary import VOTES
from bot.services.status_refresh import recompute_all, refresh_statuses
from bot.services.vote_ingest import ReactionVote, VoteIngest
from bot.storage.database import Database
from tests.support.backends import NewDatabase


async def random_history(db: Database, seed: int) -> None:
    """Votes, changes, retractions, evidence and moderator verdicts, applied as the bot
    applies them: each change followed by an incremental status refresh."""
    rng = random.Random(seed)
    document = NewDocument(guild_id=1, submitter_id=1, kind="text", content_hash=str(seed))
    _, claims, _ = await db.store_submission(
        document,
        [NewClaim(text=f"c{i}", normalized=f"c{i}") for i in range(4)],
        origin_url=None,
        origin_title=None,
    )
    ids = [c.id for c in claims]

    async def default_settings(_guild_id: int) -> StatusSettings:
        return DEFAULT_SETTINGS

    async def refresh(changed: set[int]) -> None:
        await refresh_statuses(db, sorted(changed), default_settings)

    ingest = VoteIngest(db, refresh)
    ingest.start()
    for step in range(rng.randrange(10, 60)):
        claim_id = rng.choice(ids)
        roll = rng.random()
        if roll < 0.75:
            await ingest.submit(
                ReactionVote(1, claim_id, rng.randrange(6), rng.choice(VOTES), rng.random() < 0.8)
            )
        elif roll < 0.9:
            url = f"https://src.example/{rng.randrange(5)}"
            await db.add_evidence(
                guild_id=1,
                claim_id=claim_id,
                url=url,
                normalized_url=url,
                stance=rng.choice(["supports", "refutes", "context"]),
                note=None,
                added_by=rng.randrange(6),
                origin="command",
            )
            await refresh({claim_id})
        else:
            resolve = rng.random() < 0.6
            await db.add_moderation_event(
                guild_id=1,
                claim_id=claim_id,
                actor_id=99,
                action="resolve" if resolve else "reopen",
                status=rng.choice(["verified_true", "verified_false", "misleading"])
                if resolve
                else None,
                note=f"step {step}",
            )
            await refresh({claim_id})
    await ingest.stop()


@pytest.mark.slow
@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(0, 10_000))
async def test_recompute_equals_incremental_state(new_database: NewDatabase, seed: int) -> None:
    with new_database() as location:
        await _recompute_equals_incremental_state(location, seed)


async def _recompute_equals_incremental_state(location: Path | str, seed: int) -> None:
    db = await Database.open(location)
    try:
        await random_history(db, seed)
        incremental = await db.statuses()
        votes = {cid: await db.current_votes(cid) for cid, _ in await db.claim_ids()}
        total, changed = await recompute_all(db)
        assert (total, changed) == (4, 0)
        assert await db.statuses() == incremental
        assert {cid: await db.current_votes(cid) for cid, _ in await db.claim_ids()} == votes
    finally:
        await db.close()
