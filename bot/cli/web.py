"""`claimbot web`: the public verdict pages of the servers that publish, until SIGINT or
SIGTERM (bot/publish/server.py; docs/publishing.md)."""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import signal
from typing import TYPE_CHECKING

from bot.cli.common import (
    DATABASE_FAILURES,
    EXIT_CONFIG,
    EXIT_OK,
    NO_DATABASE,
    WEB_PORT_UNAVAILABLE,
    CliError,
    database_errors,
    with_database,
)
from bot.cli.run import configure_logging

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.storage.database import Database

FAILURES = (NO_DATABASE, *DATABASE_FAILURES, WEB_PORT_UNAVAILABLE)


async def serve(settings: Settings, db: Database) -> None:
    from bot.publish.server import PageServer, RateLimit, WebPortUnavailable

    server = PageServer(
        db,
        rate=RateLimit(settings.web_burst, settings.web_interval),
        cache_seconds=settings.web_cache_seconds,
        behind_proxy=settings.web_proxy,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        port = await server.start(settings.web_host, settings.web_port)
    except WebPortUnavailable as exc:
        raise CliError(str(exc), EXIT_CONFIG) from None
    # What start-up made lives as long as the process: out of the collector's sight, so a
    # full collection scans only the pages of the moment (as `claimbot run` does).
    gc.collect()
    gc.freeze()
    # One line a supervisor (or a test) can wait for, with the port actually bound.
    print(f"Serving the public pages on http://{settings.web_host}:{port}/", flush=True)
    try:
        await stop.wait()
    finally:
        logging.getLogger("claimbot").info("shutting down")
        await server.close()


def cmd_web(args: argparse.Namespace, settings: Settings) -> int:
    configure_logging(settings.log_level)

    async def work(db: Database) -> None:
        await serve(settings, db)

    with database_errors():
        asyncio.run(with_database(settings, work))
    return EXIT_OK
