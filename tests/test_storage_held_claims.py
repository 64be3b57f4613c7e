"""Held claims (migration 0014): written with their document, read best first and only by
the document's server, and taken once, in the transaction that stores them as claims."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core.records import HeldBatch, HeldClaim, NewClaim, NewDocument
from bot.core.sameness import normalize_claim
from bot.storage import Database

HOME, RIVAL = 111, 222
SUBMITTER = 5


def held(text: str, score: float, start: int = -1) -> HeldClaim:
    end = start + len(text) if start >= 0 else -1
    return HeldClaim(text, "the mayor", "en", score, ("figure",), start, end)


HELD = [held("Held one.", 0.9, 100), held("Held two.", 0.8), held("Held three.", 0.7, 300)]


async def submit(db: Database, guild_id: int, held_claims: list[HeldClaim]) -> int:
    document = NewDocument(
        guild_id=guild_id,
        submitter_id=SUBMITTER,
        kind="url",
        content_hash=f"{guild_id}",
        url="https://news.example/a",
        title="An article",
    )
    posted = [NewClaim(text="Posted one.", normalized="posted one")]
    document_id, created, _ = await db.store_submission(
        document,
        posted,
        origin_url="https://news.example/a",
        origin_title="An article",
        held=held_claims,
    )
    assert [c.text for c in created] == ["Posted one."]
    return document_id


def new(batch: HeldBatch) -> list[NewClaim]:
    return [NewClaim(text=c.text, normalized=normalize_claim(c.text)) for c in batch.claims]


@pytest.fixture
async def db(database_location: Path | str) -> AsyncIterator[Database]:
    database = await Database.open(database_location)
    yield database
    await database.close()


async def test_held_claims_are_read_best_first_with_their_document(db: Database) -> None:
    document_id = await submit(db, HOME, HELD)

    batch = await db.held_batch(HOME, document_id, limit=2)

    assert batch == HeldBatch(
        document_id=document_id,
        submitter_id=SUBMITTER,
        url="https://news.example/a",
        title="An article",
        claims=[
            HeldClaim("Held one.", "the mayor", "en", 0.9, ("figure",), 100, 109, rank=1),
            HeldClaim("Held two.", "the mayor", "en", 0.8, ("figure",), -1, -1, rank=2),
        ],
        held=3,
    )


async def test_another_servers_document_reads_as_none(db: Database) -> None:
    home = await submit(db, HOME, HELD)
    rival = await submit(db, RIVAL, [held("Rival held.", 0.9)])

    assert await db.held_batch(RIVAL, home, limit=10) is None
    assert await db.held_batch(HOME, rival, limit=10) is None
    assert await db.held_batch(HOME, 9999, limit=10) is None
    rival_batch = await db.held_batch(RIVAL, rival, limit=10)
    assert rival_batch is not None and [c.text for c in rival_batch.claims] == ["Rival held."]
    # Taking in the wrong server takes nothing and stores nothing.
    home_batch = await db.held_batch(HOME, home, limit=10)
    assert home_batch is not None
    assert await db.store_held(RIVAL, home_batch, new(home_batch)) is None
    assert [c.text for c in await db.all_claims(RIVAL)] == ["Posted one."]
    after = await db.held_batch(HOME, home, limit=10)
    assert after is not None and after.held == 3


async def test_a_document_without_held_claims_has_an_empty_batch(db: Database) -> None:
    document_id = await submit(db, HOME, [])
    batch = await db.held_batch(HOME, document_id, limit=10)
    assert batch is not None and (batch.claims, batch.held) == ([], 0)


async def test_storing_a_batch_takes_it_once(db: Database) -> None:
    document_id = await submit(db, HOME, HELD)
    batch = await db.held_batch(HOME, document_id, limit=2)
    assert batch is not None

    stored = await db.store_held(HOME, batch, new(batch))

    assert stored is not None
    created, existing = stored
    assert [(c.number, c.text, c.submitter_id, c.origin_url, c.origin_title) for c in created] == [
        (2, "Held one.", SUBMITTER, "https://news.example/a", "An article"),
        (3, "Held two.", SUBMITTER, "https://news.example/a", "An article"),
    ]
    assert existing == []
    assert {c.document_id for c in created} == {document_id}
    # The same batch again (a second press that read it before the first stored it).
    assert await db.store_held(HOME, batch, new(batch)) is None
    rest = await db.held_batch(HOME, document_id, limit=2)
    assert rest is not None and ([c.text for c in rest.claims], rest.held) == (["Held three."], 1)
    assert len(await db.all_claims(HOME)) == 3


async def test_two_presses_at_once_store_the_batch_once(db: Database) -> None:
    document_id = await submit(db, HOME, HELD)
    batch = await db.held_batch(HOME, document_id, limit=3)
    assert batch is not None

    outcomes = await asyncio.gather(*(db.store_held(HOME, batch, new(batch)) for _ in range(2)))

    assert sorted(outcome is None for outcome in outcomes) == [False, True]
    assert [c.text for c in await db.all_claims(HOME)] == [
        "Posted one.",
        "Held one.",
        "Held two.",
        "Held three.",
    ]


async def test_a_held_claim_already_in_the_server_is_pointed_at(db: Database) -> None:
    document_id = await submit(db, HOME, [held("Posted one.", 0.9)])
    batch = await db.held_batch(HOME, document_id, limit=1)
    assert batch is not None

    stored = await db.store_held(HOME, batch, new(batch))

    assert stored is not None
    created, existing = stored
    assert (created, [c.text for c in existing]) == ([], ["Posted one."])
    empty = await db.held_batch(HOME, document_id, limit=1)
    assert empty is not None and empty.held == 0
