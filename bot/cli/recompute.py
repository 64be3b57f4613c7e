"""`claimbot recompute`: every current vote and status rebuilt from the event log."""

from __future__ import annotations

import argparse
import asyncio
from typing import TYPE_CHECKING

from bot.cli.common import DATABASE_FAILURES, EXIT_OK, NO_DATABASE, database_errors, with_database

if TYPE_CHECKING:
    from bot.config import Settings

FAILURES = (NO_DATABASE, *DATABASE_FAILURES)


def cmd_recompute(args: argparse.Namespace, settings: Settings) -> int:
    from bot.services.status_refresh import recompute_all

    with database_errors():
        total, changed = asyncio.run(with_database(settings, recompute_all))
    print(f"Recomputed {total} claim(s) from the event log; {changed} status(es) changed.")
    return EXIT_OK
