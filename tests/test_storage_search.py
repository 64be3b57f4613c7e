"""Search and autocomplete queries: scoped to one guild, ranked, open claims first,
and kept working across the migration that made the index guild-aware."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

import bot.storage.connection
from bot.core.records import NewClaim, NewDocument
from bot.core.sameness import normalize_claim
from bot.core.search import search_terms
from bot.storage import Database, load_migrations
from tests.support.backends import execute_directly

HOME, RIVAL = 111, 222


async def add(db: Database, guild_id: int, *texts: str) -> list[int]:
    document = NewDocument(guild_id=guild_id, submitter_id=5, kind="text", content_hash=texts[0])
    claims = [NewClaim(text=t, normalized=normalize_claim(t)) for t in texts]
    _, created, _ = await db.store_submission(document, claims, origin_url=None, origin_title=None)
    return [claim.id for claim in created]


def match(text: str) -> list[str]:
    found = search_terms(text)
    assert found
    return found


@pytest.fixture
async def db(database_location: Path | str) -> AsyncIterator[Database]:
    database = await Database.open(database_location)
    yield database
    await database.close()


async def test_search_sees_only_its_own_guild_and_ranks_by_relevance(db: Database) -> None:
    ferry, port = await add(
        db,
        HOME,
        "Ferry traffic to the islands doubled in 2023, ferry operators said.",
        "The port handled 2 million containers, one ferry among them.",
    )
    await add(db, RIVAL, "Ferry traffic fell by half, the rival council said.")

    found = await db.search_claims(HOME, match("ferry"), limit=10)

    assert [claim.id for claim in found] == [ferry, port]
    assert await db.search_claims(HOME, match("rival council"), limit=10) == []


async def test_the_guild_token_is_not_a_searchable_word(db: Database) -> None:
    await add(db, HOME, "Rainfall reached 900 millimetres in 2022.")

    assert await db.search_claims(HOME, match(f"g{HOME}"), limit=10) == []


async def test_autocomplete_lists_open_claims_newest_first_then_resolved(db: Database) -> None:
    ids = await add(db, HOME, *(f"Wheat exports reached {n} million tonnes." for n in range(6)))
    await db.save_statuses([(ids[5], "verified_true", 0.9, "", True, "resolution")])
    await add(db, RIVAL, "Wheat exports reached 99 million tonnes in the rival guild.")

    rows = await db.autocomplete_claims(HOME, number=None, terms=match("whe"), limit=4)

    assert [row[0] for row in rows] == [ids[4], ids[3], ids[2], ids[1]]
    rows = await db.autocomplete_claims(HOME, number=None, terms=match("wheat"), limit=10)
    assert [row[0] for row in rows] == [ids[4], ids[3], ids[2], ids[1], ids[0], ids[5]]
    assert rows[-1][2] == "verified_true"


async def test_claims_from_before_the_guild_index_stay_searchable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite only: databases older than 0004 exist only as SQLite files."""
    path = tmp_path / "old.db"
    monkeypatch.setattr(
        bot.storage.connection,
        "load_migrations",
        lambda dialect="sqlite": load_migrations(dialect)[:3],
    )
    await (await Database.open(path)).close()
    monkeypatch.undo()
    with sqlite3.connect(path) as old:  # rows as the schema-3 claimbot wrote them
        old.executemany(
            "INSERT INTO claims (id, guild_id, text, normalized, submitter_id, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, 5, 0, 0)",
            [
                (1, HOME, "Électricité : les prix ont baissé de 12 % en 2024.", "a"),
                (2, RIVAL, "Les prix de l'électricité ont monté de 3 %.", "b"),
            ],
        )

    upgraded = await Database.open(path)
    found = await upgraded.search_claims(HOME, match("electricite prix"), limit=10)
    [later] = await add(upgraded, HOME, "Le prix du gazole a atteint 1,90 euro en mars.")
    found_later = await upgraded.search_claims(HOME, match("prix"), limit=10)
    rival = await upgraded.search_claims(RIVAL, match("prix"), limit=10)
    await upgraded.close()

    assert [claim.id for claim in found] == [1]
    assert sorted(claim.id for claim in found_later) == [1, later]
    assert [claim.id for claim in rival] == [2]


async def test_an_incomplete_index_is_filled_again_at_start(
    database_location: Path | str,
) -> None:
    db = await Database.open(database_location)
    [claim_id] = await add(db, HOME, "Rail ridership rose 8 % in 2024.")
    await db.close()
    # As if the process died before the index was filled.
    if db.dialect == "sqlite":
        clear = "INSERT INTO claims_search (claims_search) VALUES ('delete-all')"
    else:
        clear = "DELETE FROM claims_search"
    execute_directly(database_location, clear)

    db = await Database.open(database_location)
    found = await db.search_claims(HOME, match("ridership"), limit=10)
    await db.close()

    assert [claim.id for claim in found] == [claim_id]
