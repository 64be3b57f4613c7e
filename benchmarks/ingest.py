"""Vote ingest through the real path: fake gateway -> `python -m bot run` -> SQLite.

    .venv/bin/python -m benchmarks.ingest [--rate N] [--edit-interval S] [--edit-rate N]
                                          [--profile FILE] [--postgresql URL]
                                          [--against REV [--rounds N]]

`--against REV` runs the same benchmark on the bot of git revision REV too, in the same
run: REV's tree is unpacked with `git archive` (tools/releases.py) and its `python -m bot
run` is started with that tree first on PYTHONPATH (its own code and migrations, a fresh
database each run). `--rounds N` alternates this tree and REV N times (who goes first
alternating too) and ends with both medians side by side.

`--postgresql URL` runs the bot on that (empty) PostgreSQL database instead (DATABASE_URL);
the poller and the checks read it there, and the plain baseline is psycopg's `executemany`
of the same rows on the same server and tables (the vote log emptied after the checks), so
the ratio is the bot's PostgreSQL ingest to plain PostgreSQL inserts (>= 0.5).

The bot runs as its own process, started the way a user starts it (`python -m bot run`,
tests/support/process.py), pointed at the local fake Discord (tests/fake_discord), which
stays in this process: the fake's own CPU (aiohttp, gateway encoding, answering the
bot's REST calls) is no longer charged to the bot, as in production where Discord is
remote; on a 2-core machine the bot and the fake can have a core each. The bot gets
CLAIMBOT_EDIT_INTERVAL, CLAIMBOT_EDIT_RATE (if the bot has that setting),
CLAIMBOT_SUBMIT_COOLDOWN=0 and LOG_LEVEL=WARNING; its log goes to a file shown on
failure.

Setup: a server with a review channel (`/claimbot setup`, everyone may vote), 500
claims posted through `/claim add`, 1,000 reviewers. Then each reviewer reacts once on
20 distinct claims: 20,000 reaction-add events, all queued on the fake gateway at once
and written to the bot's websocket as fast as the fake sends (or paced with `--rate`).
Events/s is 20,000 over first frame sent -> last vote committed.

Timing, with no hooks in the bot (it runs unmodified):

* sent: each frame is stamped (`time.perf_counter`) when the fake's connection writer
  has handed it to the websocket (a wrap of the fake's send in this process).
* committed: a small poller process (POLLER below) reads the bot's database read-only
  (WAL allows a concurrent reader) every ~1 ms, `SELECT max(id) FROM vote_events`, and
  records (time, max id) whenever it changes. The bot is the only writer and assigns
  event ids in commit order (one transaction per batch, ids max+1 upwards), so the event
  with id X is committed at the first poll that sees max(id) >= X. The vote log is
  empty before the burst (checked), and every reaction of the burst is a first vote, so
  each one is exactly one row; after the burst the rows are read back and matched to
  the frames by (claim, reviewer), so no assumption about arrival order is needed
  (whether the bot kept it is reported). The poll stamp is taken after the read, so a
  commit is never dated early; it may be dated late by up to one poll gap: ~1 ms, more
  when the 2 cores are busy (the measured gaps are in the table). `time.perf_counter`
  is CLOCK_MONOTONIC on Linux, system-wide, so the poller's stamps and the fake's are
  comparable. (A poller thread in this process was held off the GIL by the fake's
  event loop for up to ~80 ms at a time; a process is not.)
* handled: each vote's `created_at`, the wall-clock time the bot's handler built it,
  mapped onto CLOCK_MONOTONIC; it splits event -> commit into gateway and discord.py
  (event -> handler) and the bot's own ingest (handler -> commit).

It then waits until the review messages settle (no edit for 2 x interval + 1 s), checks
from the database that every vote was counted exactly once, from the fake's message
state that each claim's final embed shows the right counts, that no reaction was
removed and that the bot logged no warning of its own and no error (discord.py's
warnings are listed, not failures). It reports the edits per review message, the edit
rate the bot kept to, the bot process's peak resident memory during the burst (VmHWM,
reset just before it via /proc/PID/clear_refs) and the CPU seconds used by the bot
process, by this process (fake + driver) and by the poller, from /proc/PID/stat.
The bot is stopped with SIGTERM and must exit 0 within 15 s.
Finally the same rows are inserted with plain aiosqlite `executemany`, `--batch` rows
per transaction, into a copy of the bot's database taken just before the burst (SQLite
backup API; same schema, pragmas, claims and statements).

Targets: the bot sustains >= 5,000 events/s and >= half the plain insert rate, with the
p99 from event to committed vote under 50 ms. Exits 1 if a correctness check fails;
missed targets are reported, not failures.

Options: `--rate N` paces the reactions at N/s (latency below saturation; events/s is
then capped at N). `--edit-interval S` and `--edit-rate N` are passed to the bot as
CLAIMBOT_EDIT_INTERVAL and CLAIMBOT_EDIT_RATE (defaults: the bot's own, 2 s and 5/s);
at 5 edits/s the 500 review messages take ~100 s to catch up after the burst, which
is most of the run time (~2 minutes). `--profile FILE` profiles the bot process's
event loop during the burst only (a small harness runs `python -m bot run` with
cProfile switched on by SIGUSR1 and off by SIGUSR2; SQL runs in the database thread and
shows up as waiting) and prints the top functions; cProfile roughly halves the bot's
speed, so the table's rates are not comparable in that run.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import collections
import itertools
import os
import pstats
import random
import re
import signal
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiosqlite
from rich.console import Console
from rich.table import Table

from benchmarks.harness import (
    copy_database,
    cpu_seconds,
    memory_kb,
    percentile,
    read_only_uri,
    reader,
    reset_peak_rss,
    wait_for_log,
)
from bot.config import Settings
from bot.storage.database import Database
from tests.fake_discord import FakeDiscord, InteractionRecord, running_fake
from tests.support.process import BotProcess
from tests.support.world import World, build_world, setup_review

VOTE_EMOJI = {"supported": "✅", "refuted": "❌", "unverifiable": "❓", "misleading": "⚠️"}
VOTES = tuple(VOTE_EMOJI)
REACTION_ADD = "MESSAGE_REACTION_ADD"
TARGET_EVENTS_PER_SECOND = 5_000
TARGET_RATIO = 0.5
TARGET_P99_MS = 50.0
POLL_SECONDS = 0.001
STOP_TIMEOUT = 15.0
POST_CONCURRENCY = 8

PLACES = ("Rotterdam", "Antwerp", "Hamburg", "Valencia", "Piraeus", "Gdansk", "Genoa", "Lisbon")
SUBJECTS = (
    ("port", "handled", "containers"),
    ("airport", "served", "passengers"),
    ("council", "approved", "housing permits"),
    ("hospital", "treated", "patients"),
    ("university", "enrolled", "students"),
)
# `python -m bot run` logs "%(asctime)s %(levelname)-7s %(name)s: %(message)s" (bot/cli/run.py).
LOG_RECORD = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ (?P<level>[A-Z]+)\s+(?P<name>\S+): ")

# The commit poller, run as its own process (`python -c POLLER URI SECONDS`): a thread
# here would wait for the GIL behind the fake's event loop, for up to ~80 ms at a time.
# It prints "C <time> <max id>" on every change, and when its stdin closes, the time of
# every poll ("P ...") and its own CPU seconds ("CPU ...").
POLLER = """
import select, sqlite3, sys, time
uri, interval = sys.argv[1], float(sys.argv[2])
if uri.startswith("postgresql://"):
    import psycopg
    conn = psycopg.connect(uri, autocommit=True)
