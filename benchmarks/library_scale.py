"""The fact-check library at scale, as the bot holds it: start-up, memory, speed, quality.

    .venv/bin/python -m benchmarks.library_scale [--scale 100000] [--data DIR] [--db PATH]

The 14,231 Snopes fact-checks of CheckThat! 2022 Task 2A (and copies with a few words changed,
as benchmarks/claim_matching.py --scale makes them, up to `--scale`) are stored through the
storage API in a temporary database. Then, twice, a fresh process that first imports the bot
(bot.app.client, so memory starts from the bot's own baseline) times FactCheckLibrary.load(),
reads its RSS, and runs similar() on every Dev-Test tweet: p50/p99 per query (wall clock, and
the process's CPU time, which a busy shared machine inflates less) and MAP@5 with and without
the tweet's date. The first start finds no saved index and builds it; the second is a restart.
Then a third process times its poll of the library (CLAIMBOT_LIBRARY_POLL) with nothing new,
and the poll after another connection (another process, as far as SQLite can tell) imported
one fact-check and saved the scope's index: the poller loads it, building nothing.
`--scale 14231` measures quality on the original library alone.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.claim_matching import (
    _BASE_URL,
    DATA,
    _variants,
    average_precision_at_5,
    load_library,
    load_split,
    require_data,
)
from benchmarks.harness import memory_kb, percentile

_BATCH = 5_000


async def _store(path: Path, data: Path, scale: int) -> tuple[int, float]:
    from bot.core.records import ALL_SERVERS, NewFactCheck
    from bot.storage import Database

    originals = load_library(data)
    db = await Database.open(path)
    stored = 0
    started = time.perf_counter()
    try:
        batch: list[NewFactCheck] = []
        for claim in _variants(originals, max(scale, len(originals)), 1):
            batch.append(
                NewFactCheck(
                    url=_BASE_URL + claim.id,
                    claim_reviewed=claim.text,
                    title=claim.title or None,
                    publisher="Snopes",
                    published=claim.published.isoformat() if claim.published else None,
                    rating_name="Unknown",
                    rating_value=None,
                    best_rating=None,
                    worst_rating=None,
                    claimant=None,
                    language="en",
                )
            )
            if len(batch) == _BATCH:
                stored += (await db.import_fact_checks(ALL_SERVERS, batch, imported_by=None)).added
                batch = []
        if batch:
            stored += (await db.import_fact_checks(ALL_SERVERS, batch, imported_by=None)).added
    finally:
        await db.close()
    return stored, time.perf_counter() - started


async def _measure(path: Path, data: Path) -> dict[str, float]:
    """One bot start: load the library, then answer every Dev-Test tweet."""
    import bot.app.client  # noqa: F401  (the bot's own imports: its memory baseline)
    from bot.core.text import tweet_date
    from bot.services.factcheck_library import FactCheckLibrary
    from bot.storage import Database

    pid = os.getpid()
    baseline = memory_kb(pid)["VmRSS"]
    db = await Database.open(path)
    try:
        library = FactCheckLibrary(db)
        started = time.perf_counter()
        await library.load()
        load_seconds = time.perf_counter() - started
        loaded = memory_kb(pid)["VmRSS"]
        timings: list[float] = []
        cpu: list[float] = []
        dated: list[float] = []
        undated: list[float] = []
        for text, relevant in load_split(data, "Dev-Test"):
            when = tweet_date(text)
            started, cpu_started = time.perf_counter(), time.process_time()
            found = await library.similar(None, text, "en", when)
            timings.append(time.perf_counter() - started)
            cpu.append(time.process_time() - cpu_started)
            ranked = [m.fact_check.url.removeprefix(_BASE_URL) for m in found]
            dated.append(average_precision_at_5(ranked, relevant))
            found = await library.similar(None, text, "en", None)
            ranked = [m.fact_check.url.removeprefix(_BASE_URL) for m in found]
            undated.append(average_precision_at_5(ranked, relevant))
        timings.sort()
        cpu.sort()
        fact_checks = len(library)
    finally:
        await db.close()
    status = memory_kb(pid)
    return {
        "fact_checks": fact_checks,
        "load_s": load_seconds,
        "baseline_mb": baseline / 1024,
        "after_load_mb": loaded / 1024,
        "peak_mb": status["VmHWM"] / 1024,
        "p50_ms": percentile(timings, 0.5) * 1000,
        "p99_ms": percentile(timings, 0.99) * 1000,
        "max_ms": timings[-1] * 1000,
        "cpu_p50_ms": percentile(cpu, 0.5) * 1000,
        "cpu_p99_ms": percentile(cpu, 0.99) * 1000,
        "map5": sum(dated) / len(dated),
        "map5_undated": sum(undated) / len(undated),
        "queries": len(dated),
    }


async def _poll(path: Path) -> dict[str, float]:
    """A bot's polls: with nothing new, then after another process's import."""
    from bot.core.records import ALL_SERVERS, NewFactCheck
    from bot.services.factcheck_library import FactCheckLibrary
    from bot.storage import Database

    poller_db, importer_db = await Database.open(path), await Database.open(path)
    try:
        poller, importer = FactCheckLibrary(poller_db), FactCheckLibrary(importer_db)
        await poller.load()
        idle: list[float] = []
        for _ in range(200):
            started = time.perf_counter()
            await poller.refresh()
            idle.append(time.perf_counter() - started)
        idle.sort()
        new = NewFactCheck(
            url=f"{_BASE_URL}poll",
            claim_reviewed="A claim imported while bots run.",
            title=None,
            publisher=None,
            published=None,
            rating_name=None,
            rating_value=None,
            best_rating=None,
            worst_rating=None,
            claimant=None,
            language="en",
        )
        started = time.perf_counter()
        async with importer.importing(ALL_SERVERS) as hold:
            await importer_db.import_fact_checks(ALL_SERVERS, [new], imported_by=None)
            await hold.written()
        built = time.perf_counter() - started
        started = time.perf_counter()
        await poller.refresh()
        loaded = time.perf_counter() - started
        return {
            "idle_p50_ms": percentile(idle, 0.5) * 1000,
            "idle_p99_ms": percentile(idle, 0.99) * 1000,
            "import_and_build_s": built,
            "load_s": loaded,
            "poller_builds": poller.builds,
        }
    finally:
        await poller_db.close()
        await importer_db.close()


def _start(path: Path, data: Path, step: str = "--measure") -> dict[str, float]:
    command = [sys.executable, "-m", "benchmarks.library_scale", step, str(path)]
    out = subprocess.run(
        [*command, "--data", str(data)], check=True, capture_output=True, text=True
    ).stdout
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return result


def _report(name: str, r: dict[str, float]) -> None:
    print(
        f"{name}: {int(r['fact_checks'])} fact-checks loaded in {r['load_s']:.2f} s; RSS "
        f"{r['baseline_mb']:.0f} MB bot -> {r['after_load_mb']:.0f} MB loaded, "
        f"peak {r['peak_mb']:.0f} MB; similar() p50 {r['p50_ms']:.1f} ms p99 "
        f"{r['p99_ms']:.1f} ms max {r['max_ms']:.1f} ms (CPU p50 {r['cpu_p50_ms']:.1f} ms p99 "
        f"{r['cpu_p99_ms']:.1f} ms); Dev-Test ({int(r['queries'])}) "
        f"MAP@5 {r['map5']:.4f} (no date {r['map5_undated']:.4f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--scale", type=int, default=100_000)
    parser.add_argument("--db", type=Path, help="keep the database here (reused if it exists)")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--poll", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    require_data(args.data, ("Dev-Test",))
    if args.measure:
        print(json.dumps(asyncio.run(_measure(args.measure, args.data))))
        return
    if args.poll:
        print(json.dumps(asyncio.run(_poll(args.poll))))
        return
    with tempfile.TemporaryDirectory() as folder:
        path = args.db or Path(folder) / "library.db"
        if not path.exists():
            stored, took = asyncio.run(_store(path, args.data, args.scale))
            print(f"stored {stored} fact-checks through the storage API in {took:.1f} s")
        _report("first start", _start(path, args.data))
        _report("restart    ", _start(path, args.data))
        polled = _start(path, args.data, "--poll")
        print(
            f"poll       : nothing new p50 {polled['idle_p50_ms']:.2f} ms p99 "
            f"{polled['idle_p99_ms']:.2f} ms; another process imports 1 fact-check and saves "
            f"the index in {polled['import_and_build_s']:.1f} s, the poll then loads it in "
            f"{polled['load_s']:.2f} s ({int(polled['poller_builds'])} built by the poller)"
        )


if __name__ == "__main__":
    main()
