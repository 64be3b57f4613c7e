"""Resident memory of the running bot with 100,000 claims in its database.

    .venv/bin/python -m benchmarks.memory [--database /tmp/claimbot-memory.db] [--seed N]
                                          [--reactions 2000 --members 100]

The database comes from benchmarks/dataset.py: 100,000 claims, 1,000,000 vote events
and 200,000 evidence rows over 50 guilds, with no review messages posted
(`posted=False`, so the bot's start-up catch-up has nothing to fetch from a fake that
never saw them). It is filled once at `--database` (about a minute) and copied for each
run, so the cached file stays clean (`<database>.stamp` holds a hash of the migrations
and of dataset.py; the cache is refilled when they change). In the copy, every row of
the dataset's first guild (2,000 claims, ~20,000 vote events, ~4,000 sources) is moved
to the fake Discord's guild id with plain sqlite3 and the search index (whose words
carry their guild) is rebuilt with the bot's own `Database.rebuild_search_index`, so
the commands read real data; `/claimbot setup` then points that guild at the fake's
review channel.

The bot runs as its own process, as a user starts it (`python -m bot run`,
tests/support/process.py, LOG_LEVEL=INFO so that the end of its start-up catch-up shows in
its log), against the fake Discord in this process. Its VmRSS (/proc/PID/status) is
read once it is ready and after each phase of commands sent through the fake:
50 x `/claim status` (random claims of the guild), 20 x `/claim list` (with and
without a status filter), 20 x `/claim search`, 50 autocompletes of `/claim status`,
5 x `/claim stats`, 3 x `/claim export format:json` and 3 x `format:csv` (each checked:
an attached file holding every claim of the guild), then 20 claims posted with
`/claim add` and 2,000 reactions on them from 100 members, waited for until all are
committed and the review messages are edited. VmHWM is read after each phase and then
reset (/proc/PID/clear_refs), so each phase shows its own peak and the run's peak is the
largest of them; the bot is then stopped with SIGTERM. `--reactions 20000 --members
1000` makes the last phase the ingest benchmark's burst (1,000 members x 20 claims).

Target (issue): resident memory stays under 150 MB. Prints a table of RSS per phase and
the peak against the target. Exits 0 whether or not the target is met; 1 only if a
command fails (an error reply, a missing answer or a wrong export).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import hashlib
import io
import json
import random
import re
import sqlite3
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.table import Table

from benchmarks.dataset import GUILD_BASE, SUBJECTS, Shape, fill
from benchmarks.harness import (
    copy_database,
    memory_kb,
    read_only,
    reset_peak_rss,
    wait_for_log,
)
from bot.storage.database import Database
from tests.fake_discord import InteractionRecord, running_fake
from tests.support.process import BotProcess
from tests.support.world import World, build_world, setup_review

REPO = Path(__file__).resolve().parent.parent

TARGET_MB = 150.0
DEFAULT_DATABASE = Path(tempfile.gettempdir()) / "claimbot-memory.db"
SOURCE_GUILD = GUILD_BASE  # the dataset's first guild: claims 1, 51, 101, ...
GENERIC_FAILURE = "Something went wrong"
VOTE_EMOJI = ("✅", "❌", "❓", "⚠️")
STATUS_FILTERS = (None, "needs_review", "disputed", "likely_true", "likely_false")
SEARCH_WORDS = ("inflation", "rainfall", "ferry", "wheat", "chômage", "hospital", "budget")
STOP_TIMEOUT = 15.0
MAX_FAILURES = 3
Step = Callable[[int], Awaitable[None]]


@dataclass
class Phase:
    name: str
    operations: int
    seconds: float
    rss_kb: int
    anon_kb: int
    peak_kb: int


@dataclass
class Run:
    phases: list[Phase] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    peak_kb: int = 0
    peak_resets: bool = True
    exit_code: int | None = None
    claims_in_guild: int = 0


class CommandFailed(Exception):
    """A command answered with an error, not at all, or with the wrong content."""


# -- the database ----------------------------------------------------------------------


def dataset_stamp() -> str:
    """Changes whenever the schema (migrations) or the dataset generator changes."""
    digest = hashlib.sha256()
    for source in [*sorted((REPO / "migrations").glob("*.sql")), REPO / "benchmarks/dataset.py"]:
        digest.update(source.name.encode() + b"\0" + source.read_bytes())
    return digest.hexdigest()[:16]


def cached_dataset(path: Path) -> Path:
    """The filled database at `path`, built first if missing or made by other migrations
    or another dataset.py (about a minute); `<path>.stamp` records which."""
    stamp_file = path.with_name(path.name + ".stamp")
    stamp = dataset_stamp()
    if path.exists() and stamp_file.exists() and stamp_file.read_text().strip() != stamp:
        print(f"{path} was made by other migrations or another dataset.py: refilling")
        for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            stale.unlink(missing_ok=True)
    if path.exists() and not stamp_file.exists():
        raise SystemExit(f"{path} was not made by this benchmark: delete it or pick another path")
    if not path.exists():
        partial = path.with_name(path.name + ".partial")
        for leftover in partial.parent.glob(partial.name + "*"):
            leftover.unlink()
        print(f"filling {path} (100,000 claims, once; about a minute) ...", flush=True)
        figures = fill(partial, Shape(), posted=False)
        print("  " + ", ".join(f"{k} {v:,.0f}" for k, v in figures.items()), flush=True)
        partial.rename(path)
        stamp_file.write_text(stamp + "\n")
    with read_only(path) as conn:
        claims, posted = conn.execute("SELECT count(*), count(message_id) FROM claims").fetchone()
    if claims != Shape().claims or posted:
        raise SystemExit(
            f"{path} holds {claims:,} claims, {posted:,} posted: not a posted=False"
            f" {Shape().claims:,}-claim dataset; delete it to refill"
        )
    return path


def move_guild(path: Path, source: int, target: int) -> int:
    """Give every row of guild `source` the guild id `target`; returns its claims."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
                " AND sql NOT LIKE 'CREATE VIRTUAL TABLE%'"
            )
            if any(col[1] == "guild_id" for col in conn.execute(f"PRAGMA table_info({name})"))
        ]
        conn.execute("BEGIN")
        for table in tables:
            conn.execute(f"UPDATE {table} SET guild_id = ? WHERE guild_id = ?", (target, source))
        conn.execute("COMMIT")
        (claims,) = conn.execute(
            "SELECT count(*) FROM claims WHERE guild_id = ?", (target,)
        ).fetchone()
    finally:
        conn.close()
    if not claims:
        raise SystemExit(f"no claims of guild {source} in {path}")
    return int(claims)


