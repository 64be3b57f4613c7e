"""`claimbot factchecks import|stats`: the fact-check library the bot matches claims against."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from typing import TYPE_CHECKING

from bot.cli.common import (
    DATABASE_FAILURES,
    EXIT_OK,
    NO_DATABASE,
    NOTHING_IMPORTED,
    UNREADABLE_INPUT,
    UNREADABLE_URL,
    CliError,
    database_errors,
    import_progress,
    open_input,
    with_database,
)

if TYPE_CHECKING:
    from typing import IO

    from bot.config import Settings
    from bot.core.records import FactCheckImportResult, LibraryStats
    from bot.services.factcheck_library import IndexBuild
    from bot.storage.database import Database
    from bot.web.fetcher import SafeFetcher

IMPORT_FAILURES = (
    UNREADABLE_INPUT,
    UNREADABLE_URL,
    NOTHING_IMPORTED,
    NO_DATABASE,
    *DATABASE_FAILURES,
)
STATS_FAILURES = (NO_DATABASE, *DATABASE_FAILURES)


def feed_fetcher() -> SafeFetcher:
    """The fetcher for feed URLs: the safe fetcher with the CLI's feed cap (tests swap it)."""
    from bot.services.factcheck_import import CLI_FEED_LIMITS
    from bot.web.fetcher import SafeFetcher

    return SafeFetcher(CLI_FEED_LIMITS)


def _scope_words(guild: int | None) -> str:
    return "for all servers" if guild is None else f"for server {guild}"


def cmd_factchecks_import(args: argparse.Namespace, settings: Settings) -> int:
    from bot.core.urls import looks_like_url

    feed: str = args.feed
    with contextlib.ExitStack() as stack:
        stream: IO[bytes] | None = None
        size: int | None = None
        if feed == "-" or not looks_like_url(feed):
            stream, size = stack.enter_context(open_input(feed))
        print(_import(args, settings, stream, size))
    return EXIT_OK


def _import(
    args: argparse.Namespace, settings: Settings, stream: IO[bytes] | None, size: int | None
) -> str:
    """The one-line summary of importing `stream` (or the URL `args.feed`)."""
    from bot.core.errors import UserFacingError
    from bot.core.factcheck_render import render_import_result
    from bot.core.records import ALL_SERVERS
    from bot.services.factcheck_import import CLI_FEED_MAX_BYTES, FactCheckImporter, too_large
    from bot.services.factcheck_library import FactCheckLibrary

    feed: str = args.feed
    scope = ALL_SERVERS if args.guild is None else args.guild
    if size is not None and size > CLI_FEED_MAX_BYTES:
        raise CliError(too_large(CLI_FEED_MAX_BYTES))

    async def work(db: Database) -> tuple[FactCheckImportResult, IndexBuild | None]:
        # This process builds the scope's index and saves it before it exits: running bots
        # load it at their next poll instead of each building its own.
        library = FactCheckLibrary(db)
        importer = FactCheckImporter(db, library, fetcher=feed_fetcher())
        try:
            with import_progress(size) as progress:
                if stream is None:
                    result = await importer.import_url(
                        scope,
                        feed,
                        imported_by=None,
                        max_bytes=CLI_FEED_MAX_BYTES,
                        progress=progress,
                    )
                else:
                    result = await importer.import_stream(
                        scope,
                        stream,
                        imported_by=None,
                        max_bytes=CLI_FEED_MAX_BYTES,
                        progress=progress,
                    )
                return result, library.last_build
        except UserFacingError as exc:
            raise CliError(exc.message) from None
        except OSError as exc:
            raise CliError(f"Cannot read {feed}: {exc.strerror or exc}.") from None
        finally:
            await importer.close()

    with database_errors():
        result, built = asyncio.run(with_database(settings, work))
    summary = " ".join(render_import_result(result, _scope_words(args.guild)).splitlines())
    if result.read == 0:
        raise CliError(summary)
    if built is not None:
        summary += " " + _index_saved(built, settings.library_poll_seconds)
    return summary


def _index_saved(built: IndexBuild, poll_seconds: float) -> str:
    """What the import means for running bots: they load the index built here."""
    when = (
        f"within {poll_seconds:g} s (CLAIMBOT_LIBRARY_POLL)"
        if poll_seconds
        else "at their next start (CLAIMBOT_LIBRARY_POLL=0)"
    )
    return (
        f"Matching index of {built.fact_checks:,} fact-check(s) built and saved in "
        f"{built.seconds:.1f} s; running bots load it {when}."
    )


def cmd_factchecks_stats(args: argparse.Namespace, settings: Settings) -> int:
    import datetime

    async def work(db: Database) -> LibraryStats:
        return await db.library_stats(args.guild, top=args.top)

    with database_errors():
        stats = asyncio.run(with_database(settings, work))
    where = "for all servers" if args.guild is None else f"visible to server {args.guild}"
    print(f"{stats.fact_checks:,} fact-check(s) {where}.")
    if stats.fact_checks:
        named = ", ".join(f"{name or 'unknown publisher'} {n:,}" for name, n in stats.publishers)
        print(f"Top publishers: {named}.")
        print(
            f"Newest fact-check: {stats.newest or 'undated'}; oldest: {stats.oldest or 'undated'}."
        )
    if stats.last_import is not None:
        when = datetime.datetime.fromtimestamp(stats.last_import, datetime.UTC)
        print(f"Last import: {when:%Y-%m-%d %H:%M} UTC.")
    return EXIT_OK
