"""Source numbers per claim: assigned at insert, unique under concurrent writers, never
reused after a removal, looked up on their own claim only."""

from __future__ import annotations

import asyncio
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.records import EvidenceRecord, NewClaim, NewDocument
from bot.storage import Database
from tests.support.backends import execute_directly

HOME, RIVAL = 111, 222


async def new_claim(db: Database, guild_id: int, text: str) -> int:
    """The new claim's internal id."""
    document = NewDocument(guild_id=guild_id, submitter_id=5, kind="text", content_hash=text)
    claims = [NewClaim(text=text, normalized=text.casefold())]
    _, (created,), _ = await db.store_submission(
        document, claims, origin_url=None, origin_title=None
    )
    return created.id


async def link(
    db: Database, guild_id: int, claim_id: int, path: str, base: str = "https://src.example/"
) -> EvidenceRecord:
    url = f"{base}{path}"
    record, created = await db.add_evidence(
        guild_id=guild_id,
        claim_id=claim_id,
        url=url,
        normalized_url=url,
        stance="context",
        note=None,
        added_by=7,
        origin="thread",
    )
    assert created
    return record


async def test_a_number_names_a_source_only_on_its_own_claim(
    database_location: Path | str,
) -> None:
    db = await Database.open(database_location)
    try:
        home = await new_claim(db, HOME, "Home claim.")
        rival = await new_claim(db, RIVAL, "Rival claim.")
        mine = await link(db, HOME, home, "a")
        theirs = await link(db, RIVAL, rival, "b")
        assert (mine.number, theirs.number) == (1, 1)
        assert await db.evidence_by_number(home, 1) == mine
        assert await db.evidence_by_number(rival, 1) == theirs
        assert await db.evidence_by_number(home, 2) is None
        await db.remove_evidence(RIVAL, mine.id, actor_id=7)  # another server's row: nothing
        assert await db.evidence_by_number(home, 1) == mine
        assert await db.audit_entries(RIVAL) == []
        await db.remove_evidence(HOME, mine.id, actor_id=7)
        await db.remove_evidence(HOME, mine.id, actor_id=8)  # a second removal: no-op
        assert await db.evidence_by_number(home, 1) is None
        assert [(e["action"], e["actor_id"]) for e in await db.audit_entries(HOME)] == [
            ("evidence_remove", 7)
        ]
    finally:
        await db.close()


async def test_concurrent_writers_never_share_a_number(database_location: Path | str) -> None:
    """Two connections (as two processes would) and many coroutines on each, all linking
    sources to the same two claims at once."""
    first = await Database.open(database_location)
    second = await Database.open(database_location)
    try:
        claims = [await new_claim(first, HOME, "Home claim."), await new_claim(first, RIVAL, "R.")]
        jobs = [
            link(db, guild, claim_id, f"{name}/{n}")
            for n in range(30)
            for name, db in (("first", first), ("second", second))
            for guild, claim_id in zip((HOME, RIVAL), claims, strict=True)
        ]
        await asyncio.gather(*jobs)
        query = "SELECT number FROM evidence WHERE claim_id = ? ORDER BY id"
        numbers = [
            [n for (n,) in execute_directly(database_location, query, (claim_id,))]
            for claim_id in claims
        ]
    finally:
        await first.close()
        await second.close()

    assert numbers == [list(range(1, 61)), list(range(1, 61))]


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([0, 1]), st.booleans()), min_size=1, max_size=25))
def test_numbers_count_up_per_claim_and_are_never_reused(steps: list[tuple[int, bool]]) -> None:
    """Each step links a new source to one of two claims, then maybe removes that claim's
    oldest current source; a claim's numbers are 1..n in insert order whatever was removed."""

    async def run() -> tuple[list[list[int]], list[set[int]], list[list[int]]]:
        db = await Database.open(":memory:")
        try:
            claims = [await new_claim(db, HOME, "One."), await new_claim(db, HOME, "Two.")]
            given_numbers: list[list[int]] = [[], []]
            removed: list[set[int]] = [set(), set()]
            for step, (which, remove_oldest) in enumerate(steps):
                record = await link(db, HOME, claims[which], str(step))
                given_numbers[which].append(record.number)
                if remove_oldest:
                    oldest = (await db.evidence_for(claims[which]))[0]
                    await db.remove_evidence(HOME, oldest.id, actor_id=7)
                    removed[which].add(oldest.number)
            current = [[e.number for e in await db.evidence_for(c)] for c in claims]
            return given_numbers, removed, current
        finally:
            await db.close()

    given_numbers, removed, current = asyncio.run(run())
    for which in (0, 1):
        assert given_numbers[which] == list(range(1, len(given_numbers[which]) + 1))
        assert current[which] == [n for n in given_numbers[which] if n not in removed[which]]
