"""`claimbot evidence recheck`: fetch the archived sources again, as the bot's background pass
does, and record which changed or are gone (docs/evidence.md)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from bot.cli.common import DATABASE_FAILURES, EXIT_OK, NO_DATABASE, database_errors, with_database

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.core.snapshots import RecheckTally
    from bot.storage.database import Database
    from bot.web.fetcher import SafeFetcher

RECHECK_FAILURES = (NO_DATABASE, *DATABASE_FAILURES)
DAY = 86_400


def recheck_fetcher() -> SafeFetcher:
    """The safe fetcher with the evidence limits, as the bot fetches sources (tests swap it)."""
    from bot.services.evidence import EVIDENCE_LIMITS
    from bot.web.fetcher import SafeFetcher

    return SafeFetcher(EVIDENCE_LIMITS)


def cmd_evidence_recheck(args: argparse.Namespace, settings: Settings) -> int:
    from bot.core.shards import UNSHARDED
    from bot.services.clock import SystemClock
    from bot.services.evidence import EVIDENCE_CONTENT_TYPES
    from bot.services.snapshots import Snapshots
    from bot.web.responses import FetchResult

    async def work(db: Database) -> RecheckTally:
        fetcher = recheck_fetcher()

        async def fetch(url: str) -> FetchResult:
            return await fetcher.fetch(url, allowed_content_types=EVIDENCE_CONTENT_TYPES)

        snapshots = Snapshots(
            db,
            fetch=fetch,
            bounds=settings.snapshot_bounds,
            clock=SystemClock(),
            shards=UNSHARDED,
        )
        try:
            with recheck_progress() as progress:
                return await snapshots.recheck_due(
                    older_than=args.older_than * DAY, guild_id=args.guild, progress=progress
                )
        finally:
            await snapshots.close()
            await fetcher.aclose()

    with database_errors():
        tally = asyncio.run(with_database(settings, work))
    print(summary(tally, args.guild))
    return EXIT_OK


def summary(tally: RecheckTally, guild: int | None) -> str:
    where = "" if guild is None else f" of server {guild}"
    if not tally.total:
        return f"No archived source{where} was due for a recheck."
    return (
        f"Rechecked {tally.total} archived source(s){where}: {tally.unchanged} unchanged, "
        f"{tally.changed} changed, {tally.gone} gone, {tally.unreached} not reached "
        "(tried again at the next recheck)."
    )


@contextlib.contextmanager
def recheck_progress() -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr (sources rechecked of those due) when a person watches it."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    columns = (TextColumn("rechecking"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("recheck", total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update
