"""`claimbot export`: the claims of the database as CSV, JSON or ClaimReview."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli.common import (
    DATABASE_FAILURES,
    EXIT_OK,
    NO_DATABASE,
    UNWRITABLE_OUTPUT,
    CliError,
    database_errors,
    with_database,
)

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.storage.database import Database

FAILURES = (NO_DATABASE, UNWRITABLE_OUTPUT, *DATABASE_FAILURES)


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    from bot.core.exports import CSV_BOM
    from bot.services.export_files import export_all, export_guild

    async def work(db: Database) -> bytes:
        if args.guild is not None:
            _, data, _ = await export_guild(
                db, args.guild, args.format, organization=args.organization
            )
            return data
        text = await export_all(db, args.format, organization=args.organization)
        return (CSV_BOM + text if args.format == "csv" else text).encode("utf-8")

    with database_errors():
        data = asyncio.run(with_database(settings, work))
    if args.output in (None, "-"):
        sys.stdout.buffer.write(data)
        if not data.endswith(b"\n"):
            sys.stdout.buffer.write(b"\n")
    else:
        try:
            Path(args.output).write_bytes(data)
        except OSError as exc:
            raise CliError(f"Cannot write {args.output}: {exc.strerror or exc}.") from None
        print(f"Wrote {args.output} ({len(data)} bytes).", file=sys.stderr)
    return EXIT_OK
