"""The watchdog of a running bot's shard locks on PostgreSQL (issue 22).

The server drops a session's advisory locks when the session ends, and a server restart
ends every session: without the watchdog, a bot whose database thread reconnected would run
on without its shard locks while a second process starts on the same shards. Every few
seconds it asks the locks' session `SELECT 1`; once it is lost, it takes every lock again on
a new session at once. When another process took a shard meanwhile, or the server does not
answer within the deadline, it returns the error the bot exits with (4 or 3), after a clean
shutdown, so a supervisor starts it again and it waits for its locks as at start.
SQLite's flock locks need no watchdog: the kernel holds them until the process ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from bot.storage.connection import DatabaseInUse, DatabaseUnreachable, DatabaseUnusable
from bot.storage.shards import PostgresShardLock, ShardLock

T = TypeVar("T")

log = logging.getLogger("claimbot.shards")

#: Seconds between two checks of the shard locks' session.
LOCK_CHECK_SECONDS = 5.0
#: Seconds a lost session may take to be replaced (the server restarting) before the bot
#: exits 3; also the longest one check may wait for an answer.
LOCK_DEADLINE_SECONDS = 30.0


async def watch_shard_lock(
    lock: ShardLock | PostgresShardLock,
    *,
    interval: float = LOCK_CHECK_SECONDS,
    deadline: float = LOCK_DEADLINE_SECONDS,
) -> DatabaseInUse | DatabaseUnusable:
    """Check the locks' session every `interval` seconds, taking the locks again when it is
    lost; returns (never raises) why the bot must stop: DatabaseInUse when another process
    holds one of its shards now, DatabaseUnreachable when the server gave no answer in time."""
    if isinstance(lock, PostgresShardLock):
        return await _watch(lock, interval=interval, deadline=deadline)
    while True:  # SQLite: the kernel keeps a flock until its process ends, so none is lost
        await asyncio.Event().wait()


async def _watch(
    lock: PostgresShardLock, *, interval: float, deadline: float
) -> DatabaseInUse | DatabaseUnusable:
    while True:
        await asyncio.sleep(interval)
        try:
            if await _in_thread(lock.alive, deadline):
                continue
        except TimeoutError:
            return _no_answer(lock, deadline)
        failure = await _retake(lock, interval=interval, deadline=deadline)
        if failure is not None:
            return failure
        log.warning("shard locks taken again on a new session of %s", lock.name)


async def _retake(
    lock: PostgresShardLock, *, interval: float, deadline: float
) -> DatabaseInUse | DatabaseUnusable | None:
    """Every lock again at once, trying until `deadline` seconds have passed; None once held."""
    give_up = time.monotonic() + deadline
    while True:
        left = give_up - time.monotonic()
        try:
            await _in_thread(lock.retake, max(left, 0.001))
            return None
        except (DatabaseInUse, DatabaseUnusable) as exc:
            if not isinstance(exc, DatabaseUnreachable):
                return exc
        except TimeoutError:
            return _no_answer(lock, deadline)
        left = give_up - time.monotonic()
        if left <= 0:
            return _no_answer(lock, deadline)
        await asyncio.sleep(min(interval, left))


def _no_answer(lock: PostgresShardLock, deadline: float) -> DatabaseUnreachable:
    return DatabaseUnreachable(
        f"Cannot use the database {lock.name}: no answer within {deadline:g} s after the"
        " session holding the shard locks was lost."
    )


async def _in_thread(work: Callable[[], T], timeout: float) -> T:  # noqa: ASYNC109
    """`work` on a daemon thread of its own, as the lock code runs at start (blocking): one
    that hangs on a silent network neither blocks the event loop nor the process's exit."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def settle(result: T | None, error: BaseException | None) -> None:
        if future.done():
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)  # type: ignore[arg-type]

    def run() -> None:
        try:
            result = work()
        except BaseException as exc:  # handed to the waiting task
            outcome: tuple[T | None, BaseException | None] = (None, exc)
        else:
            outcome = (result, None)
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
            loop.call_soon_threadsafe(settle, *outcome)

    threading.Thread(target=run, name="shard-lock-watch", daemon=True).start()
    return await asyncio.wait_for(future, timeout)
