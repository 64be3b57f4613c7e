"""The fact-check library in storage and in memory: imports update by url, each server sees
its own imports and those for all servers, suggestions are shown once and answered once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core.records import ALL_SERVERS, NewClaim, NewDocument, NewFactCheck
from bot.core.sameness import SUGGESTION_THRESHOLD
from bot.services.factcheck_library import FactCheckLibrary
from bot.storage import Database

HOME, RIVAL = 111, 222


def fact_check(
    url: str, claim: str, rating: str = "False", publisher: str = "Desk"
) -> NewFactCheck:
    return NewFactCheck(
        url=url,
        claim_reviewed=claim,
        title=None,
        publisher=publisher,
        published="2026-03-01",
        rating_name=rating,
        rating_value=None,
        best_rating=None,
        worst_rating=None,
        claimant=None,
        language="en",
    )


@pytest.fixture
async def db(database_location: Path | str) -> AsyncIterator[Database]:
    database = await Database.open(database_location)
    yield database
    await database.close()


async def test_reimporting_a_url_updates_it(db: Database) -> None:
    first = await db.import_fact_checks(
        ALL_SERVERS,
        [
            fact_check("https://a.test/1", "Bridges melt in June."),
            fact_check("https://a.test/2", "x"),
        ],
        imported_by=None,
    )
    again = await db.import_fact_checks(
        ALL_SERVERS,
        [fact_check("https://a.test/1", "Bridges melt in July.", "True")],
        imported_by=7,
    )
    assert (first.added, first.updated, again.added, again.updated) == (2, 0, 0, 1)
    page = await db.fact_checks_in_scope(ALL_SERVERS)
    assert [(fc.url, fc.claim_reviewed, fc.rating_name, fc.imported_by) for fc in page] == [
        ("https://a.test/1", "Bridges melt in July.", "True", 7),
        ("https://a.test/2", "x", "False", None),
    ]


async def test_a_server_sees_its_imports_and_those_for_all(db: Database) -> None:
    await db.import_fact_checks(HOME, [fact_check("https://h.test/1", "Home only.")], imported_by=1)
    await db.import_fact_checks(
        ALL_SERVERS,
        [fact_check("https://all.test/1", "Everyone.", publisher="Wire")],
        imported_by=None,
    )
    home, rival = await db.library_stats(HOME), await db.library_stats(RIVAL)
    assert (home.fact_checks, home.publishers) == (2, [("Desk", 1), ("Wire", 1)])
    assert (rival.fact_checks, rival.publishers) == (1, [("Wire", 1)])
    home_id = (await db.fact_checks_in_scope(HOME))[0].id
    assert await db.get_fact_check(RIVAL, home_id) is None
    found = await db.get_fact_check(HOME, home_id)
    assert found is not None and found.claim_reviewed == "Home only."
    versions = await db.fact_check_library_versions()
    assert [(v.scope, v.version, v.saved_version) for v in versions] == [
        (ALL_SERVERS, 1, None),
        (HOME, 1, None),
    ]


async def test_a_suggestion_is_shown_once_and_answered_once_with_an_audit(db: Database) -> None:
    await db.import_fact_checks(HOME, [fact_check("https://h.test/1", "A claim.")], imported_by=1)
    fc_id = (await db.fact_checks_in_scope(HOME))[0].id
    document = NewDocument(guild_id=HOME, submitter_id=5, kind="text", content_hash="h")
    _, created, _ = await db.store_submission(
        document,
        [NewClaim(text="A claim.", normalized="a claim")],
        origin_url=None,
        origin_title=None,
    )
    claim_id = created[0].id
    shown = await db.add_suggestion(
        guild_id=HOME, claim_id=claim_id, score=0.9, fact_check_id=fc_id
    )
    assert shown is not None and (shown.fact_check_id, shown.answer) == (fc_id, None)
    assert (
        await db.add_suggestion(guild_id=HOME, claim_id=claim_id, score=0.8, fact_check_id=fc_id)
        is None
    )
    assert await db.answer_suggestion(RIVAL, shown.id, "same", 9) is None
    answered = await db.answer_suggestion(HOME, shown.id, "not_same", 9)
    assert answered is not None and (answered.answer, answered.answered_by) == ("not_same", 9)
    assert await db.answer_suggestion(HOME, shown.id, "same", 9) is None
    entries = await db.audit_entries(HOME)
    assert [(e["action"], e["actor_id"], e["detail"]["fact_check"]) for e in entries] == [
        ("suggestion_not_same", 9, fc_id)
    ]


async def test_the_library_matches_within_what_a_server_may_see(db: Database) -> None:
    await db.import_fact_checks(
        ALL_SERVERS,
        [
            fact_check("https://all.test/bridge", "The Old Mill bridge was closed for repairs."),
            fact_check("https://all.test/rain", "It rained frogs over Lisbon in 2021."),
        ],
        imported_by=None,
    )
    await db.import_fact_checks(
        HOME,
        [fact_check("https://h.test/vaccine", "The new vaccine changes your DNA.")],
        imported_by=1,
    )
    library = FactCheckLibrary(db)
    await library.load()
    assert len(library) == 3
    home = await library.similar(HOME, "Does the new vaccine change people's DNA?")
    assert home[0].fact_check.url == "https://h.test/vaccine"
    rival = await library.similar(RIVAL, "Does the new vaccine change people's DNA?")
    assert "https://h.test/vaccine" not in [m.fact_check.url for m in rival]
    frogs = await library.similar(RIVAL, "Frogs fell from the sky in Lisbon in 2021")
    assert frogs[0].fact_check.url == "https://all.test/rain"
    assert await library.similar(HOME, "   ") == []


async def test_a_restart_loads_the_saved_index_instead_of_reading_every_fact_check(
    db: Database,
) -> None:
    await db.import_fact_checks(
        ALL_SERVERS,
        [
            fact_check("https://all.test/bridge", "The Old Mill bridge was closed for repairs."),
            fact_check("https://all.test/rain", "It rained frogs over Lisbon in 2021."),
        ],
        imported_by=None,
    )
    first = FactCheckLibrary(db)
    await first.load()
    statements: list[str] = []
    await db.trace_statements(statements.append)
    again = FactCheckLibrary(db)
    await again.load()
    await db.trace_statements(None)
    assert [s for s in statements if "FROM fact_checks WHERE scope = ? AND id >" in s] == []
    assert [s for s in statements if "fact_check_index_parts" in s] != []
    assert len(again) == 2
    found = await again.similar(HOME, "Frogs fell from the sky in Lisbon in 2021")
    before = await first.similar(HOME, "Frogs fell from the sky in Lisbon in 2021")
    assert [(m.fact_check.url, m.score) for m in found] == [
        (m.fact_check.url, m.score) for m in before
    ]
    assert found[0].fact_check.url == "https://all.test/rain"


async def test_a_start_after_an_import_rebuilds_the_stale_index(db: Database) -> None:
    await db.import_fact_checks(
        HOME, [fact_check("https://h.test/bridge", "The Old Mill bridge is closed.")], imported_by=1
    )
    await FactCheckLibrary(db).load()
    # Imported while the bot was down (by the CLI): the saved index no longer fits.
    await db.import_fact_checks(
        HOME, [fact_check("https://h.test/rain", "It rained frogs over Lisbon.")], imported_by=None
    )
    library = FactCheckLibrary(db)
    await library.load()
    assert len(library) == 2
    found = await library.similar(HOME, "frogs rained on Lisbon")
    assert found[0].fact_check.url == "https://h.test/rain"


async def test_a_saved_index_of_another_format_is_rebuilt(db: Database) -> None:
    await db.import_fact_checks(
        HOME, [fact_check("https://h.test/rain", "It rained frogs over Lisbon.")], imported_by=None
    )
    state = await db.fact_check_scope_state(HOME)
    await db.save_fact_check_index(
        HOME, state, '{"format": "old"}', [("keys", b"\0")], rebuilder="an older claimbot"
    )
    library = FactCheckLibrary(db)
    await library.load()
    found = await library.similar(HOME, "frogs rained on Lisbon")
    assert [m.fact_check.url for m in found] == ["https://h.test/rain"]
    saved = await db.saved_fact_check_index(HOME)
    assert saved is not None and saved.header != '{"format": "old"}'


async def test_an_updated_fact_check_is_scored_on_its_new_text(db: Database) -> None:
    bridge = "https://h.test/bridge"
    await db.import_fact_checks(
        HOME,
        [
            fact_check(bridge, "The Old Mill bridge was closed for repairs in May."),
            fact_check("https://h.test/dna", "The new vaccine changes your DNA."),
        ],
        imported_by=1,
    )
    library = FactCheckLibrary(db)
    await library.load()
    old_query = "Old Mill bridge closed for repairs in May"
    assert (await library.similar(HOME, old_query))[0].score >= SUGGESTION_THRESHOLD
    await db.import_fact_checks(
        HOME,
        [fact_check(bridge, "Sharks swam along the flooded highway in Houston.")],
        imported_by=1,
    )
    # Before the index is rebuilt, the old text may still make it a candidate, but it is
    # scored (and shown) as it reads now.
    stale = await library.similar(HOME, old_query)
    assert [m.fact_check.claim_reviewed for m in stale if m.fact_check.url == bridge] == [
        "Sharks swam along the flooded highway in Houston."
    ]
    assert all(m.score < SUGGESTION_THRESHOLD for m in stale)
    await library.rebuild(HOME)
    assert [m.fact_check.url for m in await library.similar(HOME, old_query)] == []
    sharks = await library.similar(HOME, "A shark on the flooded Houston highway")
    assert sharks[0].fact_check.url == bridge and sharks[0].score >= SUGGESTION_THRESHOLD
    assert len(library) == 2


async def test_a_url_twice_in_one_batch_is_one_fact_check_added_then_updated(db: Database) -> None:
    result = await db.import_fact_checks(
        ALL_SERVERS,
        [fact_check("https://a.test/1", "First."), fact_check("https://a.test/1", "Second.")],
        imported_by=None,
    )
    assert (result.added, result.updated) == (1, 1)
    assert [fc.claim_reviewed for fc in await db.fact_checks_in_scope(ALL_SERVERS)] == ["Second."]
