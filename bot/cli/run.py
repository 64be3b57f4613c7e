"""`claimbot run`: the bot itself, until SIGINT or SIGTERM."""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import os
import signal
import sys
from typing import TYPE_CHECKING

from bot.cli.common import (
    DATABASE_FAILURES,
    DATABASE_IN_USE,
    DISCORD_REFUSED,
    DISCORD_UNREACHABLE,
    EXIT_CONFIG,
    EXIT_OK,
    EXIT_UNREACHABLE,
    HEALTH_PORT_UNAVAILABLE,
    CliError,
    database_errors,
)

if TYPE_CHECKING:
    import aiohttp
    import discord

    from bot.config import Settings
    from bot.storage import PostgresShardLock, ShardLock

FAILURES = (
    *DATABASE_FAILURES,
    DISCORD_REFUSED,
    HEALTH_PORT_UNAVAILABLE,
    DISCORD_UNREACHABLE,
    DATABASE_IN_USE,
)


def configure_logging(level: str) -> None:
    logging.basicConfig(
        level=level,
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
        stream=sys.stderr,
    )


async def _freeze_when_ready(bot: discord.Client) -> None:
    """Once started, move everything alive (modules, models, caches) out of the garbage
    collector's sight: a full collection then scans only what came after, about 3 ms
    instead of about 40 ms during which no event is handled."""
    await bot.wait_until_ready()
    gc.collect()
    gc.freeze()


def discord_unreachable(error: aiohttp.ClientConnectorError) -> str:
    """One line naming the host and the cause, without guessing beyond what the OS said."""
    import socket

    cause = error.os_error
    if isinstance(cause, socket.gaierror) or not cause.errno:
        reason = cause.strerror or str(cause) or type(cause).__name__
    else:  # asyncio words it "Connect call failed (...)"; the errno says which failure
        reason = os.strerror(cause.errno)
    return f"Cannot reach Discord at {error.host}:{error.port}: {reason}."


async def run_bot(settings: Settings, token: str) -> None:
    """Start the bot and close it cleanly (database included) on SIGINT or SIGTERM.
    The database is opened (and migrated) before Discord is contacted, so a bad
    DATABASE_PATH or DATABASE_URL is reported first; the lock of each shard the process runs
    is held from then on (bot/storage/shards.py), so a shard another process runs is refused
    before Discord is contacted. On PostgreSQL a watchdog keeps them (bot/cli/lock_watch.py)."""
    from bot.storage import Database, shard_lock

    db = await Database.open(settings.database_location)
    await db.close()
    with shard_lock(settings.database_location, settings.shards) as lock:
        await _run_bot(settings, token, lock)


async def _run_bot(settings: Settings, token: str, lock: ShardLock | PostgresShardLock) -> None:
    import aiohttp
    import discord

    from bot.app.client import make_bot
    from bot.app.health import HealthPortUnavailable
    from bot.cli.lock_watch import watch_shard_lock

    bot = make_bot(settings)
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with bot:
        runner = asyncio.create_task(bot.start(token))
        freezer = asyncio.create_task(_freeze_when_ready(bot))
        stopper = asyncio.create_task(stop.wait())
        # A shutdown with exit 4 or 3 when the shard locks are lost for good.
        watchdog = asyncio.create_task(watch_shard_lock(lock))
        done, _ = await asyncio.wait(
            {runner, stopper, watchdog}, return_when=asyncio.FIRST_COMPLETED
        )
        freezer.cancel()
        if stopper in done or watchdog in done:
            logging.getLogger("claimbot").info("shutting down")
            stopper.cancel()
            watchdog.cancel()
            await bot.close()
            await asyncio.gather(runner, return_exceptions=True)
            if stopper not in done:
                raise watchdog.result()
            return
        stopper.cancel()
        watchdog.cancel()
        try:
            runner.result()
        except discord.LoginFailure:
            raise CliError(
                "Discord rejected DISCORD_TOKEN: reset the token in the Developer Portal.",
                EXIT_CONFIG,
            ) from None
        except discord.PrivilegedIntentsRequired:
            raise CliError(
                "Enable the Message Content intent for the bot in the Developer Portal (Bot page).",
                EXIT_CONFIG,
            ) from None
        except HealthPortUnavailable as exc:
            raise CliError(str(exc), EXIT_CONFIG) from None
        except aiohttp.ClientConnectorError as exc:
            raise CliError(discord_unreachable(exc), EXIT_UNREACHABLE) from None


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    token = settings.require_token()
    configure_logging(settings.log_level)
    with database_errors():
        asyncio.run(run_bot(settings, token))
    return EXIT_OK
