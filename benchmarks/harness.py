"""What the benchmarks share: read-only access to a live database, a consistent copy of
one, the /proc figures of a process, and percentiles."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


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
