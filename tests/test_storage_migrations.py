"""Migrations: applied in order, once, atomically; a database from the future is refused.
The SQLite file's own checks (WAL, its path, the upgrade of old files) are SQLite only; the
PostgreSQL twins have theirs in tests/test_storage_postgresql.py."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

import pytest

import bot.storage.connection
from bot.core.records import GuildConfig
from bot.storage import (
    Database,
    DatabaseUnusable,
    SchemaError,
    load_migrations,
)
from bot.storage.connection import _sql_statements, fetch_one

EXPECTED_TABLES = {
    "schema_migrations",
    "guild_settings",
    "documents",
    "claims",
    "vote_events",
    "claim_votes",
    "evidence",
    "moderation_events",
    "audit_log",
}


def table_names(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return {name for (name,) in rows if not name.startswith("sqlite_")}


async def test_applies_every_migration_to_an_empty_database(tmp_path: Path) -> None:
    path = tmp_path / "fresh.db"
    db = await Database.open(path, migrate=False)
    applied = await db.migrate()
    version = await db.schema_version()
    await db.close()

    assert applied == [m.version for m in load_migrations()]
    assert version == load_migrations()[-1].version
    assert table_names(path) >= EXPECTED_TABLES


async def test_reapplying_is_a_no_op(tmp_path: Path) -> None:
    path = tmp_path / "twice.db"
    db = await Database.open(path)
    await db.close()
    db = await Database.open(path, migrate=False)
    applied_again = await db.migrate()
    await db.close()

    assert applied_again == []
    with sqlite3.connect(path) as conn:
        count = conn.execute("SELECT count(*) FROM schema_migrations").fetchone()[0]
    assert count == len(load_migrations())


async def test_refuses_a_database_from_the_future(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    db = await Database.open(path)
    await db.close()
    with sqlite3.connect(path) as conn:
        conn.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'later', 0)"
        )

    with pytest.raises(SchemaError, match=r"schema version 999.*upgrade claimbot"):
        await Database.open(path)


async def test_wal_and_foreign_keys_are_on(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "pragmas.db")
    try:
        journal_row = await db._read(fetch_one, "PRAGMA journal_mode")
        foreign_keys_row = await db._read(fetch_one, "PRAGMA foreign_keys")
        assert journal_row is not None and foreign_keys_row is not None
        journal, foreign_keys = journal_row[0], foreign_keys_row[0]
        assert journal == "wal"
        assert foreign_keys == 1
        assert await db.integrity_check() == "ok"
    finally:
        await db.close()


async def test_guild_config_round_trip_and_audit(database_location: Path | str) -> None:
    db = await Database.open(database_location)
    config = GuildConfig(
        guild_id=10, review_channel_id=20, reviewer_role_id=30, options={"max_claims": 5}
    )
    await db.save_guild_config(config, actor_id=99)
    await db.close()

    db = await Database.open(database_location)
    try:
        assert await db.get_guild_config(10) == config
        assert await db.get_guild_config(11) is None
        entries = await db.audit_entries(10)
        assert [(e["actor_id"], e["action"]) for e in entries] == [(99, "setup")]
        assert await db.audit_entries(11) == []
    finally:
        await db.close()


def migrate_from_threads(path: Path, openers: int) -> list[tuple[list[int], int] | BaseException]:
    """`openers` threads, each with its own connection, released at once to open and
    migrate `path`: (versions applied, final version) or the exception, per thread."""
    barrier = threading.Barrier(openers)
    results: list[tuple[list[int], int] | BaseException] = []

    async def migrate_once() -> tuple[list[int], int]:
        db = await Database.open(path, migrate=False)
        try:
            return await db.migrate(), await db.schema_version()
        finally:
            await db.close()

    def opener() -> None:
        barrier.wait()
        try:
            results.append(asyncio.run(migrate_once()))
        except BaseException as exc:  # reported by the caller's assert
            results.append(exc)

    threads = [threading.Thread(target=opener) for _ in range(openers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_concurrent_migrations_on_a_fresh_file_all_succeed(tmp_path: Path) -> None:
    """Each opener reads the applied versions inside the write transaction, so a migration
    another connection applied meanwhile is skipped instead of failing ("already exists")."""
    newest = load_migrations()[-1].version
    for attempt in range(6):
        path = tmp_path / f"race{attempt}.db"
        results = migrate_from_threads(path, openers=8)
        assert [r for r in results if isinstance(r, BaseException)] == []
        outcomes = [r for r in results if not isinstance(r, BaseException)]
        assert {version for _, version in outcomes} == {newest}
        applied = sorted(v for versions, _ in outcomes for v in versions)
        assert applied == list(range(1, newest + 1))  # each migration applied exactly once
        with sqlite3.connect(path) as conn:
            rows = conn.execute("SELECT version FROM schema_migrations ORDER BY 1").fetchall()
        assert [v for (v,) in rows] == list(range(1, newest + 1))


def test_sql_statements_split_where_sqlite_does() -> None:
    script = (
        "-- a comment; with a semicolon\n"
        "CREATE TABLE t (a TEXT DEFAULT 'x;y');\n"
        "CREATE TRIGGER t_ins AFTER INSERT ON t BEGIN\n"
        "  INSERT INTO t (a) VALUES ('inner;');\n"
        "  SELECT 1;\n"
        "END;\n"
        "/* block; comment */ CREATE INDEX t_a ON t (a);\n"
        "-- trailing comment\n"
    )
    assert _sql_statements(script) == [
        "-- a comment; with a semicolon\nCREATE TABLE t (a TEXT DEFAULT 'x;y');",
        "\nCREATE TRIGGER t_ins AFTER INSERT ON t BEGIN\n  INSERT INTO t (a) VALUES ('inner;');\n"
        "  SELECT 1;\nEND;",
        "\n/* block; comment */ CREATE INDEX t_a ON t (a);",
        "\n-- trailing comment\n",
    ]


async def test_unusable_paths_are_one_line_errors(tmp_path: Path) -> None:
    (tmp_path / "text.db").write_text("not a database\n" * 100)
    (tmp_path / "folder.db").mkdir()
    (tmp_path / "file").write_text("x")
    db = await Database.open(tmp_path / "good.db")
    await db.close()
    (tmp_path / "cut.db").write_bytes((tmp_path / "good.db").read_bytes()[:6000])
    cases = {
        tmp_path / "text.db": "it is not an SQLite database, or it is damaged",
        tmp_path / "cut.db": "it is not an SQLite database, or it is damaged",
        tmp_path / "folder.db": "it is a directory, not a database file",
        tmp_path / "file" / "x.db": f"{tmp_path / 'file'} is a file, not a directory",
        tmp_path / "file" / "sub" / "x.db": f"{tmp_path / 'file'} is a file, not a directory",
    }
    for path, reason in cases.items():
        with pytest.raises(DatabaseUnusable) as info:
            await Database.open(path)
        assert str(info.value) == f"Cannot use the database {path}: {reason}."


async def test_the_rule_that_decided_a_status_is_stored_from_migration_7_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A version-6 database gains `status_rule`, '' for its claims until they are
    recomputed; `save_statuses` stores the rule with the status."""
    path = tmp_path / "v6.db"
    monkeypatch.setattr(
        bot.storage.connection,
        "load_migrations",
        lambda dialect="sqlite": load_migrations(dialect)[:6],
    )
    await (await Database.open(path)).close()
    monkeypatch.undo()
    with sqlite3.connect(path) as old:
        old.execute(
            "INSERT INTO claims (id, guild_id, number, text, normalized, submitter_id,"
            " created_at, updated_at) VALUES (3, 1, 1, 'Old claim.', 'old', 9, 1.0, 1.0)"
        )

    db = await Database.open(path)
    try:
        assert await db.schema_version() == len(load_migrations())
        before = await db.get_claim(1, 3)
        assert before is not None and before.status_rule == ""
        await db.save_statuses([(3, "disputed", 0.4, "split", False, "no_consensus")])
        after = await db.get_claim(1, 3)
        assert after is not None
        assert (after.status, after.explanation, after.status_rule) == (
            "disputed",
            "split",
            "no_consensus",
        )
    finally:
        await db.close()


