"""Migrations: applied in order, once, atomically; a database from the future is refused."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.models import GuildConfig
from bot.storage import Database, SchemaError, load_migrations

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
        async with db._conn.execute("PRAGMA journal_mode") as cur:
            journal = (await cur.fetchone())[0]
        async with db._conn.execute("PRAGMA foreign_keys") as cur:
            foreign_keys = (await cur.fetchone())[0]
        assert journal == "wal"
        assert foreign_keys == 1
        assert await db.integrity_check() == "ok"
    finally:
        await db.close()


async def test_guild_config_round_trip_and_audit(tmp_path: Path) -> None:
    path = tmp_path / "guilds.db"
    db = await Database.open(path)
    config = GuildConfig(
        guild_id=10, review_channel_id=20, reviewer_role_id=30, options={"max_claims": 5}
    )
    await db.save_guild_config(config, actor_id=99)
    await db.close()

    db = await Database.open(path)
    try:
        assert await db.get_guild_config(10) == config
        assert await db.get_guild_config(11) is None
        entries = await db.audit_entries(10)
        assert [(e["actor_id"], e["action"]) for e in entries] == [(99, "setup")]
        assert await db.audit_entries(11) == []
    finally:
        await db.close()