else:
    conn = sqlite3.connect(uri, uri=True)
polls, latest, out = [], -1, sys.stdout
while not select.select([sys.stdin], [], [], interval)[0]:
    # fetchall: the statement, and with it the read transaction, ends here
    (row,) = conn.execute("SELECT coalesce(max(id), 0) FROM vote_events").fetchall()
    now = time.perf_counter()
    polls.append(now)
    if row[0] != latest:
        latest = row[0]
        out.write(f"C {now!r} {latest}\\n")
        out.flush()
for start in range(0, len(polls), 1000):
    out.write("P " + " ".join(map(repr, polls[start : start + 1000])) + "\\n")
out.write(f"CPU {time.process_time()!r}\\n")
"""

# `--profile`: runs `python -m bot run` under this harness instead, which profiles the
# main thread (the event loop) from SIGUSR1 to SIGUSR2 and then writes the stats file.
PROFILE_HARNESS = """
import cProfile, runpy, signal, sys
out = sys.argv[1]
profiler = cProfile.Profile()
def begin(signum, frame):
    profiler.enable()
def end(signum, frame):
    profiler.disable()
    profiler.dump_stats(out)
signal.signal(signal.SIGUSR1, begin)
signal.signal(signal.SIGUSR2, end)
sys.argv = ["bot", *sys.argv[sys.argv.index("-m") + 2 :]]
runpy.run_module("bot", run_name="__main__", alter_sys=True)
"""

Key = tuple[int, int]  # (claim id, reviewer id)
Row = tuple[int, int, int, str, str, float]  # a vote_events row without its id


@dataclass(frozen=True, slots=True)
class Vote:
    reviewer: int  # index into the reviewers
    claim: int  # index into the posted claims
    vote: str


@dataclass(frozen=True, slots=True)
class PostedClaim:
    claim_id: int
    message_id: int
    guild_id: int


@dataclass
class Results:
    events: int = 0
    sent: dict[Key, float] = field(default_factory=dict)
    committed: dict[Key, float] = field(default_factory=dict)
    handled: dict[Key, float] = field(default_factory=dict)  # the bot's handler saw it
    out_of_order: int = 0
    commits_seen: int = 0
    poll_gaps_ms: list[float] = field(default_factory=list)
    edits: list[int] = field(default_factory=list)
    edit_samples: list[tuple[float, int]] = field(default_factory=list)
    last_edit_at: float = 0.0
    rss_before_kb: int = 0
    peak_burst_kb: int = 0
    peak_total_kb: int = 0
    rss_after_kb: int = 0
    peak_reset: bool = False
    cpu_bot_burst: float = 0.0
    cpu_bench_burst: float = 0.0
    cpu_poller: float = 0.0
    wall_burst: float = 0.0
    cpu_bot_edits: float = 0.0
    cpu_bench_edits: float = 0.0
    wall_edits: float = 0.0
    exit_code: int | None = None
    exit_seconds: float = 0.0
    plain_seconds: float = 0.0
    log_notes: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


# -- the workload ------------------------------------------------------------------------


def claim_texts(count: int) -> list[str]:
    """Distinct statements whose word sets stay well below the near-duplicate threshold."""
    texts = []
    for i in range(count):
        noun, verb, things = SUBJECTS[i % len(SUBJECTS)]
        place = PLACES[(i // len(SUBJECTS)) % len(PLACES)]
        year = 1990 + (i * 7) % 35
        texts.append(f"The {noun} of {place} {verb} {1_000 + i * 37} {things} in {year}.")
    return texts


def plan_votes(claims: int, reviewers: int, per_reviewer: int, seed: int) -> list[Vote]:
    """Each reviewer votes once on `per_reviewer` consecutive claims (mod `claims`),
    with a random vote; the events are shuffled."""
    rng = random.Random(seed)
    votes = [
        Vote(reviewer, (reviewer * per_reviewer + j) % claims, rng.choice(VOTES))
        for reviewer in range(reviewers)
        for j in range(per_reviewer)
    ]
    rng.shuffle(votes)
    return votes


def is_posted(rec: InteractionRecord) -> bool:
    return (rec.final_content() or "").startswith("Posted")


# -- the bot process, seen from outside ----------------------------------------------------


class CommitPoller:
    """Polls `max(id)` of vote_events every ~1 ms from its own process (POLLER) and
    records (time, max id) whenever it changes."""

    def __init__(self, database: Path | str, interval: float = POLL_SECONDS) -> None:
        self.database = database
        self.interval = interval
        self.times: list[float] = []  # when max(id) changed ...
        self.max_ids: list[int] = []  # ... to this
        self.polls: list[float] = []  # every poll, once stopped
        self.latest = -1
        self.cpu_seconds = 0.0
        self.process: asyncio.subprocess.Process | None = None
        self._reader: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Start polling; returns after the first poll."""
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            POLLER,
            self.database if isinstance(self.database, str) else read_only_uri(self.database),
            str(self.interval),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        self._reader = asyncio.create_task(self._read(self.process))
        while self.latest < 0:
            self.check()
            await asyncio.sleep(0.005)

    async def _read(self, process: asyncio.subprocess.Process) -> None:
        assert process.stdout is not None
        async for line in process.stdout:
            kind, *values = line.split()
            if kind == b"C":
                self.times.append(float(values[0]))
                self.max_ids.append(int(values[1]))
                self.latest = int(values[1])
            elif kind == b"P":
                self.polls.extend(float(v) for v in values)
            elif kind == b"CPU":
                self.cpu_seconds = float(values[0])

    def check(self) -> None:
        if self._reader is not None and self._reader.done():
            raise RuntimeError("the commit poller stopped early (see its stderr above)")

    async def stop(self) -> None:
        """Stop polling (closing its stdin) and collect every poll's time."""
        if self.process is None or self.process.stdin is None:
            return
        self.process.stdin.close()
        await self.process.wait()
        if self._reader is not None:
            await self._reader

    def gaps_ms(self, start: float, end: float) -> list[float]:
        """Sorted gaps between consecutive polls in [start, end]: the resolution."""
        polls = [t for t in self.polls if start <= t <= end]
        return sorted((b - a) * 1000 for a, b in itertools.pairwise(polls))

    def committed_at(self, event_id: int) -> float | None:
        """When the first poll saw `event_id` committed (max ids only grow)."""
        index = bisect.bisect_left(self.max_ids, event_id)
        return self.times[index] if index < len(self.times) else None


