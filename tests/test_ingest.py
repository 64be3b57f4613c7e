"""Vote ingest: decisions in arrival order, committed in batches, nothing lost."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core.records import NewClaim, NewDocument
from bot.core.vocabulary import Vote
from bot.core.votes import VoteChange
from bot.services.vote_ingest import REFRESH_SECONDS, ForcedVote, ReactionVote, VoteIngest
from bot.storage.database import Database
from tests.support.clock import ManualClock


@pytest.fixture
async def db(database_location: Path | str) -> AsyncIterator[Database]:
    database = await Database.open(database_location)
    yield database
    await database.close()


async def make_claims(db: Database, n: int, guild_id: int = 1) -> list[int]:
    document = NewDocument(guild_id=guild_id, submitter_id=9, kind="text", content_hash="h")
    claims = [NewClaim(text=f"claim {i}", normalized=f"claim {i}") for i in range(n)]
    _, created, _ = await db.store_submission(document, claims, origin_url=None, origin_title=None)
    return [c.id for c in created]


async def test_vote_change_and_retraction(db: Database) -> None:
    changed: list[set[int]] = []

    async def on_changed(ids: set[int]) -> None:
        changed.append(ids)

    (claim,) = await make_claims(db, 1)
    ingest = VoteIngest(db, on_changed)
    ingest.start()
    first = await ingest.submit(ReactionVote(1, claim, 100, "supported", added=True))
    switch = await ingest.submit(ReactionVote(1, claim, 100, "refuted", added=True))
    stale_removal = await ingest.submit(ReactionVote(1, claim, 100, "supported", added=False))
    retract = await ingest.submit(ReactionVote(1, claim, 100, "refuted", added=False))
    await ingest.stop()

    assert first == VoteChange("supported", None)
    assert switch == VoteChange("refuted", "supported")
    assert stale_removal is None
    assert retract == VoteChange(None, None)
    assert await db.current_votes(claim) == {}
    assert [(r, v) for _, r, v, _ in await db.vote_events(claim)] == [
        (100, "supported"),
        (100, "refuted"),
        (100, None),
    ]
    assert all(ids == {claim} for ids in changed)


async def test_forced_votes_only_write_differences(db: Database) -> None:
    (claim,) = await make_claims(db, 1)

    async def on_changed(ids: set[int]) -> None:
        return None

    ingest = VoteIngest(db, on_changed)
    ingest.start()
    assert await ingest.submit(ForcedVote(1, claim, 5, "misleading")) == VoteChange(
        "misleading", None
    )
    assert await ingest.submit(ForcedVote(1, claim, 5, "misleading")) is None
    assert await ingest.submit(ForcedVote(1, claim, 5, None)) == VoteChange(None, None)
    await ingest.stop()
    assert len(await db.vote_events(claim)) == 2


@pytest.mark.slow
async def test_concurrent_burst_counts_every_vote_once_in_few_batches(db: Database) -> None:
    claims = await make_claims(db, 20)
    rng = random.Random(7)
    expected: dict[int, dict[int, str]] = {c: {} for c in claims}
    events = []
    for _ in range(3000):
        claim = rng.choice(claims)
        reviewer = rng.randrange(50)
        vote = rng.choice(["supported", "refuted", "unverifiable", "misleading"])
        events.append(ReactionVote(1, claim, reviewer, vote, added=True))  # type: ignore[arg-type]
        expected[claim][reviewer] = vote

    async def on_changed(ids: set[int]) -> None:
        return None

    ingest = VoteIngest(db, on_changed)
    ingest.start()
    await asyncio.gather(*(ingest.submit(e) for e in events))
    await ingest.stop()
    for claim in claims:
        assert await db.current_votes(claim) == expected[claim]
    assert ingest.batches < 100


async def test_votes_commit_while_a_status_refresh_is_still_running(db: Database) -> None:
    first, second = await make_claims(db, 2)
    refreshing = asyncio.Event()
    release = asyncio.Event()
    refreshed: list[set[int]] = []

    async def slow_refresh(ids: set[int]) -> None:
        refreshing.set()
        await release.wait()
        refreshed.append(ids)

    ingest = VoteIngest(db, slow_refresh)
    ingest.start()
    await ingest.submit(ReactionVote(1, first, 100, "supported", added=True))
    await asyncio.wait_for(refreshing.wait(), 5)
    # The refresh of the first claim is stuck; a vote on the second still commits.
    outcome = await asyncio.wait_for(
        ingest.submit(ReactionVote(1, second, 101, "refuted", added=True)), 5
    )
    assert outcome == VoteChange("refuted", None)
    assert await db.current_votes(second) == {101: "refuted"}
    assert refreshed == []
    release.set()
    await asyncio.wait_for(ingest.drain(), 5)
    assert refreshed == [{first}, {second}]
    await ingest.stop()


async def test_a_failed_plan_writes_nothing(db: Database) -> None:
    (claim,) = await make_claims(db, 1)
    await db.record_votes([claim], lambda _: [(1, claim, 100, "supported", "reaction", 1.0)])
    seen: list[dict[int, dict[int, Vote]]] = []

    def plan(
        current: dict[int, dict[int, Vote]],
    ) -> list[tuple[int, int, int, Vote | None, str, float]]:
        seen.append({c: dict(v) for c, v in current.items()})
        raise RuntimeError("no")

    with pytest.raises(RuntimeError):
        await db.record_votes([claim], plan)
    assert seen == [{claim: {100: "supported"}}]
    assert [(r, v) for _, r, v, _ in await db.vote_events(claim)] == [(100, "supported")]
    ids = await db.record_votes([claim], lambda _: [(1, claim, 100, None, "reaction", 2.0)])
    assert len(ids) == 1
    assert await db.current_votes(claim) == {}


async def test_catch_up_corrections_yield_to_live_reactions_since_the_snapshot(
    db: Database,
) -> None:
    """Catch-up read the reactions, then a live reaction came in: the correction made from
    the older read must not undo it (found by benchmarks/ingest.py during a burst)."""
    first, second = await make_claims(db, 2)

    async def on_changed(ids: set[int]) -> None:
        return None

    ingest = VoteIngest(db, on_changed)
    ingest.start()
    with ingest.snapshot() as mark:
        # Discord's reactions were read here: nobody had voted yet.
        assert await ingest.submit(ReactionVote(1, first, 7, "refuted", added=True)) == (
            VoteChange("refuted", None)
        )
        stale = ForcedVote(1, first, 7, None, snapshot=mark)
        other = ForcedVote(1, second, 7, "supported", snapshot=mark)
        assert await ingest.submit(stale) is None
        assert await ingest.submit(other) == VoteChange("supported", None)
        assert ingest.reacted_since(mark, first, 7)
        assert not ingest.reacted_since(mark, second, 7)
    assert not ingest.reacted_since(mark, first, 7)  # forgotten once no snapshot is open
    await ingest.stop()
    assert await db.current_votes(first) == {7: "refuted"}
    assert await db.current_votes(second) == {7: "supported"}
    assert [(r, v) for _, r, v, _ in await db.vote_events(first)] == [(7, "refuted")]


async def test_status_refreshes_are_spaced_on_the_ingest_clock(db: Database) -> None:
    """A refresh waits REFRESH_SECONDS after the last one on the clock it is given, not on
    real time: votes committed meanwhile wait for the clock, then refresh together."""
    refreshed: list[set[int]] = []

    async def on_changed(ids: set[int]) -> None:
        refreshed.append(ids)

    first, second, third = await make_claims(db, 3)
    clock = ManualClock(50.0)
    ingest = VoteIngest(db, on_changed, clock=clock)
    ingest.start()
    await ingest.submit(ReactionVote(1, first, 100, "supported", added=True))
    await asyncio.wait_for(ingest.drain(), 5)
    assert refreshed == [{first}]
    await ingest.submit(ReactionVote(1, second, 100, "supported", added=True))
    await ingest.submit(ReactionVote(1, third, 100, "refuted", added=True))
    await asyncio.sleep(0.05)  # real time passes; the ingest clock does not
    assert refreshed == [{first}]
    clock.advance(REFRESH_SECONDS)
    await asyncio.wait_for(ingest.drain(), 5)
    assert refreshed == [{first}, {second, third}]
    await ingest.stop()
