"""`claimbot migrate`: create the database if need be and apply pending migrations."""

from __future__ import annotations

import argparse
import asyncio
from typing import TYPE_CHECKING

from bot.cli.common import DATABASE_FAILURES, EXIT_OK, database_errors

if TYPE_CHECKING:
    from pathlib import Path

    from bot.config import Settings

FAILURES = (*DATABASE_FAILURES,)


async def _migrate(location: Path | str) -> tuple[list[int], int]:
    from bot.storage.database import Database

    db = await Database.open(location, migrate=False)
    try:
        applied = await db.migrate()
        return applied, await db.schema_version()
    finally:
        await db.close()


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    with database_errors():
        applied, version = asyncio.run(_migrate(settings.database_location))
    if applied:
        print(f"Applied migrations {', '.join(map(str, applied))}; schema is at version {version}.")
    else:
        print(f"Nothing to do; schema is at version {version}.")
    return EXIT_OK