def log_records(path: Path) -> list[tuple[str, str, str]]:
    """(level, logger, first line) of each record the bot logged."""
    records = []
    if path.exists():
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            match = LOG_RECORD.match(line)
            if match:
                records.append((match["level"], match["name"], line))
    return records


# -- the runs ----------------------------------------------------------------------------


async def post_claims(world: World, database: Path | str, texts: list[str]) -> list[PostedClaim]:
    """`/claim add` each text as the outsider, then read the posted claims back."""
    gate = asyncio.Semaphore(POST_CONCURRENCY)

    async def add(text: str) -> None:
        async with gate:
            rec = await world.slash(world.outsider, "claim add", {"text": text})
            await world.fake.wait_for(lambda: is_posted(rec), timeout=30, what="Posted")

    await asyncio.gather(*(add(text) for text in texts))
    with reader(database) as conn:
        rows = conn.execute(
            "SELECT id, message_id, guild_id FROM claims WHERE message_id IS NOT NULL"
            " AND thread_id IS NOT NULL ORDER BY id"
        ).fetchall()
    claims = [PostedClaim(int(c), int(m), int(g)) for c, m, g in rows]
    assert len(claims) == len(texts), f"{len(claims)} posted claims for {len(texts)} texts"
    return claims


async def barrier(world: World) -> None:
    """`/claimbot ping` answered: the bot has read every frame the fake sent before it."""
    rec = await world.slash(world.admin, "claimbot ping")
    assert "Pong" in str((rec.callback or {}).get("data", {}).get("content")), rec.callback


def time_gateway_writes(
    fake: FakeDiscord, claim_of: dict[int, int], sent: dict[Key, float]
) -> None:
    """Stamp each reaction-add frame when the fake has written it to the bot's websocket.

    The fake's connection writer sends queued frames in order, one `ws.send_str` per
    `Connection.send`, so a FIFO of keys pairs each write with its event.
    """
    sessions = [s for s in fake.gateway.sessions.values() if s.conn is not None]
    assert len(sessions) == 1, "expected exactly one connected bot session"
    conn = sessions[0].conn
    assert conn is not None and conn.queue.empty(), "the fake still has frames to send"
    pending: collections.deque[Key | None] = collections.deque()
    original_send, original_send_str = conn.send, conn.ws.send_str

    def send(payload: dict[str, Any]) -> None:
        key = None
        if payload.get("t") == REACTION_ADD:
            data = payload["d"]
            key = (claim_of[int(data["message_id"])], int(data["user_id"]))
        pending.append(key)
        original_send(payload)

    async def send_str(data: str, compress: int | None = None) -> None:
        await original_send_str(data, compress)
        key = pending.popleft()
        if key is not None:
            sent[key] = time.perf_counter()

    conn.send = send  # type: ignore[method-assign]
    conn.ws.send_str = send_str  # type: ignore[method-assign]


