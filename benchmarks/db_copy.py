"""`claimbot db copy` at scale: an SQLite database of 100,000 claims copied into PostgreSQL,
stopped halfway, resumed, and checked.

    .venv/bin/python -m benchmarks.db_copy [--claims N] [--votes N] [--evidence N] [--keep DIR]

The source is benchmarks/dataset.py's (claims across 50 servers, their votes and sources,
statuses from the real status model), recomputed once by `claimbot recompute`'s code so the
check compares like with like. The target is a fresh database of a throwaway PostgreSQL
cluster (tests/support/postgres.py: initdb's binaries must be installed). Timed separately:
the first run up to the stop (half the batches of the vote log), the resumed run (which first
reads the rows already copied again to see they did not change), and the check (row counts,
then every status recomputed on the target). Exits 1 if the copy differs from its source.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.dataset import Shape, fill
from bot.services.db_copy import copy_database, open_source, verify_copy
from bot.services.status_refresh import recompute_all
from bot.storage.database import Database
from tests.support.postgres import Cluster, find_bin_dir


class Stop(Exception):
    """Raised from the progress callback: the copy stops right after a committed batch."""


async def recompute(path: Path) -> None:
    db = await Database.open(path)
    try:
        await recompute_all(db)
    finally:
        await db.close()


async def measure(source_path: Path, url: str, stop_at_vote_events: int) -> dict[str, float]:
    figures: dict[str, float] = {}

    def stop(table: str, copied: int, total: int) -> None:
        if table == "vote_events" and copied >= stop_at_vote_events:
            raise Stop

    source = await open_source(source_path)
    target = await Database.open(url)
    try:
        started = time.perf_counter()
        with contextlib.suppress(Stop):
            await copy_database(source, target, progress=stop)
        figures["first run, until stopped (s)"] = time.perf_counter() - started
        started = time.perf_counter()
        outcome = await copy_database(source, target)
        figures["resumed run (s)"] = time.perf_counter() - started
        figures["rows copied by the resumed run"] = outcome.rows_copied
        started = time.perf_counter()
        verification = await verify_copy(source, target, outcome.tables)
        figures["check (s)"] = time.perf_counter() - started
        figures["rows in all"] = sum(n for _, n, _ in verification.counts)
        figures["differences"] = len(verification.differences())
    finally:
        await target.close()
        await source.close()
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--votes", type=int, default=300_000)
    parser.add_argument("--evidence", type=int, default=50_000)
    parser.add_argument("--keep", type=Path, default=None, help="build the source here")
    args = parser.parse_args()
    bin_dir = find_bin_dir()
    if bin_dir is None:
        print("PostgreSQL not found (initdb, pg_ctl, postgres)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as scratch, Cluster(bin_dir) as cluster:
        folder = args.keep or Path(scratch)
        source = folder / f"copy-source-{args.claims}.db"
        if not source.exists():
            started = time.perf_counter()
            fill(source, Shape(args.claims, args.votes, args.evidence))
            asyncio.run(recompute(source))
            print(f"source built in {time.perf_counter() - started:,.1f} s")
        with cluster.database() as url:
            figures = asyncio.run(measure(source, url, stop_at_vote_events=args.votes // 2))
    for name, value in figures.items():
        print(f"{name:<34} {value:>12,.1f}")
    total = figures["first run, until stopped (s)"] + figures["resumed run (s)"]
    print(f"{'rows/s over both runs':<34} {figures['rows in all'] / total:>12,.0f}")
    return 1 if figures["differences"] else 0


if __name__ == "__main__":
    sys.exit(main())
