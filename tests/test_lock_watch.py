"""The shard-lock watchdog's answers on PostgreSQL (bot/cli/lock_watch.py), in process: the
locks taken again after a restart, and the error the bot exits 3 with when the server stays
silent past the deadline. The whole bot around it: tests/e2e/test_shard_lock_watch.py."""

from __future__ import annotations

import asyncio
import logging
import os

import pytest

from bot.cli.lock_watch import watch_shard_lock
from bot.core.shards import ShardScope
from bot.storage.connection import DatabaseInUse, DatabaseUnreachable
from bot.storage.dialect import redact_url
from bot.storage.shards import PostgresShardLock
from tests.support.postgres import Cluster


async def test_a_server_silent_past_the_deadline_is_no_answer(
    postgres_cluster: Cluster, postgres_url: str
) -> None:
    lock = PostgresShardLock(postgres_url, ShardScope(count=2, ids=(1,)))
    lock.acquire()
    try:
        watch = asyncio.create_task(watch_shard_lock(lock, interval=0.05, deadline=1.0))
        with postgres_cluster.stopped():
            failure = await asyncio.wait_for(watch, 20)
        assert type(failure) is DatabaseUnreachable
        assert str(failure) == (
            f"Cannot use the database {redact_url(postgres_url)}: no answer within 1 s after"
            " the session holding the shard locks was lost."
        )
    finally:
        lock.release()


async def test_after_a_restart_the_watchdog_holds_the_locks_again(
    postgres_cluster: Cluster, postgres_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="claimbot.shards")
    lock = PostgresShardLock(postgres_url, ShardScope(count=2, ids=(1,)))
    lock.acquire()
    watch = asyncio.create_task(watch_shard_lock(lock, interval=0.05, deadline=20.0))
    try:
        with postgres_cluster.stopped():
            pass
        other = PostgresShardLock(postgres_url, ShardScope(count=2, ids=(1,)))
        taken_again = f"shard locks taken again on a new session of {redact_url(postgres_url)}"
        for _ in range(400):
            if taken_again in caplog.messages:
                break
            await asyncio.sleep(0.05)
        assert caplog.messages == [taken_again]
        with pytest.raises(DatabaseInUse) as refused:
            other.acquire()
        assert str(refused.value) == (
            f"another claimbot runs shard 1 of 2 on {redact_url(postgres_url)} (pid {os.getpid()})."
        )
        assert not watch.done()
    finally:
        watch.cancel()
        lock.release()