async def send_burst(
    fake: FakeDiscord, world: World, events: list[tuple[int, int, str]], rate: float
) -> None:
    """Users react: all at once (the fake queues every event, then writes as fast as it
    can), or paced at `rate` events/s."""
    started = time.perf_counter()
    for i, (user, message_id, emoji) in enumerate(events):
        if rate:
            delay = started + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
        await fake.user_add_reaction(user, world.review_channel_id, message_id, emoji)


async def wait_committed(bot: BotProcess, poller: CommitPoller, target: int, within: float) -> None:
    deadline = time.monotonic() + within
    while poller.latest < target:
        poller.check()
        if not bot.running:
            raise RuntimeError(f"the bot exited during the burst:\n{bot.log_tail()}")
        if time.monotonic() > deadline:
            raise TimeoutError(
                f"{poller.latest} of {target} vote events committed after {within:.0f} s"
            )
        await asyncio.sleep(0.005)


async def wait_edits_settle(
    fake: FakeDiscord, claims: list[PostedClaim], quiet: float, within: float
) -> list[tuple[float, int]]:
    """Sample the total edits of the review messages every 0.1 s until none came for
    `quiet` seconds; returns the (time, total edits) samples."""
    samples: list[tuple[float, int]] = []
    deadline = time.perf_counter() + within
    last_change = time.perf_counter()
    while True:
        now = time.perf_counter()
        total = sum(fake.edits_of(c.message_id) for c in claims)
        if not samples or total != samples[-1][1]:
            last_change = now
        samples.append((now, total))
        if now - last_change >= quiet:
            return samples
        if now > deadline:
            raise TimeoutError(f"review messages still being edited after {within:.0f} s")
        await asyncio.sleep(0.1)


def peak_edit_rate(samples: list[tuple[float, int]]) -> float:
    """Most edits seen in any 1 s window of the samples."""
    peak = 0
    j = 0
    for i, (start, edits) in enumerate(samples):
        j = max(j, i)
        while j + 1 < len(samples) and samples[j + 1][0] - start <= 1.0:
            j += 1
        peak = max(peak, samples[j][1] - edits)
    return float(peak)


def bot_env(args: argparse.Namespace) -> dict[str, str]:
    env = {
        "CLAIMBOT_SUBMIT_COOLDOWN": "0",
        "CLAIMBOT_EDIT_INTERVAL": f"{args.edit_interval:g}",
        "LOG_LEVEL": "INFO",  # for the end of the start-up catch-up
    }
    if args.edit_rate is not None:
        env["CLAIMBOT_EDIT_RATE"] = f"{args.edit_rate:g}"
    if args.postgresql:
        env["DATABASE_URL"] = args.postgresql
    if args.tree is not None:
        env["PYTHONPATH"] = str(args.tree)  # REV's bot before this tree's (--against)
    return env