async def test_migration_12_numbers_existing_sources_per_claim_in_id_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A version-11 database's sources, removed ones included, become #1..n on each claim
    in the order they were added; the next source of a claim continues after the last."""
    path = tmp_path / "v11.db"
    monkeypatch.setattr(
        bot.storage.connection,
        "load_migrations",
        lambda dialect="sqlite": load_migrations(dialect)[:11],
    )
    await (await Database.open(path)).close()
    monkeypatch.undo()
    with sqlite3.connect(path) as old:
        old.executemany(
            "INSERT INTO claims (id, guild_id, number, text, normalized, submitter_id,"
            " created_at, updated_at) VALUES (?, ?, 1, ?, ?, 9, 1.0, 1.0)",
            [(1, 100, "Home claim.", "home"), (2, 200, "Rival claim.", "rival")],
        )
        rows = [  # (id, claim_id, path, removed_at): the two claims' rows interleaved
            (11, 1, "a", None),
            (12, 2, "b", None),
            (13, 1, "c", 5.0),
            (14, 2, "c", None),
            (15, 1, "c", None),  # the removed link, linked again
            (16, 1, "d", None),
        ]
        old.executemany(
            "INSERT INTO evidence (id, guild_id, claim_id, url, normalized_url, stance,"
            " added_by, created_at, removed_at) VALUES (?, 100 * ?, ?, ?, ?, 'supports', 9,"
            " 1.0, ?)",
            [
                (id_, claim, claim, f"https://x.example/{p}", f"https://x.example/{p}", removed)
                for id_, claim, p, removed in rows
            ],
        )

    db = await Database.open(path)
    try:
        assert await db.schema_version() == len(load_migrations())
        with sqlite3.connect(path) as conn:
            numbered = conn.execute("SELECT id, claim_id, number FROM evidence ORDER BY id")
            assert numbered.fetchall() == [
                (11, 1, 1),
                (12, 2, 1),
                (13, 1, 2),
                (14, 2, 2),
                (15, 1, 3),
                (16, 1, 4),
            ]
        assert [(e.id, e.number) for e in await db.evidence_for(1)] == [(11, 1), (15, 3), (16, 4)]
        added, created = await db.add_evidence(
            guild_id=100,
            claim_id=1,
            url="https://x.example/e",
            normalized_url="https://x.example/e",
            stance="refutes",
            note=None,
            added_by=9,
            origin="command",
        )
        assert (created, added.number) == (True, 5)
        with pytest.raises(sqlite3.IntegrityError), sqlite3.connect(path) as conn:
            conn.execute(
                "INSERT INTO evidence (guild_id, claim_id, number, url, normalized_url,"
                " stance, added_by, created_at) VALUES (100, 1, 5, 'u', 'u', 'context', 9, 1)"
            )
    finally:
        await db.close()


def columns(path: Path, table: str) -> list[str]:
    with sqlite3.connect(path) as conn:
        return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]


async def test_migration_13_keeps_old_data_under_the_glossary_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A version-12 database's speakers, origins and votes come back under the new names:
    the claim record, the vote tallies, the rebuilt search index (it reads `speaker`), the
    CHECK on a vote event and the index of current votes all follow the rename."""
    path = tmp_path / "v12.db"
    monkeypatch.setattr(
        bot.storage.connection,
        "load_migrations",
        lambda dialect="sqlite": load_migrations(dialect)[:12],
    )
    await (await Database.open(path)).close()
    monkeypatch.undo()
    with sqlite3.connect(path) as old:  # rows as the schema-12 claimbot wrote them
        old.execute(
            "INSERT INTO claims (id, guild_id, number, text, normalized, attribution,"
            " source_url, source_title, submitter_id, created_at, updated_at) VALUES (4, 100, 1,"
            " 'The ferry carried 9,000 riders in May.', 'ferry', 'Harbour Authority',"
            " 'https://news.example/ferry', 'Ferry figures', 9, 1.0, 1.0)"
        )
        old.executemany(
            "INSERT INTO vote_events (id, guild_id, claim_id, reviewer_id, verdict, created_at)"
            " VALUES (?, 100, 4, ?, ?, ?)",
            [(1, 7, "supported", 1.0), (2, 7, "refuted", 2.0), (3, 8, "misleading", 3.0)],
        )
        old.executemany(
            "INSERT INTO claim_votes (claim_id, reviewer_id, verdict, event_id, updated_at)"
            " VALUES (4, ?, ?, ?, ?)",
            [(7, "refuted", 2, 2.0), (8, "misleading", 3, 3.0)],
        )

    db = await Database.open(path)  # migrates, then fills the search index from `speaker`
    try:
        assert await db.schema_version() == len(load_migrations())
        claim = await db.get_claim(100, 4)
        assert claim is not None
        assert (claim.speaker, claim.origin_url, claim.origin_title) == (
            "Harbour Authority",
            "https://news.example/ferry",
            "Ferry figures",
        )
        assert await db.vote_counts(4) == {"refuted": 1, "misleading": 1}
        assert await db.vote_events(4) == [
            (1, 7, "supported", 1.0),
            (2, 7, "refuted", 2.0),
            (3, 8, "misleading", 3.0),
        ]
        assert await db.rebuild_current_votes() == 2
        assert await db.current_votes(4) == {7: "refuted", 8: "misleading"}
        found = await db.search_claims(100, ["harbour"], limit=5)
        assert [c.id for c in found] == [4]
    finally:
        await db.close()

    assert "speaker" in columns(path, "claims") and "attribution" not in columns(path, "claims")
    assert {"origin_url", "origin_title"} <= set(columns(path, "claims"))
    assert not {"source_url", "source_title"} & set(columns(path, "claims"))
    assert "vote" in columns(path, "vote_events") and "verdict" not in columns(path, "vote_events")
    assert "vote" in columns(path, "claim_votes") and "verdict" not in columns(path, "claim_votes")
    with sqlite3.connect(path) as conn:
        indexes = {name for (name,) in conn.execute("SELECT name FROM sqlite_master")}
        assert "claim_votes_by_claim_vote" in indexes
        assert "claim_votes_by_claim_verdict" not in indexes
        plan = conn.execute(
            "EXPLAIN QUERY PLAN SELECT vote, count(*) FROM claim_votes WHERE claim_id = 4"
            " GROUP BY vote"
        ).fetchall()
        assert any("claim_votes_by_claim_vote" in row[3] for row in plan), plan
        with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
            conn.execute(
                "INSERT INTO vote_events (guild_id, claim_id, reviewer_id, vote, created_at)"
                " VALUES (100, 4, 9, 'maybe', 4.0)"
            )
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