async def reindex(path: Path) -> None:
    """Rebuild the search index, whose words carry their claim's guild (bot/core/search.py),
    with the bot's own code: the moved claims must be found under their new guild."""
    db = await Database.open(path)
    try:
        await db.rebuild_search_index()
    finally:
        await db.close()


# -- the bot process, from outside -------------------------------------------------------


# -- the commands --------------------------------------------------------------------------


def answer_text(rec: InteractionRecord) -> str:
    """Everything the bot showed for an interaction: content and embeds, as JSON text."""
    data = (rec.callback or {}).get("data") or {}
    parts = [json.dumps(data, ensure_ascii=False)]
    original = rec.original
    if original is not None:
        parts.append(json.dumps([original["content"], original["embeds"]], ensure_ascii=False))
    parts += [json.dumps(f["content"], ensure_ascii=False) for f in rec.followups]
    return "\n".join(parts)


def check(rec: InteractionRecord, what: str, expect: Callable[[InteractionRecord], bool]) -> None:
    text = answer_text(rec)
    if GENERIC_FAILURE in text:
        raise CommandFailed(f"{what}: the bot answered with its error message")
    if not expect(rec):
        raise CommandFailed(f"{what}: unexpected answer {text[:300]!r}")


def has_embed(rec: InteractionRecord) -> bool:
    return bool(((rec.callback or {}).get("data") or {}).get("embeds"))