async def run_bot(
    args: argparse.Namespace, workdir: Path, votes: list[Vote]
) -> tuple[Results, list[Row]]:
    """Set up, burst, verify; returns the results and the rows the burst should store."""
    results = Results()
    database: Path | str = args.postgresql or workdir / "claimbot.db"
    rows: list[Row] = []
    async with running_fake() as fake:
        started = time.perf_counter()
        world = build_world(fake, "Bench")
        bot = BotProcess(
            fake,
            workdir / "claimbot.db",
            env=bot_env(args),
            log_path=workdir / "bot.log",
            python_args=["-c", PROFILE_HARNESS, str(args.profile)] if args.profile else (),
        )
        try:
            await bot.start()
            # Votes arriving during a catch-up are handled right, but the catch-up's own
            # corrections would then count as ingest: start the clock after it.
            await wait_for_log(bot, r"catch-up read \d+ review messages", timeout=60)
            await setup_review(world, reviewer_role=False)
            claims = await post_claims(world, database, claim_texts(args.claims))
            reviewers = [
                fake.add_member(world.guild_id, f"voter{i}") for i in range(args.reviewers)
            ]
            await barrier(world)
            with reader(database) as conn:
                ((before,),) = conn.execute("SELECT count(*) FROM vote_events").fetchall()
            if before:
                raise RuntimeError(f"the vote log holds {before} events before the burst")
            print(
                f"setup: bot process {bot.pid}, {len(claims)} claims posted through /claim add,"
                f" {len(reviewers)} reviewers, in {time.perf_counter() - started:.1f} s",
                flush=True,
            )
            if isinstance(database, Path):
                copy_database(database, workdir / "plain.db")

            edits_before = [fake.edits_of(c.message_id) for c in claims]
            time_gateway_writes(fake, {c.message_id: c.claim_id for c in claims}, results.sent)
            events = [
                (reviewers[v.reviewer], claims[v.claim].message_id, VOTE_EMOJI[v.vote])
                for v in votes
            ]
            results.rss_before_kb = memory_kb(bot.pid)["VmRSS"]
            results.peak_reset = reset_peak_rss(bot.pid)
            poller = CommitPoller(database)
            await poller.start()
            cpu_bot, cpu_bench = cpu_seconds(bot.pid), cpu_seconds(os.getpid())
            wall = time.perf_counter()
            if args.profile:
                os.kill(bot.pid, signal.SIGUSR1)
            try:
                await send_burst(fake, world, events, args.rate)
                await wait_committed(bot, poller, len(votes), args.timeout)
                if args.profile:
                    os.kill(bot.pid, signal.SIGUSR2)
            finally:
                await poller.stop()
            results.wall_burst = time.perf_counter() - wall
            results.cpu_bot_burst = cpu_seconds(bot.pid) - cpu_bot
            results.cpu_bench_burst = cpu_seconds(os.getpid()) - cpu_bench
            results.cpu_poller = poller.cpu_seconds
            results.peak_burst_kb = memory_kb(bot.pid)["VmHWM"]
            results.commits_seen = len(poller.max_ids)
            results.poll_gaps_ms = poller.gaps_ms(min(results.sent.values()), poller.times[-1])

            cpu_bot, cpu_bench = cpu_seconds(bot.pid), cpu_seconds(os.getpid())
            wall = time.perf_counter()
            quiet = 2 * args.edit_interval + 1
            budget = args.claims / (args.edit_rate or 5.0) + quiet + 60
            results.edit_samples = await wait_edits_settle(fake, claims, quiet, budget)
            results.wall_edits = time.perf_counter() - wall
            results.cpu_bot_edits = cpu_seconds(bot.pid) - cpu_bot
            results.cpu_bench_edits = cpu_seconds(os.getpid()) - cpu_bench
            results.last_edit_at = next(
                t for t, total in results.edit_samples if total == results.edit_samples[-1][1]
            )
            results.peak_total_kb = memory_kb(bot.pid)["VmHWM"]
            results.rss_after_kb = memory_kb(bot.pid)["VmRSS"]
            results.edits = [
                fake.edits_of(c.message_id) - e for c, e in zip(claims, edits_before, strict=True)
            ]

            stored = match_commits(database, poller, results)
            results.failures += verify(database, world, claims, reviewers, votes, stored)
            removed = fake.requests_to("DELETE", r"/channels/\d+/messages/\d+/reactions/.+")
            if removed:
                results.failures.append(f"the bot removed {len(removed)} valid reactions")
            stopping = time.perf_counter()
            results.exit_code = await bot.stop(STOP_TIMEOUT)
            results.exit_seconds = time.perf_counter() - stopping
            if bot.killed:
                results.failures.append(f"the bot did not exit within {STOP_TIMEOUT:.0f} s")
            elif results.exit_code != 0:
                results.failures.append(f"the bot exited with {results.exit_code} on SIGTERM")
        except BaseException:
            print(f"bot log ({bot.log_path}):\n{bot.log_tail()}", file=sys.stderr)
            raise
        finally:
            await bot.stop(STOP_TIMEOUT)
        for level, name, line in log_records(bot.log_path):
            if level in ("DEBUG", "INFO"):
                continue
            if name.startswith("claimbot") or level in ("ERROR", "CRITICAL"):
                results.failures.append(f"the bot logged: {line}")
            else:
                results.log_notes.append(line)
        if fake.internal_errors:
            results.failures.append(f"{len(fake.internal_errors)} internal errors in the fake")
        if fake.unhandled:
            results.failures.append(f"{len(fake.unhandled)} requests to unknown routes")
        rows = [
            (
                claims[v.claim].guild_id,
                claims[v.claim].claim_id,
                reviewers[v.reviewer],
                v.vote,
                "reaction",
                time.time(),
            )
            for v in votes
        ]
    if args.profile:
        print(f"bot process profile, burst only: {args.profile}")
        stats = pstats.Stats(str(args.profile))
        stats.sort_stats("tottime").print_stats(30)
        stats.sort_stats("cumulative").print_stats(30)
    return results, rows


def match_commits(database: Path | str, poller: CommitPoller, results: Results) -> dict[Key, str]:
    """Read the burst's rows back, date each one's commit, and note arrival order.

    Returns {(claim, reviewer): vote} of the stored events."""
    with reader(database) as conn:
        rows = conn.execute(
            "SELECT id, claim_id, reviewer_id, vote, created_at FROM vote_events ORDER BY id"
        ).fetchall()
    # created_at is the wall-clock time the bot's handler built the vote; the sent and
    # commit stamps are perf_counter (CLOCK_MONOTONIC, system-wide): map one onto the other.
    wall_to_monotonic = time.perf_counter() - time.time()
    stored: dict[Key, str] = {}
    order: list[Key] = []
    for event_id, claim_id, reviewer_id, vote, created_at in rows:
        key = (int(claim_id), int(reviewer_id))
        stored[key] = vote
        order.append(key)
        if key in results.sent:
            results.handled[key] = float(created_at) + wall_to_monotonic
        at = poller.committed_at(int(event_id))
        if at is not None and key in results.sent:
            results.committed[key] = at
    results.events = len(results.committed)
    # Events stored after one that was sent later: overtaken on the way in.
    rank = {key: i for i, key in enumerate(sorted(results.sent, key=results.sent.__getitem__))}
    highest = -1
    for key in order:
        if key not in rank:
            continue
        if rank[key] < highest:
            results.out_of_order += 1
        highest = max(highest, rank[key])
    return stored


