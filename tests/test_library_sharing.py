"""One fact-check library for every process on a database: the importer builds and saves a
scope's index, the others load it at their next poll and never build it; a load that finds
the saved index replaced under it keeps serving the old one; when the importer died, exactly
one process rebuilds once its lease has lapsed. Each "process" is a FactCheckLibrary on its own
connection to one SQLite file; their clock is a ManualClock, so no test waits for real time."""

from __future__ import annotations

import asyncio
import io
import json
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core.records import ALL_SERVERS, NewFactCheck
from bot.core.shards import ShardScope, shard_of
from bot.services.factcheck_import import FactCheckImporter
from bot.services.factcheck_library import REBUILD_LEASE_SECONDS, FactCheckLibrary
from bot.storage import Database
from tests.support.backends import execute_directly
from tests.support.clock import ManualClock

BRIDGE = "The Old Mill bridge in Dunmore was closed for repairs in May."
FROGS = "It rained frogs over Lisbon during the 2021 carnival."
SHARKS = "Sharks swam along the flooded highway in Houston after the storm."


def feed(*claims: tuple[str, str]) -> bytes:
    return json.dumps(
        [{"@type": "ClaimReview", "url": url, "claimReviewed": text} for url, text in claims]
    ).encode()


def fact_check(url: str, claim: str) -> NewFactCheck:
    return NewFactCheck(url, claim, None, "Desk", None, "False", None, None, None, None, "en")


async def urls(library: FactCheckLibrary, query: str) -> list[str]:
    return [m.fact_check.url for m in await library.similar(None, query)]


@pytest.fixture
def clock() -> ManualClock:
    # Wall time: leases are compared with the times the database stores.
    return ManualClock(time.time())


@pytest.fixture
async def connections(database_location: Path | str) -> AsyncIterator[list[Database]]:
    """Three connections to one database, as three processes hold them."""
    opened = [await Database.open(database_location) for _ in range(3)]
    yield opened
    for db in opened:
        await db.close()


async def import_feed(library: FactCheckLibrary, db: Database, data: bytes) -> None:
    importer = FactCheckImporter(db, library)
    try:
        await importer.import_stream(
            ALL_SERVERS, io.BytesIO(data), imported_by=None, max_bytes=10**6
        )
    finally:
        await importer.close()


async def test_an_import_through_one_process_is_loaded_by_the_other_at_its_next_poll(
    connections: list[Database], clock: ManualClock
) -> None:
    importer_db, reader_db, _ = connections
    importer = FactCheckLibrary(importer_db, clock=clock)
    reader = FactCheckLibrary(reader_db, clock=clock)
    await import_feed(importer, importer_db, feed(("https://a.test/bridge", BRIDGE)))
    assert importer.builds == 1
    await reader.load()
    assert (reader.builds, reader.version(ALL_SERVERS)) == (0, 1)

    await import_feed(importer, importer_db, feed(("https://a.test/frogs", FROGS)))
    assert (importer.builds, importer.version(ALL_SERVERS)) == (2, 2)
    # Until its next poll the reader searches the index it holds.
    assert await urls(reader, "frogs fell on Lisbon at the carnival") == []
    await reader.refresh()
    assert await urls(reader, "frogs fell on Lisbon at the carnival") == ["https://a.test/frogs"]
    assert (reader.builds, reader.version(ALL_SERVERS), len(reader)) == (0, 2, 2)
    # A poll with nothing new loads nothing and builds nothing.
    statements: list[str] = []
    await reader_db.trace_statements(statements.append)
    await reader.refresh()
    await reader_db.trace_statements(None)
    assert len(statements) == 1 and "FROM fact_check_versions" in statements[0]
    assert reader.builds == 0


async def test_a_saved_index_emptied_mid_load_leaves_the_old_one_serving(
    connections: list[Database], clock: ManualClock, database_location: Path | str
) -> None:
    importer_db, reader_db, _ = connections
    importer = FactCheckLibrary(importer_db, clock=clock)
    reader = FactCheckLibrary(reader_db, clock=clock)
    await import_feed(importer, importer_db, feed(("https://a.test/bridge", BRIDGE)))
    await reader.load()
    await import_feed(importer, importer_db, feed(("https://a.test/sharks", SHARKS)))

    # Between the reader's read of the saved header (version 2) and of its parts, the
    # importer starts saving again: it holds the lease and its parts are not written yet.
    def replaced_meanwhile(statement: str) -> None:
        if "FROM fact_check_index_parts" not in statement:
            return
        execute_directly(
            database_location,
            "UPDATE fact_check_versions SET rebuilder = ?, rebuild_until = ?",
            (importer.rebuilder, clock.now() + REBUILD_LEASE_SECONDS),
        )
        execute_directly(database_location, "DELETE FROM fact_check_index_parts")

    await reader_db.trace_statements(replaced_meanwhile)
    await reader.refresh()
    await reader_db.trace_statements(None)
    assert (reader.version(ALL_SERVERS), reader.builds) == (1, 0)
    assert await urls(reader, "the Old Mill bridge closed for repairs") == ["https://a.test/bridge"]
    assert await urls(reader, "a shark on the flooded Houston highway") == []

    await importer.rebuild(ALL_SERVERS)  # its save completes
    await reader.refresh()
    assert (reader.version(ALL_SERVERS), reader.builds) == (2, 0)
    assert await urls(reader, "a shark on the flooded Houston highway") == ["https://a.test/sharks"]