def content(rec: InteractionRecord) -> str:
    return str(((rec.callback or {}).get("data") or {}).get("content") or "")


class Exercise:
    """The commands of each phase, through the fake Discord, against one guild."""

    def __init__(
        self, world: World, database: Path, bot: BotProcess, claims: int, seed: int
    ) -> None:
        self.world = world
        self.database = database
        self.bot = bot
        self.claims = claims
        self.rng = random.Random(seed)
        with read_only(database) as conn:
            self.claim_numbers = [
                int(n)
                for (n,) in conn.execute(
                    "SELECT number FROM claims WHERE guild_id = ? ORDER BY number",
                    (world.guild_id,),
                )
            ]
        self.posted: list[int] = []  # message ids of the claims added in the run
        self.searches_found = 0
        self.exported: list[tuple[str, int, int]] = []  # (format, claims, bytes)

    async def status(self, _: int) -> None:
        claim = self.rng.choice(self.claim_numbers)
        rec = await self.world.slash(self.world.outsider, "claim status", {"claim": claim})
        check(rec, f"/claim status {claim}", lambda r: f"Claim #{claim} " in answer_text(r))

    async def list(self, i: int) -> None:
        status = STATUS_FILTERS[i % len(STATUS_FILTERS)]
        options: dict[str, object] = {"status": status} if status else {}
        rec = await self.world.slash(self.world.outsider, "claim list", options)
        total = f"· {self.claims} claim(s)"
        check(
            rec,
            f"/claim list {options}",
            lambda r: has_embed(r) and bool(status or total in answer_text(r)),
        )

    async def search(self, i: int) -> None:
        word = SEARCH_WORDS[i % len(SEARCH_WORDS)]
        rec = await self.world.slash(self.world.outsider, "claim search", {"query": word})
        self.searches_found += content(rec).startswith("Claims matching")
        check(
            rec,
            f"/claim search {word}",
            lambda r: content(r).startswith(("Claims matching", "No claim matches")),
        )

    async def autocomplete(self, i: int) -> None:
        kind = i % 3
        if kind == 0:
            value = f"#{self.rng.choice(self.claim_numbers)}"
        elif kind == 1:
            value = self.rng.choice(SUBJECTS).split()[-1][:4]
        else:
            value = ""
        rec = await self.world.fake.invoke_autocomplete(
            self.world.guild_id,
            self.world.general_channel_id,
            self.world.outsider,
            "claim status",
            focused="claim",
            value=value,
        )
        await rec.wait_response()
        check(rec, f"autocomplete {value!r}", lambda r: r.choices is not None)
        if kind != 1 and not rec.choices:
            raise CommandFailed(f"autocomplete {value!r}: no choices")

    async def stats(self, _: int) -> None:
        rec = await self.world.slash(self.world.outsider, "claim stats")
        check(rec, "/claim stats", has_embed)

    async def export(self, fmt: str) -> None:
        rec = await self.world.slash(self.world.admin, "claim export", {"format": fmt})
        await rec.wait_followups(1, timeout=60)
        check(rec, f"/claim export {fmt}", lambda r: bool(r.followups))
        uploads = [r for r in self.world.fake.requests if r.files and rec.token in r.path]
        if len(uploads) != 1 or len(uploads[0].files) != 1:
            raise CommandFailed(f"/claim export {fmt}: {len(uploads)} uploads, expected one file")
        data = uploads[0].files[0].data
        if fmt == "json":
            rows = len(json.loads(data))
        else:
            rows = sum(1 for _ in csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
        if rows != self.claims:
            raise CommandFailed(
                f"/claim export {fmt}: {rows} claims in the file, not {self.claims}"
            )
        self.exported.append((fmt, rows, len(data)))

    async def add(self, i: int) -> None:
        text = (
            f"The memory benchmark harbour in Port Averly handled {1_000 + 37 * i} ferries"
            f" in {1990 + i}."
        )
        rec = await self.world.slash(self.world.outsider, "claim add", {"text": text})
        await self.world.fake.wait_for(
            lambda: (rec.final_content() or "").startswith("Posted"), timeout=15, what="Posted"
        )
        self.posted.append(int(str(self.world.review_messages()[-1]["id"])))

    async def react_all(self, reactions: int, members: int) -> None:
        """`reactions` first votes from `members` members over the added claims, then wait
        until all are committed and the review messages have been edited."""
        fake, world = self.world.fake, self.world
        voters = [fake.add_member(world.guild_id, f"memvoter{i}") for i in range(members)]
        per_member = reactions // members
        if per_member > len(self.posted):
            raise CommandFailed(
                f"{per_member} votes per member need as many claims; {len(self.posted)} posted"
            )
        before = self.vote_events()
        edits = sum(fake.edits_of(m) for m in self.posted)
        for i, voter in enumerate(voters):
            for j in range(per_member):
                message = self.posted[(i + j) % len(self.posted)]
                emoji = VOTE_EMOJI[self.rng.randrange(len(VOTE_EMOJI))]
                await fake.user_add_reaction(voter, world.review_channel_id, message, emoji)
        await fake.wait_for(
            lambda: self.vote_events() >= before + per_member * members,
            timeout=60,
            what="the votes to be committed",
        )
        await fake.wait_for(
            lambda: sum(fake.edits_of(m) for m in self.posted) >= edits + len(self.posted),
            timeout=60,
            what="the review messages to be edited",
        )

    def vote_events(self) -> int:
        with read_only(self.database) as conn:
            (count,) = conn.execute("SELECT count(*) FROM vote_events").fetchone()
        return int(count)


async def phase(run: Run, bot: BotProcess, name: str, count: int, step: Step) -> None:
    """`count` steps, then the RSS; gives up on the phase after MAX_FAILURES failures."""
    started = time.perf_counter()
    done = failed = 0
    for i in range(count):
        try:
            await step(i)
        except (CommandFailed, TimeoutError) as exc:
            run.failures.append(f"{name}: {exc}")
            failed += 1
        done += 1
        if failed >= MAX_FAILURES:
            run.failures.append(f"{name}: gave up after {failed} failures")
            break
    record(run, bot, name, done, time.perf_counter() - started)


def record(run: Run, bot: BotProcess, name: str, operations: int, seconds: float) -> None:
    """RSS now, and the peak since the previous phase (VmHWM, then reset for the next)."""
    mem = memory_kb(bot.pid)
    peak = mem["VmHWM"]
    run.peak_kb = max(run.peak_kb, peak)
    if not reset_peak_rss(bot.pid):
        run.peak_resets = False
    run.phases.append(Phase(name, operations, seconds, mem["VmRSS"], mem.get("RssAnon", 0), peak))
    print(
        f"  {name}: RSS {mem['VmRSS'] / 1024:.1f} MB, peak {peak / 1024:.1f} MB ({seconds:.1f} s)",
        flush=True,
    )


async def measure(args: argparse.Namespace, workdir: Path, cached: Path) -> Run:
    run = Run()
    database = workdir / "claimbot.db"
    started = time.perf_counter()
    copy_database(cached, database)
    async with running_fake() as fake:
        world = build_world(fake, "Memory")
        run.claims_in_guild = move_guild(database, SOURCE_GUILD, world.guild_id)
        await reindex(database)
        print(
            f"copied the dataset, moved {run.claims_in_guild:,} claims into the fake's guild"
            f" and rebuilt the search index in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
        bot = BotProcess(
            fake,
            database,
            env={
                "LOG_LEVEL": "INFO",
                "CLAIMBOT_SUBMIT_COOLDOWN": "0",
                "CLAIMBOT_EDIT_INTERVAL": "2",
            },
            log_path=workdir / "bot.log",
        )
        try:
            started = time.perf_counter()
            await bot.start()
            await wait_for_log(bot, r"catch-up read \d+ review messages", timeout=60)
            record(run, bot, "ready (started, catch-up done)", 1, time.perf_counter() - started)
            started = time.perf_counter()
            rec = await setup_review(world, reviewer_role=False)
            if "Saved. Claims will be posted there." not in content(rec):
                run.failures.append(f"/claimbot setup: {content(rec)[:300]!r}")
            record(run, bot, "/claimbot setup", 1, time.perf_counter() - started)

            ex = Exercise(world, database, bot, run.claims_in_guild, args.seed)
            await phase(run, bot, "/claim status", 50, ex.status)
            await phase(run, bot, "/claim list", 20, ex.list)
            await phase(run, bot, "/claim search", 20, ex.search)
            if not ex.searches_found:
                run.failures.append("/claim search: no search found any claim of the guild")
            print(f"  ({ex.searches_found} of 20 searches found claims)", flush=True)
            await phase(run, bot, "autocomplete (claim status)", 50, ex.autocomplete)
            await phase(run, bot, "/claim stats", 5, ex.stats)
            await phase(run, bot, "/claim export json", 3, lambda _: ex.export("json"))
            await phase(run, bot, "/claim export csv", 3, lambda _: ex.export("csv"))
            print(
                "  (attached files: "
                + ", ".join(f"{f} {n:,} claims {b / 1e6:.1f} MB" for f, n, b in ex.exported)
                + ")",
                flush=True,
            )
            await phase(run, bot, "/claim add", 20, ex.add)
            started = time.perf_counter()
            try:
                await ex.react_all(args.reactions, args.members)
            except (CommandFailed, TimeoutError) as exc:
                run.failures.append(f"reactions: {exc}")
            record(run, bot, f"{args.reactions:,} reactions", 1, time.perf_counter() - started)
        except BaseException:
            print(f"bot log ({bot.log_path}):\n{bot.log_tail()}", file=sys.stderr)
            raise
        finally:
            run.exit_code = await bot.stop(STOP_TIMEOUT)
        for line in bot.log_path.read_text(encoding="utf-8", errors="replace").splitlines():
            if re.search(r" (ERROR|CRITICAL) ", line) or re.search(r" WARNING +claimbot", line):
                run.failures.append(f"the bot logged: {line}")
    return run


def report(run: Run) -> None:
    mb = 1024
    table = Table(
        title=f"Bot memory: 100,000 claims in the database, {run.claims_in_guild:,} in the"
        " exercised guild",
        caption="RSS = VmRSS after the phase; anon = RssAnon (heap, not mapped files);"
        " peak = VmHWM during the phase"
        + ("" if run.peak_resets else " (reset refused: peak since start)"),
    )
    for column in ("phase", "ops", "seconds", "RSS MB", "anon MB", "peak MB"):
        table.add_column(column, justify="left" if column == "phase" else "right")
    for p in run.phases:
        table.add_row(
            p.name,
            f"{p.operations:,}",
            f"{p.seconds:.1f}",
            f"{p.rss_kb / mb:.1f}",
            f"{p.anon_kb / mb:.1f}",
            f"{p.peak_kb / mb:.1f}",
        )
    peak = run.peak_kb / mb
    met = peak < TARGET_MB
    table.add_section()
    table.add_row("peak of the run (VmHWM)", "", "", "", "", f"{peak:.1f}")
    outcome = "[green]met[/]" if met else "[bold red]MISSED[/]"
    table.add_row(f"target: peak < {TARGET_MB:.0f} MB", "", "", "", "", outcome)
    Console(width=120).print(table)
    print(f"SIGTERM: exit code {run.exit_code}")
    for failure in run.failures[:20]:
        print(f"FAIL: {failure}")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--database",
        type=Path,
        default=DEFAULT_DATABASE,
        help=f"the cached dataset, filled if missing (default: {DEFAULT_DATABASE})",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reactions", type=int, default=2_000)
    parser.add_argument("--members", type=int, default=100, help="reacting members")
    args = parser.parse_args()
    cached = cached_dataset(args.database.resolve())
    with tempfile.TemporaryDirectory(prefix="claimbot-memory-") as tmp:
        run = asyncio.run(measure(args, Path(tmp), cached))
    report(run)
    return 1 if run.failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
