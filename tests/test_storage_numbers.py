"""Claim numbers per server: assigned at insert, unique under concurrent writers, looked up
with the server's scope, and given to existing claims by migration 0006."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import bot.storage.connection
from bot.core.records import NewClaim, NewDocument
from bot.core.search import search_terms
from bot.core.shards import UNSHARDED
from bot.storage import Database, load_migrations

HOME, RIVAL = 111, 222


async def add(db: Database, guild_id: int, *texts: str) -> list[tuple[int, int]]:
    """(id, number) of each new claim."""
    document = NewDocument(guild_id=guild_id, submitter_id=5, kind="text", content_hash=texts[0])
    claims = [NewClaim(text=t, normalized=t.casefold()) for t in texts]
    _, created, _ = await db.store_submission(document, claims, origin_url=None, origin_title=None)
    return [(claim.id, claim.number) for claim in created]


@pytest.fixture
async def db(database_location: Path | str) -> AsyncIterator[Database]:
    database = await Database.open(database_location)
    yield database
    await database.close()


async def test_each_server_counts_from_one(db: Database) -> None:
    assert await add(db, HOME, "Home one.", "Home two.") == [(1, 1), (2, 2)]
    assert await add(db, RIVAL, "Rival one.") == [(3, 1)]
    # A duplicate takes no number; the next new claim gets the next one.
    assert await add(db, HOME, "Home two.", "Home three.") == [(4, 3)]
    assert await add(db, RIVAL, "Rival two.") == [(5, 2)]


async def test_a_number_names_a_claim_only_in_its_own_server(db: Database) -> None:
    await add(db, HOME, "Home one.", "Home two.")
    await add(db, RIVAL, "Rival one.")

    home_first = await db.claim_by_number(HOME, 1)
    rival_first = await db.claim_by_number(RIVAL, 1)

    assert home_first is not None and (home_first.id, home_first.text) == (1, "Home one.")
    assert rival_first is not None and (rival_first.id, rival_first.text) == (3, "Rival one.")
    assert await db.claim_by_number(RIVAL, 3) is None  # the internal id means nothing
    assert await db.claim_by_number(RIVAL, 2) is None


async def test_autocomplete_offers_numbers(db: Database) -> None:
    await add(db, HOME, "Wheat exports rose.", "Barley exports fell.")
    await add(db, RIVAL, "Wheat prices doubled.", "Wheat stocks shrank.")

    by_number = await db.autocomplete_claims(RIVAL, number=2, terms=None, limit=25)
    by_words = await db.autocomplete_claims(RIVAL, number=None, terms=["whe"], limit=25)
    empty = await db.autocomplete_claims(RIVAL, number=None, terms=None, limit=25)

    assert by_number == [(2, "Wheat stocks shrank.", "unreviewed")]
    assert by_words == [
        (2, "Wheat stocks shrank.", "unreviewed"),
        (1, "Wheat prices doubled.", "unreviewed"),
    ]
    assert [row[0] for row in empty] == [2, 1]
    assert await db.autocomplete_claims(RIVAL, number=3, terms=None, limit=25) == []


async def test_the_last_refusal_names_the_claim_by_number(db: Database) -> None:
    await add(db, HOME, "Home one.")
    [(claim_id, _)] = await add(db, RIVAL, "Rival one.")
    await db.record_audit(
        guild_id=RIVAL, actor_id=1, action="discord_refused", claim_id=claim_id, detail={}
    )

    last = await db.last_audit(RIVAL, "discord_refused")

    assert last is not None and (last["claim_id"], last["claim_number"]) == (2, 1)


async def test_concurrent_writers_never_share_a_number(database_location: Path | str) -> None:
    """Two connections (as two processes would) and many coroutines on each, all adding
    claims to the same two servers at once."""
    first = await Database.open(database_location)
    second = await Database.open(database_location)
    try:
        jobs = [
            add(db, guild, f"Claim {n} of {guild} by {name}.", f"Claim {n}b of {guild} by {name}.")
            for n in range(40)
            for name, db in (("first", first), ("second", second))
            for guild in (HOME, RIVAL)
            if not (db is second and n % 2)
        ]
        await asyncio.gather(*jobs)
        numbers = {
            guild: [c.number for c in sorted(await first.all_claims(guild), key=lambda c: c.id)]
            for guild in (HOME, RIVAL)
        }
    finally:
        await first.close()
        await second.close()

    for guild in (HOME, RIVAL):
        assert numbers[guild] == list(range(1, 121)), guild  # 60 submissions of 2 claims


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from([HOME, RIVAL, 333]), min_size=1, max_size=30))
def test_numbers_count_up_per_server_in_insert_order(guilds: list[int]) -> None:
    async def run() -> list[tuple[int, int, str]]:
        database = await Database.open(":memory:")
        try:
            for n, guild in enumerate(guilds):
                await add(database, guild, f"Claim {n}.")
            return [
                (claim.guild_id, claim.number, claim.text)
                for guild in sorted(set(guilds))
                for claim in await database.all_claims(guild)
            ]
        finally:
            await database.close()

    got = asyncio.run(run())

    expected = [
        (guild, number, f"Claim {n}.")
        for guild in sorted(set(guilds))
        for number, n in enumerate([n for n, g in enumerate(guilds) if g == guild], 1)
    ]
    assert got == expected


# -- migration 0006 -------------------------------------------------------------------

# (id, guild, created_at, message_id) as a schema-5 claimbot stored them: ids are global
# and interleave the two servers; claim 6 of RIVAL was created before its others (a clock
# step back), and claims 7 and 1 of HOME share a creation time.
V5_CLAIMS = [
    (1, HOME, 10.0, 901),
    (2, RIVAL, 11.0, 902),
    (3, HOME, 12.0, 903),
    (4, RIVAL, 13.0, 904),
    (5, HOME, 14.0, None),  # never posted: nothing to render
    (6, RIVAL, 5.0, 906),
    (7, HOME, 10.0, 907),
]


async def test_migration_numbers_existing_claims_per_server_and_marks_them_stale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "v5.db"
    monkeypatch.setattr(
        bot.storage.connection,
        "load_migrations",
        lambda dialect="sqlite": load_migrations(dialect)[:5],
    )
    await (await Database.open(path)).close()
    monkeypatch.undo()
    with sqlite3.connect(path) as old:
        old.executemany(
            "INSERT INTO claims (id, guild_id, text, normalized, submitter_id, channel_id,"
            " message_id, created_at, updated_at, rendered_at)"
            " VALUES (?, ?, ?, ?, 5, 77, ?, ?, ?, ?)",
            [
                (i, g, f"Claim {i} on the tram line.", f"c{i}", m, at, at, at if m else None)
                for i, g, at, m in V5_CLAIMS
            ],
        )

        shown_as_stale = (
            "message_id IS NOT NULL AND (rendered_at IS NULL OR rendered_at < updated_at)"
        )
        assert old.execute(f"SELECT count(*) FROM claims WHERE {shown_as_stale}").fetchone() == (0,)
    upgraded = await Database.open(path)
    try:
        with sqlite3.connect(path) as conn:
            numbers = dict(conn.execute("SELECT id, number FROM claims").fetchall())
        stale = await upgraded.stale_review_messages(UNSHARDED, limit=10)
        second_at_home = await upgraded.claim_by_number(HOME, 2)
        next_home = await add(upgraded, HOME, "A new claim after the upgrade.")
        next_rival = await add(upgraded, RIVAL, "A new rival claim after the upgrade.")
        found = await upgraded.search_claims(RIVAL, search_terms("tram"), limit=10)
    finally:
        await upgraded.close()

    assert numbers == {1: 1, 7: 2, 3: 3, 5: 4, 6: 1, 2: 2, 4: 3}
    # Posted claims whose number is not the id they showed are rendered again at start.
    assert stale == [7, 6, 4]
    assert second_at_home is not None and second_at_home.id == 7
    assert next_home == [(8, 5)] and next_rival == [(9, 4)]
    assert [(claim.id, claim.number) for claim in found] == [(6, 1), (4, 3), (2, 2)]
