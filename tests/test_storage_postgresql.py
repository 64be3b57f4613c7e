"""What only the PostgreSQL backend has: its migration twins, concurrent migrations from
several hosts, its one-line errors (never a password), the shard locks as advisory locks, and
every CLI command against DATABASE_URL. The storage contract itself runs on both backends
through `database_location` (tests/support/backends.py)."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from bot.core.records import NewClaim, NewDocument
from bot.core.shards import ShardScope
from bot.storage import (
    Database,
    DatabaseInUse,
    DatabaseUnreachable,
    DatabaseUnusable,
    PostgresShardLock,
    SchemaError,
    load_migrations,
    shard_lock,
)
from bot.storage.dialect import redact_url, to_format_placeholders
from tests.fake_discord import FakeDiscord
from tests.support.backends import execute_directly
from tests.support.cli import InProcess, claimbot
from tests.support.process import BotProcess
from tests.support.world import TOKEN

NEWEST = len(load_migrations())


def test_every_migration_has_a_postgresql_twin_of_the_same_number_and_name() -> None:
    sqlite = [(m.version, m.name) for m in load_migrations("sqlite")]
    postgresql = [(m.version, m.name) for m in load_migrations("postgresql")]
    assert postgresql == sqlite


def test_placeholders_are_translated_outside_strings_only() -> None:
    sql = "SELECT '?', ? , :name, x % ?, '50%' FROM t NOT INDEXED WHERE y::text = ?"
    assert to_format_placeholders(sql) == (
        "SELECT '?', %s , %(name)s, x %% %s, '50%%' FROM t  WHERE y::text = %s"
    )
    assert to_format_placeholders("SELECT 1 FROM c INDEXED BY c_ix") == "SELECT 1 FROM c "


def test_a_password_never_shows_in_the_url_a_message_names() -> None:
    assert redact_url("postgresql://bot:s3cret@db.example:5432/claims?sslmode=require") == (
        "postgresql://bot:***@db.example:5432/claims"
    )
    assert redact_url("postgres://bot@/claims") == "postgres://bot@/claims"


def tables(url: str) -> set[str]:
    rows = execute_directly(
        url, "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
    )
    return {str(name) for (name,) in rows}


async def test_the_schema_has_every_table_sqlite_has(postgres_url: str, tmp_path: Path) -> None:
    await (await Database.open(postgres_url)).close()
    sqlite_db = tmp_path / "twin.db"
    await (await Database.open(sqlite_db)).close()
    import sqlite3

    with sqlite3.connect(sqlite_db) as conn:
        names = {
            str(name)
            for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if not str(name).startswith(("sqlite_", "claims_search"))
        }
    assert tables(postgres_url) == names | {"claims_search"}


async def test_concurrent_migrations_on_a_fresh_database_all_succeed(postgres_url: str) -> None:
    """Eight openers at once, each its own session (as processes on several hosts): the
    write lock lets one apply each migration, the others find it applied."""
    opened = await asyncio.gather(*(Database.open(postgres_url) for _ in range(8)))
    versions = [await db.schema_version() for db in opened]
    for db in opened:
        await db.close()
    assert versions == [NEWEST] * 8
    rows = execute_directly(postgres_url, "SELECT version FROM schema_migrations ORDER BY 1")
    assert [v for (v,) in rows] == list(range(1, NEWEST + 1))


async def test_a_database_from_the_future_is_refused(postgres_url: str) -> None:
    await (await Database.open(postgres_url)).close()
    execute_directly(
        postgres_url,
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'later', 0)",
    )
    with pytest.raises(SchemaError, match=r"schema version 999.*upgrade claimbot"):
        await Database.open(postgres_url)


async def test_an_unreachable_server_is_one_line_without_the_password(tmp_path: Path) -> None:
    url = f"postgresql://bot:hunter2@/claims?host={tmp_path}"
    with pytest.raises(DatabaseUnreachable) as caught:
        await Database.open(url)
    message = str(caught.value)
    assert "\n" not in message and "hunter2" not in message
    assert message.startswith("Cannot use the database postgresql://bot:***@/claims: ")
    assert "No such file or directory" in message


async def test_a_missing_database_is_one_line(postgres_url: str) -> None:
    url = postgres_url.replace("/test_", "/missing_", 1)
    with pytest.raises(
        DatabaseUnusable, match=r'^Cannot use the database .*"missing_\w+" does not exist\.$'
    ):
        await Database.open(url)


def test_a_held_shard_is_refused_with_the_holders_pid(postgres_url: str) -> None:
    shards = ShardScope(count=2, ids=(0,))
    name = redact_url(postgres_url)
    with shard_lock(postgres_url, shards) as first:
        assert isinstance(first, PostgresShardLock)
        with pytest.raises(DatabaseInUse) as caught:
            shard_lock(postgres_url, shards).acquire()
        assert str(caught.value) == (
            f"another claimbot runs shard 0 of 2 on {name} (pid {os.getpid()})."
        )
        # Another shard of the same count runs beside it; an unsharded bot does not.
        with shard_lock(postgres_url, ShardScope(count=2, ids=(1,))):
            pass
        with pytest.raises(DatabaseInUse, match=r"another claimbot runs shard 0 of 2 on "):
            shard_lock(postgres_url, ShardScope(count=1, ids=(0,))).acquire()
        # Another shard count overlaps these servers.
        with pytest.raises(DatabaseInUse, match=r"needs the same CLAIMBOT_SHARD_COUNT"):
            shard_lock(postgres_url, ShardScope(count=3, ids=(2,))).acquire()
    # Released with the session: the shard is free again.
    with shard_lock(postgres_url, shards):
        pass


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> InProcess:
    monkeypatch.setenv("COLUMNS", "80")
    return InProcess(monkeypatch, tmp_path)


def test_migrate_on_postgresql_then_nothing_to_do(cli: InProcess, postgres_url: str) -> None:
    env = {"DATABASE_URL": postgres_url}
    first = cli("migrate", env=env)
    assert (first.returncode, first.stderr) == (0, "")
    assert first.stdout == (
        f"Applied migrations {', '.join(map(str, range(1, NEWEST + 1)))}; "
        f"schema is at version {NEWEST}.\n"
    )
    again = cli("migrate", env=env)
    assert again.stdout == f"Nothing to do; schema is at version {NEWEST}.\n"


@pytest.mark.parametrize("command", ["migrate", "export", "recompute", "run"])
def test_an_unreachable_server_is_one_line_and_exit_3(
    cli: InProcess, tmp_path: Path, command: str
) -> None:
    url = f"postgresql://bot:hunter2@/claims?host={tmp_path}"
    env = {"DATABASE_URL": url, "DISCORD_TOKEN": TOKEN}
    result = cli(command, env=env)
    assert result.returncode == 3
    assert "hunter2" not in result.stdout + result.stderr
    (line,) = result.stderr.splitlines()
    assert line.startswith("claimbot: Cannot use the database postgresql://bot:***@/claims: ")


@pytest.mark.slow
async def test_a_second_bot_on_the_same_shard_exits_4(
    fake_discord: FakeDiscord, postgres_url: str, tmp_path: Path
) -> None:
    env = {"DATABASE_URL": postgres_url}
    first = BotProcess(fake_discord, tmp_path / "first", env=env)
    await first.start()
    try:
        second = await asyncio.to_thread(
            claimbot,
            "run",
            cwd=tmp_path,
            env={
                **env,
                "DISCORD_TOKEN": TOKEN,
                "DISCORD_API_BASE": fake_discord.api_base,
                "DISCORD_GATEWAY_URL": fake_discord.gateway_url,
            },
        )
        assert second.returncode == 4
        assert second.stderr.splitlines() == [
            f"claimbot: another claimbot is running on {redact_url(postgres_url)}"
            f" (pid {first.pid})."
        ]
        # The locks die with the session: after a SIGKILL, a new bot starts at once.
        first.kill()
        await first.stop()
        again = BotProcess(fake_discord, tmp_path / "again", env=env)
        await again.start()
        await again.stop()
    finally:
        await first.stop()


async def test_two_senders_never_take_the_same_notice(postgres_url: str) -> None:
    """Two sessions on the outbox (a process that took over a shard while the old one still
    sends): the first takes the due notices, the second skips them until they are done or
    the first session ends."""
    first, second = await Database.open(postgres_url), await Database.open(postgres_url)
    try:
        document = NewDocument(guild_id=5, submitter_id=9, kind="text", content_hash="h")
        _, created, _ = await first.store_submission(
            document,
            [NewClaim(text=f"Claim {n}.", normalized=f"claim {n}") for n in range(4)],
            origin_url=None,
            origin_title=None,
        )
        await first.save_statuses(
            [(c.id, "likely_true", 0.9, "", False, "consensus") for c in created],
            notices_due=100.0,
        )
        everything = ShardScope(count=1, ids=(0,))
        taken = await first.claim_due_notices(everything, 200.0, limit=10)
        assert sorted(n.claim_id for n in taken) == sorted(c.id for c in created)
        again = await first.claim_due_notices(everything, 200.0, limit=10)
        assert again == taken  # its own session takes them again (a retry of a batch)
        assert await second.claim_due_notices(everything, 200.0, limit=10) == []
        await first.retry_notice(taken[0], 150.0)  # done with one: the other may take it
        (retried,) = await second.claim_due_notices(everything, 200.0, limit=10)
        assert retried.claim_id == taken[0].claim_id
    finally:
        await first.close()
    # The first session ended (as a killed process's does): its notices are free as soon as
    # the server has seen it go (a moment after the socket closes).
    try:
        for _ in range(500):
            rest = await second.claim_due_notices(everything, 200.0, limit=10)
            if len(rest) == len(created):
                break
            await asyncio.sleep(0.01)
    finally:
        await second.close()
    assert sorted(n.claim_id for n in rest) == sorted(c.id for c in created)
