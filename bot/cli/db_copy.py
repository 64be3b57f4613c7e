"""`claimbot db copy --to URL`: the SQLite database copied into PostgreSQL, then checked.

The source (DATABASE_PATH, or --from) is locked as a bot locks it (bot/storage/shards.py), so
the copy refuses while a bot runs on it and no bot starts on it until the copy ends; the
target is locked the same way, so no bot starts on a half-copied database. Run again, an
interrupted copy resumes where it stopped; `--force` deletes what the target holds first.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli.common import (
    DATABASE_IN_USE,
    DATABASE_UNREACHABLE,
    EXIT_BAD_INPUT,
    EXIT_CONFIG,
    EXIT_COPY_DIFFERS,
    EXIT_OK,
    NO_DATABASE,
    CliError,
    Failure,
    copy_progress,
    database_errors,
    failures_described,
)

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.services.db_copy import CopyOutcome, Verification

TARGET_REFUSED = Failure(EXIT_BAD_INPUT, "a target that holds other data")
NOT_A_URL = Failure(EXIT_CONFIG, "a --to that is not a postgresql:// URL")
UNUSABLE = Failure(EXIT_CONFIG, "a source or target refused, or not at the newest schema")
COPY_DIFFERS = Failure(EXIT_COPY_DIFFERS, "a copy that differs from its source")
FAILURES = (
    NO_DATABASE,
    NOT_A_URL,
    UNUSABLE,
    DATABASE_UNREACHABLE,
    TARGET_REFUSED,
    DATABASE_IN_USE,
    COPY_DIFFERS,
)


def cmd_db_copy(args: argparse.Namespace, settings: Settings) -> int:
    from bot.storage.dialect import is_postgres_url

    if not is_postgres_url(args.to):
        raise CliError(
            "--to must be a PostgreSQL URL (postgresql://user:password@host/database).",
            EXIT_CONFIG,
        )
    source = Path(args.source) if args.source else settings.database_path
    if not source.is_file():
        raise CliError(
            f"No database at {source}: give the SQLite database to copy with --from, or set "
            "DATABASE_PATH."
        )
    with database_errors():
        outcome, verification, seconds = asyncio.run(
            _copy(source.resolve(), args.to, force=args.force, batch_rows=args.batch_rows)
        )
    _print_report(outcome, verification, seconds)
    differences = verification.differences()
    for line in differences:
        print(f"claimbot: {line}", file=sys.stderr)
    return EXIT_COPY_DIFFERS if differences else EXIT_OK


async def _copy(
    source_path: Path, url: str, *, force: bool, batch_rows: int
) -> tuple[CopyOutcome, Verification, float]:
    from bot.core.shards import ShardScope
    from bot.services.db_copy import copy_database, open_source, verify_copy
    from bot.storage import Database
    from bot.storage.db_copy import CopyRefused
    from bot.storage.shards import PostgresShardLock, ShardLock

    every = ShardScope.every(1)
    started = time.perf_counter()
    with ShardLock(source_path, every), PostgresShardLock(url, every):
        source = await open_source(source_path)
        try:
            target = await Database.open(url)
            try:
                # A server gone mid-copy is one line; the same command again resumes.
                with failures_described(target), copy_progress() as progress:
                    outcome = await copy_database(
                        source, target, force=force, batch_rows=batch_rows, progress=progress
                    )
                    verification = await verify_copy(source, target, outcome.tables)
            except CopyRefused as exc:
                raise CliError(str(exc)) from None
            finally:
                await target.close()
        finally:
            await source.close()
    return outcome, verification, time.perf_counter() - started


def _print_report(outcome: CopyOutcome, verification: Verification, seconds: float) -> None:
    width = max(len(name) for name, _, _ in verification.counts)
    print(f"{'table':<{width}}  {'source':>10}  {'target':>10}")
    for name, source, target in verification.counts:
        mark = "" if source == target else "  differs"
        print(f"{name:<{width}}  {source:>10,}  {target:>10,}{mark}")
    equal = verification.claims_checked - len(verification.statuses)
    print(
        f"Statuses recomputed on the target: {equal:,} of {verification.claims_checked:,} "
        "equal to the stored ones."
    )
    how = "Resumed the copy" if outcome.resumed else "Copied"
    print(f"{how}: {outcome.rows_copied:,} row(s) in {seconds:,.1f} s.")