def verify(
    database: Path | str,
    world: World,
    claims: list[PostedClaim],
    reviewers: list[int],
    votes: list[Vote],
    stored: dict[Key, str],
) -> list[str]:
    """Every vote logged exactly once, current votes exact, every embed's counts right."""
    failures = []
    expected: dict[int, dict[int, str]] = {c.claim_id: {} for c in claims}
    for vote in votes:
        expected[claims[vote.claim].claim_id][reviewers[vote.reviewer]] = vote.vote
    with reader(database) as conn:
        logged: collections.defaultdict[int, list[tuple[int, str]]] = collections.defaultdict(list)
        for claim_id, reviewer_id, vote in conn.execute(
            "SELECT claim_id, reviewer_id, vote FROM vote_events"
        ).fetchall():
            logged[int(claim_id)].append((int(reviewer_id), vote))
        current: collections.defaultdict[int, dict[int, str]] = collections.defaultdict(dict)
        for claim_id, reviewer_id, vote in conn.execute(
            "SELECT claim_id, reviewer_id, vote FROM claim_votes"
        ).fetchall():
            current[int(claim_id)][int(reviewer_id)] = vote
    total = sum(len(events) for events in logged.values())
    if total != len(votes):
        failures.append(f"{total} vote events stored for {len(votes)} reactions")
    for claim in claims:
        want = expected[claim.claim_id]
        if sorted(logged[claim.claim_id], key=str) != sorted(want.items(), key=str):
            failures.append(f"claim {claim.claim_id}: the vote log differs")
        if current[claim.claim_id] != want:
            failures.append(f"claim {claim.claim_id}: the current votes differ")
        counts = collections.Counter(want.values())
        shown = "  ".join(f"{VOTE_EMOJI[v]} {counts[v]}" for v in VOTES)
        message = world.fake.message(world.review_channel_id, claim.message_id)
        embed = message["embeds"][0] if message and message["embeds"] else {}
        field_values = {f["name"]: f["value"] for f in embed.get("fields", [])}
        if field_values.get("Votes") != shown:
            failures.append(
                f"claim {claim.claim_id}: embed shows {field_values.get('Votes')!r}, not {shown!r}"
            )
    if len(stored) != len(votes):
        failures.append(f"{len(stored)} distinct (claim, reviewer) events for {len(votes)} votes")
    return failures


def plain_inserts_postgresql(url: str, rows: list[Row], batch: int) -> float:
    """The PostgreSQL baseline: the vote log and current votes emptied (after the checks),
    then the same rows with psycopg's `executemany` (pipelined), `batch` rows per
    transaction, into the bot's own tables on the same server. Returns the seconds."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DELETE FROM claim_votes")
        conn.execute("DELETE FROM vote_events")
        conn.execute("VACUUM ANALYZE vote_events")
        conn.execute("VACUUM ANALYZE claim_votes")
        (row,) = conn.execute("SELECT coalesce(max(id), 0) FROM vote_events").fetchall()
        next_id = int(row[0]) + 1
        started = time.perf_counter()
        with conn.cursor() as cur:
            for start in range(0, len(rows), batch):
                chunk = rows[start : start + batch]
                ids = range(next_id, next_id + len(chunk))
                next_id += len(chunk)
                with conn.transaction():
                    cur.executemany(
                        "INSERT INTO vote_events (id, guild_id, claim_id, reviewer_id, vote,"
                        " origin, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                        [(i, *r) for i, r in zip(ids, chunk, strict=True)],
                    )
                    cur.executemany(
                        "INSERT INTO claim_votes (claim_id, reviewer_id, vote, event_id,"
                        " updated_at) VALUES (%s, %s, %s, %s, %s) ON CONFLICT (claim_id,"
                        " reviewer_id) DO UPDATE SET vote = excluded.vote,"
                        " event_id = excluded.event_id, updated_at = excluded.updated_at",
                        [(r[1], r[2], r[3], i, r[5]) for i, r in zip(ids, chunk, strict=True)],
                    )
        seconds = time.perf_counter() - started
        ((count,),) = conn.execute("SELECT count(*) FROM claim_votes").fetchall()
    assert count == len(rows), f"plain inserts stored {count} votes"
    return seconds


async def plain_inserts(path: Path, rows: list[Row], batch: int) -> float:
    """The baseline: the rows into vote_events and claim_votes with `executemany`, `batch`
    rows per transaction, with the bot's pragmas and statements. Returns the seconds."""
    await (await Database.open(path)).close()  # the bot's schema, migrations checked
    async with aiosqlite.connect(path, isolation_level=None) as conn:
        for pragma in ("journal_mode = WAL", "synchronous = NORMAL", "foreign_keys = ON"):
            await conn.execute(f"PRAGMA {pragma}")
        async with conn.execute("SELECT coalesce(max(id), 0) FROM vote_events") as cur:
            row = await cur.fetchone()
        next_id = int(row[0]) + 1 if row else 1
        started = time.perf_counter()
        for start in range(0, len(rows), batch):
            chunk = rows[start : start + batch]
            ids = range(next_id, next_id + len(chunk))
            next_id += len(chunk)
            await conn.execute("BEGIN IMMEDIATE")
            await conn.executemany(
                "INSERT INTO vote_events (id, guild_id, claim_id, reviewer_id, vote, origin,"
                " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(i, *r) for i, r in zip(ids, chunk, strict=True)],
            )
            await conn.executemany(
                "INSERT INTO claim_votes (claim_id, reviewer_id, vote, event_id, updated_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (claim_id, reviewer_id) DO UPDATE SET"
                " vote = excluded.vote, event_id = excluded.event_id,"
                " updated_at = excluded.updated_at",
                [(r[1], r[2], r[3], i, r[5]) for i, r in zip(ids, chunk, strict=True)],
            )
            await conn.execute("COMMIT")
        seconds = time.perf_counter() - started
        async with conn.execute("SELECT count(*) FROM claim_votes") as cur:
            row = await cur.fetchone()
    assert row is not None and row[0] == len(rows), f"plain inserts stored {row and row[0]} votes"
    return seconds


# -- report ------------------------------------------------------------------------------


def spans_ms(start: dict[Key, float], end: dict[Key, float]) -> list[float]:
    return sorted((end[key] - start[key]) * 1000 for key in end if key in start)


