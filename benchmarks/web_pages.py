"""`claimbot web` under load: claim pages and index pages on 100,000 claims.

    .venv/bin/python -m benchmarks.web_pages [--database PATH] [--seconds S] [--connections C]
        [--cache SECONDS] [--workers N]

Fills a database with 100,000 claims across 50 servers (benchmarks/dataset.py: the votes,
sources and statuses of working servers; kept at --database so later runs skip the minute it
takes), makes every server publish, and starts the real `claimbot web` as its own process
(rate limit off: every request comes from loopback). Then wrk (Debian's `wrk`), a load tool
in a separate process, keeps --connections connections busy on loopback for --seconds each:
first on every published claim page in random order, then on 500 of them ("hot claims", what
a news cycle's readers read), then on random index pages (the first pages of each server and
of each status filter, and searches). Reports wrk's latency
percentiles, requests per second, and the server's resident memory (VmRSS, and VmHWM, its
peak). --cache is CLAIMBOT_WEB_CACHE (default 60, as shipped; 0 renders every request);
--workers is CLAIMBOT_WEB_WORKERS (default 2, as shipped): with more than 1, the memory is
each process's peak, and the whole at the end (the supervising process and every worker:
resident, and proportional, which counts the pages they share once).

Targets: claim page p99 < 30 ms, index p99 < 50 ms, memory < 120 MB: each process's peak and,
with workers, the whole's proportional size (the page cache is full by then).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

from benchmarks.dataset import GUILD_BASE, Shape, fill
from benchmarks.harness import memory_kb
from bot.core.records import PublishedSite
from bot.storage.database import Database
from bot.storage.publishing import PUBLISHED_SQL
from tests.support.web_process import WebProcess

TARGETS_MS = {"claim pages": 30.0, "hot claims": 30.0, "index pages": 50.0}
HOT_CLAIMS = 500  # what readers of a news cycle read: a few hundred pages, not every one
RSS_TARGET_MB = 120.0
PATHS_PER_SCRIPT = 5_000
WORDS = ("inflation", "ferry", "budget", "rainfall", "chômage", "population", "debt", "wheat")
STATUSES = ("verified_true", "verified_false")


def slug(guild_index: int) -> str:
    return f"server-{guild_index}"


async def publish_every_server(path: Path, guilds: int) -> None:
    db = await Database.open(path)
    try:
        for index in range(guilds):
            site = PublishedSite(
                guild_id=GUILD_BASE + index,
                slug=slug(index),
                organization=f"Desk {index}",
                base_url="https://checks.example.org",
                enabled=True,
            )
            await db.save_published_site(site, actor_id=1)
    finally:
        await db.close()


def published_numbers(path: Path) -> list[tuple[int, int]]:
    """(server index, number) of every published claim."""
    with sqlite3.connect(path) as conn:
        rows = conn.execute(
            f"SELECT c.guild_id, c.number FROM claims c WHERE {PUBLISHED_SQL}"
        ).fetchall()
    return [(guild - GUILD_BASE, number) for guild, number in rows]


def lua_script(paths: list[str]) -> str:
    """A wrk script requesting `paths` at random (each thread seeds its own generator)."""
    listed = ",\n".join(f'  "{p}"' for p in paths)
    return (
        f"local paths = {{\n{listed}\n}}\n"
        "local n = #paths\n"
        "setup = function(thread) thread:set('seed', math.random(1, 1000000)) end\n"
        "init = function(args) math.randomseed(seed or os.time()) end\n"
        "request = function()\n"
        "  return wrk.format('GET', paths[math.random(1, n)])\n"
        "end\n"
    )


def index_paths(rng: random.Random, guilds: int) -> list[str]:
    paths = []
    for _ in range(PATHS_PER_SCRIPT):
        base = f"/{slug(rng.randrange(guilds))}/"
        kind = rng.random()
        if kind < 0.5:
            paths.append(base + ("" if rng.random() < 0.6 else f"?page={rng.randint(2, 5)}"))
        elif kind < 0.8:
            paths.append(f"{base}?status={rng.choice(STATUSES)}")
        else:
            paths.append(f"{base}?q={quote(rng.choice(WORDS))}")
    return paths


_LATENCY = re.compile(r"^\s+(50|75|90|99)%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
_RATE = re.compile(r"^Requests/sec:\s+([\d.]+)", re.MULTILINE)
_ERRORS = re.compile(r"Non-2xx or 3xx responses: (\d+)")


def milliseconds(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run_wrk(
    base: str, script: Path, *, seconds: int, connections: int, threads: int
) -> dict[str, float]:
    result = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "--timeout",
            "5s",
            "-s",
            str(script),
            base,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    out = result.stdout
    figures = {f"p{p}": milliseconds(v, u) for p, v, u in _LATENCY.findall(out)}
    rate = _RATE.search(out)
    figures["requests/s"] = float(rate.group(1)) if rate else 0.0
    errors = _ERRORS.search(out)
    figures["non-2xx"] = float(errors.group(1)) if errors else 0.0
    return figures


def memory_of(pid: int) -> tuple[float, float, str]:
    """The highest peak (VmHWM, MB) of the process or of its workers, the whole's
    proportional size now (Pss, MB: pages shared by the forked workers counted once), and a
    line on the whole."""
    workers = [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    processes = [pid, *workers]
    peak = max(memory_kb(p).get("VmHWM", 0) for p in processes) / 1024
    resident = sum(memory_kb(p).get("VmRSS", 0) for p in processes) / 1024
    proportional = sum(pss_kb(p) for p in processes) / 1024
    return (
        peak,
        proportional,
        (
            f"{len(workers)} worker(s): all {len(processes)} processes {resident:.0f} MB resident,"
            f" {proportional:.0f} MB proportional"
        ),
    )


def pss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1])
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--database", type=Path, default=None)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--cache", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install -y wrk")
    shape = Shape()
    with tempfile.TemporaryDirectory() as scratch:
        path = args.database or Path(scratch) / "web.db"
        if not path.exists():
            print(f"filling {path} ...", flush=True)
            fill(path, shape)
            asyncio.run(publish_every_server(path, shape.guilds))
        published = published_numbers(path)
        rng = random.Random(7)
        rng.shuffle(published)
        scripts = {
            "claim pages": [f"/{slug(g)}/claims/{n}" for g, n in published],
            "hot claims": [f"/{slug(g)}/claims/{n}" for g, n in published[:HOT_CLAIMS]],
            "index pages": index_paths(rng, shape.guilds),
        }
        env = {
            "CLAIMBOT_WEB_INTERVAL": "0",
            "CLAIMBOT_WEB_CACHE": str(args.cache),
            "CLAIMBOT_WEB_WORKERS": str(args.workers),
        }
        web = WebProcess(path, env=env)
        web.start()
        try:
            print(
                f"{shape.claims:,} claims, {len(published):,} published, {shape.guilds} servers; "
                f"cache {args.cache:g} s; {args.workers} worker(s); "
                f"wrk -c{args.connections} -t{args.threads} -d{args.seconds}s on {web.base}"
            )
            failed = False
            for name, paths in scripts.items():
                script = Path(scratch) / f"{name.replace(' ', '_')}.lua"
                script.write_text(lua_script(paths), encoding="utf-8")
                run_wrk(web.base, script, seconds=2, connections=args.connections, threads=1)
                figures = run_wrk(
                    web.base,
                    script,
                    seconds=args.seconds,
                    connections=args.connections,
                    threads=args.threads,
                )
                ok = figures.get("p99", 1e9) < TARGETS_MS[name] and figures["non-2xx"] == 0
                failed |= not ok
                print(
                    f"{name:12} p50 {figures.get('p50', 0):6.2f} ms"
                    f"  p90 {figures.get('p90', 0):6.2f} ms"
                    f"  p99 {figures.get('p99', 0):6.2f} ms  {figures['requests/s']:8.0f} req/s"
                    f"  non-2xx {figures['non-2xx']:.0f}  (target p99 < {TARGETS_MS[name]:.0f} ms)"
                    f"  {'ok' if ok else 'FAIL'}"
                )
            peak_mb, whole_mb, whole = memory_of(web.pid)
            ok = max(peak_mb, whole_mb) < RSS_TARGET_MB
            failed |= not ok
            print(
                f"memory: peak {peak_mb:.0f} MB per process; {whole}"
                f" (target < {RSS_TARGET_MB:.0f} MB)  {'ok' if ok else 'FAIL'}"
            )
        finally:
            web.stop()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
