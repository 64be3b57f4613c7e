"""What the benchmarks share: read-only access to a live database, a consistent copy of
one, the /proc figures of a process, and percentiles."""

from __future__ import annotations

import asyncio
import os
import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.support.process import BotProcess


def read_only_uri(path: Path) -> str:
    return f"{path.as_uri()}?mode=ro"


@contextmanager
def read_only(path: Path) -> Iterator[sqlite3.Connection]:
    """A read-only connection to a database the bot may be writing (WAL: readers never
    block it), closed on exit."""
    conn = sqlite3.connect(read_only_uri(path), uri=True)
    try:
        yield conn
    finally:
        conn.close()


@contextmanager
def reader(location: Path | str) -> Iterator[Any]:
    """A connection that reads what the bot wrote: `read_only` for an SQLite file, an
    autocommit session for a PostgreSQL URL. Both take `execute(sql).fetchall()`."""
    if not isinstance(location, str):
        with read_only(location) as conn:
            yield conn
        return
    import psycopg

    with psycopg.connect(location, autocommit=True) as session:
        yield session


def copy_database(source: Path, target: Path) -> None:
    """A consistent snapshot of `source` at `target` (SQLite backup API, safe under WAL)."""
    with read_only(source) as src:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()


def memory_kb(pid: int) -> dict[str, int]:
    """VmRSS, VmHWM, RssAnon, ... of /proc/PID/status, in kB."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, rest = line.partition(":")
        parts = rest.split()
        if len(parts) == 2 and parts[1] == "kB":
            values[name] = int(parts[0])
    return values


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (all its threads), from /proc/PID/stat."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) "
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def reset_peak_rss(pid: int) -> bool:
    """Reset VmHWM to the current RSS (Linux >= 4.0); False if not allowed."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def percentile(ascending: list[float], fraction: float) -> float:
    """Nearest-rank percentile of already sorted samples."""
    if not ascending:
        return float("nan")
    return ascending[min(len(ascending) - 1, max(0, round(fraction * len(ascending)) - 1))]


async def wait_for_log(bot: BotProcess, pattern: str, timeout: float) -> None:  # noqa: ASYNC109
    """Until a line of the bot's log matches `pattern` (the bot must stay up)."""
    regex = re.compile(pattern)
    deadline = time.monotonic() + timeout
    while not regex.search(bot.log_path.read_text(encoding="utf-8", errors="replace")):
        if not bot.running:
            raise RuntimeError(f"the bot exited:\n{bot.log_tail()}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"no {pattern!r} in the bot's log:\n{bot.log_tail()}")
        await asyncio.sleep(0.05)