def report(args: argparse.Namespace, results: Results) -> None:
    """One table: rates, latencies, edits, resources and correctness, against targets."""
    first_sent = min(results.sent.values(), default=0.0)

    def seconds_to_last(stamps: dict[Key, float]) -> float:
        return max(max(stamps.values(), default=0.0) - first_sent, 1e-9)

    def outcome(ok: bool, good: str = "met", bad: str = "MISSED") -> str:
        return f"[green]{good}[/]" if ok else f"[bold red]{bad}[/]"

    def cpu(seconds: float, wall: float) -> str:
        return f"{seconds:.2f} s ({seconds / max(wall, 1e-9):.0%} of a core)"

    events = results.events
    burst = seconds_to_last(results.committed)
    bot_rate = events / burst
    plain_rate = events / results.plain_seconds if results.plain_seconds else 0.0
    ratio = bot_rate / plain_rate if plain_rate else 0.0
    latencies = spans_ms(results.sent, results.committed)
    p99 = percentile(latencies, 0.99)
    edits = results.edits or [0]
    settled = max(results.last_edit_at - first_sent, 0.0)
    # A claim is edited at most once per interval, plus the first edit.
    edit_bound = int(settled / args.edit_interval) + 2 if args.edit_interval else None
    peak_edits = peak_edit_rate(results.edit_samples)
    mode = f"paced at {args.rate:,.0f}/s" if args.rate else "all queued at once"
    gaps = results.poll_gaps_ms
    mb = 1024

    table = Table(
        title=f"Vote ingest: {events:,} reactions, {args.claims:,} claims ({mode}),"
        " bot in its own process",
        caption="times are from the first frame the fake sent; latencies from each frame",
    )
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_column("target", justify="right")
    sent = seconds_to_last(results.sent)
    table.add_row("fake: last frame sent", f"{sent:.2f} s ({events / sent:,.0f}/s)", "")
    table.add_row("bot: last vote committed", f"{burst:.2f} s", "")
    table.add_row(
        "bot: events/s committed",
        f"{bot_rate:,.0f}",
        f">= {TARGET_EVENTS_PER_SECOND:,} {outcome(bot_rate >= TARGET_EVENTS_PER_SECOND)}",
    )
    backend = "PostgreSQL" if args.postgresql else "SQLite"
    table.add_row(f"plain {backend} inserts: rows/s ({args.batch}/txn)", f"{plain_rate:,.0f}", "")
    table.add_row(
        "bot / plain", f"{ratio:.2f}", f">= {TARGET_RATIO} {outcome(ratio >= TARGET_RATIO)}"
    )
    table.add_row("event -> commit p50", f"{percentile(latencies, 0.5):,.0f} ms", "")
    table.add_row(
        "event -> commit p99",
        f"{p99:,.0f} ms",
        f"< {TARGET_P99_MS:.0f} ms {outcome(p99 < TARGET_P99_MS)}",
    )
    table.add_row("event -> commit max", f"{percentile(latencies, 1.0):,.0f} ms", "")
    for label, part in (
        ("  event -> handler", spans_ms(results.sent, results.handled)),
        ("  handler -> commit", spans_ms(results.handled, results.committed)),
    ):
        table.add_row(
            f"{label} p50 / p99 / max",
            " / ".join(f"{percentile(part, q):.0f}" for q in (0.5, 0.99, 1.0)) + " ms",
            "",
        )
    table.add_row(
        "  commit poll gap p50 / p99 / max",
        f"{percentile(gaps, 0.5):.1f} / {percentile(gaps, 0.99):.1f} / {max(gaps or [0]):.1f} ms",
        "resolution",
    )
    table.add_row(
        "commits seen (>= batches)",
        f"{results.commits_seen:,}",
        f"{events / max(1, results.commits_seen):,.0f} events each",
    )
    table.add_row(
        "arrival order kept in the log",
        "yes" if not results.out_of_order else f"no: {results.out_of_order:,} overtaken",
        "",
    )
    table.add_row(
        "edits per claim mean / max",
        f"{statistics.mean(edits):.1f} / {max(edits)}",
        "-" if edit_bound is None else f"<= {edit_bound} {outcome(max(edits) <= edit_bound)}",
    )
    rate_target = ""
    if args.edit_rate is not None:
        rate_target = f"<= {args.edit_rate:g} {outcome(peak_edits <= args.edit_rate + 1)}"
    table.add_row("edits/s, busiest second", f"{peak_edits:.0f}", rate_target)
    table.add_row("last review edit", f"{settled:.1f} s", "embeds final")
    peak_note = "VmHWM" if results.peak_reset else "VmHWM since start (reset refused)"
    table.add_row(
        "bot RSS before burst / peak in burst",
        f"{results.rss_before_kb / mb:.1f} / {results.peak_burst_kb / mb:.1f} MB",
        peak_note,
    )
    table.add_row(
        "bot RSS after edits settle / peak of run",
        f"{results.rss_after_kb / mb:.1f} / {results.peak_total_kb / mb:.1f} MB",
        "VmRSS / VmHWM",
    )
    table.add_row(
        f"CPU in burst ({results.wall_burst:.2f} s wall): bot",
        cpu(results.cpu_bot_burst, results.wall_burst),
        "",
    )
    table.add_row(
        "  benchmark (fake, driver)", cpu(results.cpu_bench_burst, results.wall_burst), ""
    )
    table.add_row("  commit poller process", cpu(results.cpu_poller, results.wall_burst), "")
    table.add_row(
        f"CPU while edits settle ({results.wall_edits:.0f} s wall): bot",
        cpu(results.cpu_bot_edits, results.wall_edits),
        "",
    )
    table.add_row("  benchmark", cpu(results.cpu_bench_edits, results.wall_edits), "")
    table.add_row(
        "SIGTERM -> exit",
        f"code {results.exit_code} in {results.exit_seconds:.1f} s",
        f"0 within {STOP_TIMEOUT:.0f} s {outcome(results.exit_code == 0, 'ok', 'FAILED')}",
    )
    table.add_row(
        "votes once each, embeds right",
        "yes" if not results.failures else f"{len(results.failures)} failures",
        outcome(not results.failures, "ok", "FAILED"),
    )
    Console(width=120).print(table)
    rate = "bot default" if args.edit_rate is None else f"{args.edit_rate:g}/s"
    print(
        f"bot settings: CLAIMBOT_EDIT_INTERVAL {args.edit_interval:g} s, CLAIMBOT_EDIT_RATE {rate}"
    )
    for note in results.log_notes[:10]:
        print(f"bot log: {note}")
    for failure in results.failures[:20]:
        print(f"FAIL: {failure}")


