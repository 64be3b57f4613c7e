"""Shard locks survive a PostgreSQL restart (issue 22): the real claimbot as its own process,
shard 0 of 2 against the fake Discord, on a database of the throwaway cluster.

The server drops every session's advisory locks when it restarts; the bot's watchdog
(bot/cli/lock_watch.py) takes them again on a new session, so a second process on its shard
is still refused. When another process took the shard first, the bot shuts down and exits 4
with one line, and a supervisor restarting it waits for the lock as at start.
"""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import psycopg
import pytest

from bot.core.shards import ShardScope
from bot.storage.dialect import redact_url
from bot.storage.postgresql import shard_lock_key
from bot.storage.shards import PostgresShardLock
from tests.e2e import test_shards
from tests.e2e.test_shards import shard_process
from tests.fake_discord import FakeDiscord
from tests.support.cli import claimbot
from tests.support.postgres import Cluster
from tests.support.process import BotProcess
from tests.support.world import TOKEN, World

pytestmark = pytest.mark.slow


# The fake Discord serving two shards, and a server on shard 0: test_shards.py's fixtures.
fake = test_shards.fake
zero = test_shards.zero


@pytest.fixture
async def first(
    fake: FakeDiscord, zero: World, database: Path, postgres_url: str
) -> AsyncIterator[BotProcess]:
    """The bot running shard 0 of 2, started."""
    process = shard_process(fake, postgres_url, 0, database)
    try:
        await process.start()
        yield process
    finally:
        await process.stop()


def shard_zero_holder(url: str) -> str | None:
    """The application_name of the session holding shard 0 of 2's lock, as pg_locks shows
    it; None when nobody holds it (or the server does not answer yet)."""
    key = shard_lock_key(2, 0)
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            row = conn.execute(
                "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a"
                " ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted"
                " AND ((l.classid::bigint << 32) | l.objid::bigint) = %s",
                (key,),
            ).fetchone()
    except psycopg.OperationalError:
        return None
    return None if row is None else str(row[0])


async def test_after_a_restart_the_bot_holds_its_shard_lock_again(
    first: BotProcess,
    fake: FakeDiscord,
    database: Path,
    postgres_cluster: Cluster,
    postgres_url: str,
) -> None:
    assert shard_zero_holder(postgres_url) == f"claimbot pid {first.pid}"
    with postgres_cluster.stopped():
        pass
    # The lock is visible in pg_locks a moment before the bot logs it: wait for both.
    await fake.wait_for(
        lambda: (
            shard_zero_holder(postgres_url) == f"claimbot pid {first.pid}"
            and "shard locks taken again on a new session of" in first.log_tail()
        ),
        timeout=20,
        what="the bot to hold shard 0's lock again",
    )
    assert first.running

    # A second process on shard 0 is refused, as before the restart.
    identified = fake.identify_count
    again = await asyncio.to_thread(
        claimbot,
        "run",
        cwd=database.parent,
        env={
            "DISCORD_TOKEN": TOKEN,
            "DATABASE_URL": postgres_url,
            "DISCORD_API_BASE": fake.api_base,
            "DISCORD_GATEWAY_URL": fake.gateway_url,
            "CLAIMBOT_SHARD_COUNT": "2",
            "CLAIMBOT_SHARD_IDS": "0",
        },
    )
    assert (again.returncode, again.stderr.splitlines()) == (
        4,
        [
            f"claimbot: another claimbot runs shard 0 of 2 on {redact_url(postgres_url)} "
            f"(pid {first.pid})."
        ],
    )
    assert fake.identify_count == identified
    assert first.running
    assert await first.stop() == 0


async def test_a_bot_whose_shard_was_taken_during_a_restart_exits_4_with_one_line(
    first: BotProcess, postgres_cluster: Cluster, postgres_url: str
) -> None:
    # The bot is paused while the server restarts, so this test's process takes shard 0 first
    # whatever the watchdog's timing; the pause changes nothing else the bot sees.
    os.kill(first.pid, signal.SIGSTOP)
    try:
        with postgres_cluster.stopped():
            pass
        taker = PostgresShardLock(postgres_url, ShardScope(count=2, ids=(0,)))
        taker.acquire()
    finally:
        os.kill(first.pid, signal.SIGCONT)
    try:
        assert first.process is not None
        code = await asyncio.wait_for(first.process.wait(), 30)
        assert code == 4
        refusal = (
            f"claimbot: another claimbot runs shard 0 of 2 on {redact_url(postgres_url)}"
            f" (pid {os.getpid()})."
        )
        lines = first.log_path.read_text(encoding="utf-8").splitlines()
        assert lines[-1] == refusal
        assert lines.count(refusal) == 1
        assert not any("Traceback" in line for line in lines)
        # The taker still holds shard 0: the bot let go of nothing that was not its own.
        assert shard_zero_holder(postgres_url) == f"claimbot pid {os.getpid()}"
    finally:
        taker.release()
