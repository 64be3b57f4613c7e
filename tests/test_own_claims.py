"""The matcher of a server's own claims: rebuilt only when the server has a new claim, one
per server, and a server never finds another's claims."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core.records import NewClaim, NewDocument
from bot.core.sameness import normalize_claim
from bot.services import suggestions
from bot.services.suggestions import OwnClaims
from bot.storage import Database

HOME, RIVAL = 111, 222
BRIDGE = "The Old Mill bridge in Dunmore was closed after engineers found cracks in 2024."
REWORDED = "Engineers found cracks in the Old Mill bridge in Dunmore, which closed in 2024."


@pytest.fixture
async def db(database_location: Path | str) -> AsyncIterator[Database]:
    database = await Database.open(database_location)
    yield database
    await database.close()


async def store(db: Database, guild_id: int, text: str) -> int:
    document = NewDocument(guild_id=guild_id, submitter_id=5, kind="manual", content_hash=text)
    _, created, _ = await db.store_submission(
        document,
        [NewClaim(text=text, normalized=normalize_claim(text), language="en")],
        origin_url=None,
        origin_title=None,
    )
    return created[0].id


async def test_rebuilt_only_for_a_new_claim_and_per_server(db: Database) -> None:
    own = OwnClaims(db)
    assert await own.search(HOME, REWORDED, "en") == []
    assert own.builds == 1
    bridge = await store(db, HOME, BRIDGE)
    await store(db, HOME, "The harbour ferry carried 1,200 passengers on Sunday.")
    found = await own.search(HOME, REWORDED, "en")
    assert found[0][0].id == bridge
    await own.search(HOME, "ferry passengers", "en")
    assert own.builds == 2
    assert await own.search(RIVAL, REWORDED, "en") == []
    assert own.builds == 3


async def test_the_least_recently_used_server_is_dropped(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(suggestions, "OWN_MATCHERS_KEPT", 2)
    own = OwnClaims(db)
    for guild in (1, 2, 3):
        await store(db, guild, BRIDGE)
        await own.search(guild, REWORDED, "en")
    await own.search(3, REWORDED, "en")
    assert own.builds == 3
    await own.search(1, REWORDED, "en")  # dropped when server 3 came: built again
    assert own.builds == 4