async def run(args: argparse.Namespace, workdir: Path) -> Results:
    votes = plan_votes(args.claims, args.reviewers, args.per_reviewer, args.seed)
    results, rows = await run_bot(args, workdir, votes)
    if args.postgresql:
        results.plain_seconds = await asyncio.to_thread(
            plain_inserts_postgresql, args.postgresql, rows, args.batch
        )
    else:
        results.plain_seconds = await plain_inserts(workdir / "plain.db", rows, args.batch)
    return results


def setting_default(alias: str) -> Any:
    """The bot's default for an environment variable, or None if it has no such setting."""
    for info in Settings.model_fields.values():
        if info.validation_alias == alias:
            return info.default
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--claims", type=int, default=500)
    parser.add_argument("--reviewers", type=int, default=1_000)
    parser.add_argument("--per-reviewer", type=int, default=20, help="distinct claims each")
    parser.add_argument("--rate", type=float, default=0.0, help="events/s (default: all at once)")
    parser.add_argument(
        "--edit-interval",
        type=float,
        default=setting_default("CLAIMBOT_EDIT_INTERVAL"),
        help="CLAIMBOT_EDIT_INTERVAL for the bot (default: the bot's own default)",
    )
    parser.add_argument(
        "--edit-rate",
        type=float,
        default=setting_default("CLAIMBOT_EDIT_RATE"),
        help="CLAIMBOT_EDIT_RATE for the bot, edits/s in all (default: the bot's own default)",
    )
    parser.add_argument("--batch", type=int, default=500, help="rows per plain transaction")
    parser.add_argument("--seed", type=int, default=20_000)
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds for the burst")
    parser.add_argument("--profile", type=Path, help="run the bot under cProfile into FILE")
    parser.add_argument("--postgresql", metavar="URL", help="run the bot on PostgreSQL at URL")
    parser.add_argument("--against", metavar="REV", help="also run git revision REV's bot")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each, with --against")
    args = parser.parse_args()
    if not 0 < args.per_reviewer <= args.claims:
        parser.error("--per-reviewer must be between 1 and --claims (one vote per claim)")
    if args.edit_rate is not None and setting_default("CLAIMBOT_EDIT_RATE") is None:
        parser.error("this bot has no CLAIMBOT_EDIT_RATE setting")
    if args.profile:
        args.profile = args.profile.resolve()
    args.tree = None
    if args.against:
        if args.postgresql:
            parser.error("--against compares SQLite runs (an older bot may not know PostgreSQL)")
        return side_by_side(args)
    with tempfile.TemporaryDirectory(prefix="claimbot-ingest-") as tmp:
        results = asyncio.run(run(args, Path(tmp)))
    report(args, results)
    return 1 if results.failures else 0


def rates(results: Results) -> tuple[float, float, float]:
    """(bot events/s, plain rows/s, event -> commit p99 ms) of one run, as `report` has them."""
    first_sent = min(results.sent.values(), default=0.0)
    burst = max(max(results.committed.values(), default=0.0) - first_sent, 1e-9)
    plain = results.events / results.plain_seconds if results.plain_seconds else 0.0
    p99 = percentile(spans_ms(results.sent, results.committed), 0.99)
    return results.events / burst, plain, p99


def side_by_side(args: argparse.Namespace) -> int:
    """This tree and `--against` REV alternately, `--rounds` times each; both medians."""
    from tools.releases import checkout

    runs: dict[str, list[tuple[float, float, float]]] = {"this tree": [], args.against: []}
    failed = False
    with checkout(args.against) as tree, tempfile.TemporaryDirectory() as tmp:
        for round_ in range(args.rounds):
            order = [None, tree] if round_ % 2 == 0 else [tree, None]
            for which in order:
                name = "this tree" if which is None else args.against
                args.tree = which
                workdir = Path(tmp) / f"{round_}-{'this' if which is None else 'rev'}"
                workdir.mkdir()
                results = asyncio.run(run(args, workdir))
                print(f"round {round_ + 1}, {name}, load {os.getloadavg()[0]:.2f}:")
                report(args, results)
                failed |= bool(results.failures)
                runs[name].append(rates(results))
    table = Table(title=f"Vote ingest on SQLite, medians of {args.rounds} runs each")
    for column in ("bot", "events/s", "plain rows/s", "bot / plain", "p99 ms", "runs (events/s)"):
        table.add_column(column, justify="left" if column == "bot" else "right")
    medians = {}
    for name, measured in runs.items():
        medians[name] = statistics.median(r[0] for r in measured)
        table.add_row(
            name,
            f"{medians[name]:,.0f}",
            f"{statistics.median(r[1] for r in measured):,.0f}",
            f"{statistics.median(r[0] / r[1] for r in measured):.2f}",
            f"{statistics.median(r[2] for r in measured):,.0f}",
            " ".join(f"{r[0]:,.0f}" for r in measured),
        )
    Console(width=120).print(table)
    print(f"this tree / {args.against}: {medians['this tree'] / medians[args.against]:.3f}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