async def test_a_newer_save_between_header_and_parts_is_not_mixed_into_the_old(
    connections: list[Database], clock: ManualClock, database_location: Path | str
) -> None:
    importer_db, reader_db, _ = connections
    importer = FactCheckLibrary(importer_db, clock=clock)
    reader = FactCheckLibrary(reader_db, clock=clock)
    await import_feed(importer, importer_db, feed(("https://a.test/bridge", BRIDGE)))
    await reader.load()
    await import_feed(importer, importer_db, feed(("https://a.test/sharks", SHARKS)))

    # The reader has read the header of version 2; version 3 is saved before it reads the
    # parts (as another import's save would be: same arrays here, under a new version).
    def saved_meanwhile(statement: str) -> None:
        if "FROM fact_check_index_parts" not in statement:
            return
        for table in ("fact_check_versions", "fact_check_indexes", "fact_check_index_parts"):
            execute_directly(database_location, f"UPDATE {table} SET version = 3")

    await reader_db.trace_statements(saved_meanwhile)
    await reader.refresh()
    await reader_db.trace_statements(None)
    # Header 2 with parts 3 would be a mix: the reader kept version 1, and did not rebuild
    # (another index was saved since its poll).
    assert (reader.version(ALL_SERVERS), reader.builds) == (1, 0)
    assert await urls(reader, "a shark on the flooded Houston highway") == []
    await reader.refresh()
    assert (reader.version(ALL_SERVERS), reader.builds) == (3, 0)
    assert await urls(reader, "a shark on the flooded Houston highway") == ["https://a.test/sharks"]


async def test_when_the_importer_died_exactly_one_process_rebuilds_after_its_lease(
    connections: list[Database], clock: ManualClock
) -> None:
    dead_db, first_db, second_db = connections
    await dead_db.import_fact_checks(
        ALL_SERVERS, [fact_check("https://a.test/bridge", BRIDGE)], imported_by=None
    )
    first = FactCheckLibrary(first_db, clock=clock)
    second = FactCheckLibrary(second_db, clock=clock)
    await first.rebuild(ALL_SERVERS)
    await second.load()
    # The importer takes the lease, writes, and dies before its index is saved.
    await dead_db.take_fact_check_rebuild(
        ALL_SERVERS, "dead importer", clock.now() + REBUILD_LEASE_SECONDS
    )
    await dead_db.import_fact_checks(
        ALL_SERVERS, [fact_check("https://a.test/frogs", FROGS)], imported_by=None
    )

    clock.advance(REBUILD_LEASE_SECONDS - 1)  # still building, as far as anyone knows
    await asyncio.gather(first.refresh(), second.refresh())
    assert (first.builds, second.builds) == (1, 0)
    assert (first.version(ALL_SERVERS), second.version(ALL_SERVERS)) == (1, 1)

    clock.advance(1)  # the lease lapsed: both see it, one claims it
    await asyncio.gather(first.refresh(), second.refresh())
    await asyncio.gather(first.refresh(), second.refresh())  # the other loads what it saved
    assert first.builds + second.builds == 2  # the first start's build, and this one
    assert (first.version(ALL_SERVERS), second.version(ALL_SERVERS)) == (2, 2)
    for library in (first, second):
        assert await urls(library, "frogs fell on Lisbon at the carnival") == [
            "https://a.test/frogs"
        ]
    versions = await first_db.fact_check_library_versions()
    assert [(v.version, v.saved_version, v.rebuilder) for v in versions] == [(2, 2, None)]


async def test_a_live_importer_renews_its_lease_so_nobody_else_builds(
    connections: list[Database], clock: ManualClock
) -> None:
    importer_db, reader_db, _ = connections
    importer = FactCheckLibrary(importer_db, clock=clock)
    reader = FactCheckLibrary(reader_db, clock=clock)
    async with importer.importing(ALL_SERVERS) as hold:
        await importer_db.import_fact_checks(
            ALL_SERVERS, [fact_check("https://a.test/bridge", BRIDGE)], imported_by=None
        )
        await hold.written()
        for _ in range(3):  # a long import: each batch past half the lease renews it
            clock.advance(REBUILD_LEASE_SECONDS * 0.6)
            await importer_db.import_fact_checks(
                ALL_SERVERS, [fact_check("https://a.test/frogs", FROGS)], imported_by=None
            )
            await hold.written()
            await reader.refresh()
        assert (reader.builds, reader.version(ALL_SERVERS)) == (0, None)
    assert importer.builds == 1
    await reader.refresh()
    assert (reader.builds, reader.version(ALL_SERVERS), len(reader)) == (0, 4, 2)


async def test_a_process_holds_only_its_shards_servers_and_the_all_servers_scope(
    connections: list[Database], clock: ManualClock
) -> None:
    db = connections[0]
    ours, theirs = 1 << 22, 2 << 22  # shards 1 and 0 of 2
    assert (shard_of(ours, 2), shard_of(theirs, 2)) == (1, 0)
    for scope in (ALL_SERVERS, ours, theirs):
        await db.import_fact_checks(
            scope, [fact_check(f"https://{scope}.test/bridge", BRIDGE)], imported_by=None
        )
    library = FactCheckLibrary(db, clock=clock, shards=ShardScope(2, (1,)))
    await library.load()
    held = [library.version(scope) for scope in (ALL_SERVERS, ours, theirs)]
    assert (held, library.builds) == ([1, 1, None], 2)
