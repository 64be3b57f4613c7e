"""Snapshots in storage: kept once and never changed, bounded per source (the first and the
latest stay) and per server (oldest first, never a source's first, never a published claim's),
rechecks recorded on the source's row, and the servers of a process's shards only."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core.records import NewSnapshot
from bot.core.shards import UNSHARDED, ShardScope, shard_of
from bot.core.snapshots import RecheckState, SnapshotBounds, stored_bytes
from bot.storage import Database
from tests.test_storage_evidence_numbers import link, new_claim

HOME, RIVAL = 10 << 22, 11 << 22  # on shards 0 and 1 of 2
T0 = 1_714_564_800.0
DAY = 86_400.0
URL = "http://news.test/"  # 17 bytes
BIG = SnapshotBounds(text_bytes=20_000, per_source=10, guild_bytes=10_000_000)


def page(text: str, *, sha: str | None = None) -> NewSnapshot:
    """A snapshot of 17 + len(text) stored bytes (ASCII text, no title)."""
    return NewSnapshot(
        final_url=URL,
        http_status=200,
        title=None,
        body_sha256=sha or (text[:1] or "0") * 64,
        body_bytes=len(text) + 30,
        body_cut=False,
        text=text,
        text_trimmed=False,
    )


@pytest.fixture
async def db(database_location: Path | str) -> AsyncIterator[Database]:
    database = await Database.open(database_location)
    try:
        yield database
    finally:
        await database.close()


async def source(db: Database, guild_id: int, path: str, claim: str = "A claim.") -> int:
    claim_id = await new_claim(db, guild_id, f"{claim} {path}")
    return (await link(db, guild_id, claim_id, path, URL)).id


async def texts(db: Database, evidence_id: int) -> list[str]:
    return [snapshot.text for snapshot in await db.snapshots_of(evidence_id)]


async def test_the_first_snapshot_archives_the_source_and_is_never_changed(db: Database) -> None:
    evidence_id = await source(db, HOME, "a")
    original = page("The tender lists three vessels.")
    first = await db.save_snapshot(evidence_id, original, now=T0, bounds=BIG)
    assert first is not None
    assert (first.guild_id, first.evidence_id, first.fetched_at) == (HOME, evidence_id, T0)
    assert dataclasses.asdict(first) == {
        **dataclasses.asdict(original),
        "id": first.id,
        "guild_id": HOME,
        "evidence_id": evidence_id,
        "fetched_at": T0,
        "stored_bytes": stored_bytes(original),
    }
    item = await db.get_evidence(HOME, evidence_id)
    assert item is not None
    assert (item.archived_at, item.archived_sha256) == (T0, original.body_sha256)

    later = await db.save_snapshot(evidence_id, page("Two vessels now."), now=T0 + DAY, bounds=BIG)
    assert later is not None
    assert await db.snapshots_of(evidence_id) == [first, later]
    item = await db.get_evidence(HOME, evidence_id)
    assert item is not None and (item.archived_at, item.archived_sha256) == (
        T0,
        original.body_sha256,
    )


async def test_a_removed_source_keeps_no_new_snapshot(db: Database) -> None:
    evidence_id = await source(db, HOME, "a")
    await db.remove_evidence(HOME, evidence_id, actor_id=7)
    assert await db.save_snapshot(evidence_id, page("x"), now=T0, bounds=BIG) is None
    assert await db.snapshots_of(evidence_id) == []


async def test_the_per_source_bound_keeps_the_first_and_the_latest(db: Database) -> None:
    bounds = dataclasses.replace(BIG, per_source=3)
    evidence_id = await source(db, HOME, "a")
    for day, text in enumerate(["first", "second", "third", "fourth", "fifth"]):
        assert await db.save_snapshot(evidence_id, page(text), now=T0 + day * DAY, bounds=bounds)
    assert await texts(db, evidence_id) == ["first", "fourth", "fifth"]
    # Two per source is the least: the first and the latest.
    tight = dataclasses.replace(BIG, per_source=2)
    assert await db.save_snapshot(evidence_id, page("sixth"), now=T0 + 9 * DAY, bounds=tight)
    assert await texts(db, evidence_id) == ["first", "sixth"]


async def test_the_server_bound_prunes_oldest_first_but_never_a_first_or_a_published_one(
    db: Database,
) -> None:
    # Each snapshot below is 17 + 83 = 100 stored bytes; the server holds 500.
    bounds = dataclasses.replace(BIG, guild_bytes=500)

    def hundred(mark: str) -> NewSnapshot:
        return page(mark * 83)

    published = await source(db, HOME, "published", "Published claim.")
    plain = await source(db, HOME, "plain", "Open claim.")
    (claim_id,) = [c.id for c in await db.all_claims(HOME) if c.text.startswith("Published claim.")]
    await db.save_statuses([(claim_id, "verified_true", 0.9, "Verified.", False, "test")])
    clock = iter(T0 + n for n in range(100))
    for mark in "ab":  # the published claim's source: first and one later
        assert await db.save_snapshot(published, hundred(mark), now=next(clock), bounds=bounds)
    for mark in "cde":  # the open claim's source: first and two later: 500 bytes in all
        assert await db.save_snapshot(plain, hundred(mark), now=next(clock), bounds=bounds)
    assert await db.snapshot_bytes(HOME) == 500

    # One more: the oldest prunable goes, "d" (not "b", published; not "a" or "c", firsts).
    assert await db.save_snapshot(plain, hundred("f"), now=next(clock), bounds=bounds)
    assert await texts(db, plain) == ["c" * 83, "e" * 83, "f" * 83]
    assert await texts(db, published) == ["a" * 83, "b" * 83]
    assert await db.snapshot_bytes(HOME) == 500
    # A bigger one (two slots): "e" and "f" go, the latest of the source being kept after.
    assert await db.save_snapshot(plain, page("g" * 183), now=next(clock), bounds=bounds)
    assert await texts(db, plain) == ["c" * 83, "g" * 183]

    # A new source's first snapshot: "g" goes, the last one after a first.
    newcomer = await source(db, HOME, "new", "Another claim.")
    assert await db.save_snapshot(newcomer, hundred("h"), now=next(clock), bounds=bounds)
    assert await texts(db, plain) == ["c" * 83]
    second = await source(db, HOME, "newer", "Yet another claim.")
    assert await db.save_snapshot(second, hundred("i"), now=next(clock), bounds=bounds)
    assert await db.snapshot_bytes(HOME) == 500

    # Only firsts and published snapshots left, and no room: a new source is not archived,
    # and nothing was pruned for it.
    third = await source(db, HOME, "newest", "A third claim.")
    assert await db.save_snapshot(third, hundred("j"), now=next(clock), bounds=bounds) is None
    assert await db.snapshot_bytes(HOME) == 500
    item = await db.get_evidence(HOME, third)
    assert item is not None and item.archived_at is None

    # A removed source's snapshots go first, its first one included.
    await db.remove_evidence(HOME, plain, actor_id=7)
    assert await db.save_snapshot(third, hundred("j"), now=next(clock), bounds=bounds)
    assert await texts(db, plain) == []
    assert await texts(db, published) == ["a" * 83, "b" * 83]
    assert await texts(db, newcomer) == ["h" * 83]

    # Another server's bytes are its own.
    rival = await source(db, RIVAL, "rival")
    assert await db.save_snapshot(rival, hundred("r"), now=next(clock), bounds=bounds)
    assert await db.snapshot_bytes(RIVAL) == 100


async def test_a_final_verdict_is_published_too(db: Database) -> None:
    bounds = dataclasses.replace(BIG, guild_bytes=300, per_source=3)
    resolved = await source(db, HOME, "resolved", "Resolved claim.")
    (claim_id,) = [c.id for c in await db.all_claims(HOME)]
    await db.save_statuses([(claim_id, "misleading", 1.0, "Resolved.", True, "resolution")])
    for day, mark in enumerate("abc"):
        assert await db.save_snapshot(resolved, page(mark * 83), now=T0 + day, bounds=bounds)
    # Not kept (no room): and so nothing pruned for it, under the per-source bound either.
    assert await db.save_snapshot(resolved, page("d" * 83), now=T0 + 9, bounds=bounds) is None
    assert await texts(db, resolved) == ["a" * 83, "b" * 83, "c" * 83]


async def test_a_recheck_is_recorded_on_the_source_in_one_write(db: Database) -> None:
    evidence_id = await source(db, HOME, "a")
    assert await db.save_snapshot(evidence_id, page("original"), now=T0, bounds=BIG)
    changed = RecheckState("changed", T0 + DAY)
    kept = await db.record_recheck(
        evidence_id, changed, now=T0 + DAY, snapshot=page("edited"), bounds=BIG
    )
    assert kept is not None and kept.text == "edited"
    item = await db.get_evidence(HOME, evidence_id)
    assert item is not None
    assert (item.recheck_state, item.recheck_since, item.rechecked_at) == (
        "changed",
        T0 + DAY,
        T0 + DAY,
    )
    assert await db.record_recheck(evidence_id, changed, now=T0 + 2 * DAY) is None
    item = await db.get_evidence(HOME, evidence_id)
    assert item is not None
    assert (item.recheck_since, item.rechecked_at) == (T0 + DAY, T0 + 2 * DAY)
    assert await texts(db, evidence_id) == ["original", "edited"]


async def test_sources_due_for_a_recheck_are_the_shards_archived_ones_longest_unchecked_first(
    db: Database,
) -> None:
    home = await source(db, HOME, "home")
    older = await source(db, HOME, "older")
    rival = await source(db, RIVAL, "rival")
    never = await source(db, HOME, "never")  # never archived: nothing to compare with
    removed = await source(db, HOME, "removed")
    assert never
    for evidence_id, at in ((home, T0 + 10), (older, T0), (rival, T0 + 5), (removed, T0)):
        assert await db.save_snapshot(evidence_id, page(f"t{at}"), now=at, bounds=BIG)
    await db.remove_evidence(HOME, removed, actor_id=7)
    await db.record_recheck(home, RecheckState("gone", T0 + 20), now=T0 + 20)

    due = await db.sources_to_recheck(UNSHARDED, checked_before=T0 + 30)
    assert [s.id for s in due] == [older, rival, home]
    assert due[2].recheck_state == "gone" and due[2].first_sha256 == "t" * 64
    assert [s.id for s in await db.sources_to_recheck(UNSHARDED, checked_before=T0 + 5)] == [
        older,
        rival,
    ]
    only_home = await db.sources_to_recheck(UNSHARDED, checked_before=T0 + 30, guild_id=HOME)
    assert [s.id for s in only_home] == [older, home]
    assert len(await db.sources_to_recheck(UNSHARDED, checked_before=T0 + 30, limit=1)) == 1
    # A process running the shard of HOME only never reads RIVAL's sources.
    assert shard_of(HOME, 2) != shard_of(RIVAL, 2)
    mine = ShardScope(2, (shard_of(HOME, 2),))
    assert [s.id for s in await db.sources_to_recheck(mine, checked_before=T0 + 30)] == [
        older,
        home,
    ]
