"""Vote ingest with two shards on one PostgreSQL: one bot process running both, or two.

    .venv/bin/python -m benchmarks.shards_ingest --postgresql URL [--rounds N]
                                                 [--claims N] [--reviewers N]

The fake Discord runs two shards (tests/fake_discord, `shard_count=2`) with one server on
each, set up through `/claimbot setup` (everyone may vote), `--claims` claims posted in
each through `/claim add` and `--reviewers` members each. The same total load, in both
modes: each reviewer reacts once on `--per-reviewer` claims of their server (20,000
reactions by default, half per shard), the two servers' reactions interleaved and all
queued on the fake gateway at once. Modes:

* one: `python -m bot run` with CLAIMBOT_SHARD_COUNT=2 (both shards, one process);
* two: two processes with CLAIMBOT_SHARD_IDS=0 and 1.

Votes/s is the reactions over first reaction queued -> last vote committed (a poller
process reads `max(id)` of vote_events every ~5 ms: benchmarks/ingest.py's CommitPoller).
Each burst runs on the database emptied (schema dropped, the bot migrates it again) and a
new fake, so neither mode inherits the other's votes; `--rounds N` runs N bursts of each,
in the order one, two, two, one, one, two, ... (so neither mode always goes first), and
reports each mode's median. For what bounds the ratio it reports CPU seconds during the
burst (/proc/PID/stat) of each bot process, of this process (the fake Discord and the
driver), of the poller and of the PostgreSQL server (postmaster and every backend, found
from `postmaster.pid` in the data directory under the URL's socket directory, or
`--server-pid`), and the load average. Checked: every reaction stored once (vote_events and
claim_votes both hold exactly the burst's votes); a failed check exits 1.

Target (issue 22): two processes >= 1.6x one process. On a 2-core machine the bots, the
fake and PostgreSQL share the cores, so the CPU table is the answer to what bounds it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import psycopg

from benchmarks.harness import cpu_seconds, wait_for_log
from benchmarks.ingest import POST_CONCURRENCY, VOTE_EMOJI, VOTES, CommitPoller, claim_texts
from tests.fake_discord import FakeDiscord, InteractionRecord, running_fake
from tests.support.process import BotProcess
from tests.support.world import World, build_world, setup_review

TARGET_RATIO = 1.6
# Only the last commit's time is used: a poll every 5 ms (benchmarks/ingest.py's 1 ms cost
# about half a core here, which the bots and PostgreSQL need).
POLL_SECONDS = 0.005
STOP_TIMEOUT = 15.0
SHARDS = (0, 1)


@dataclass
class Burst:
    mode: str
    votes: int = 0
    seconds: float = 0.0
    cpu: dict[str, float] = field(default_factory=dict)  # who -> CPU seconds in the burst
    load: tuple[float, float, float] = (0.0, 0.0, 0.0)
    failures: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.votes / self.seconds if self.seconds else 0.0


def empty_database(url: str) -> None:
    """Drop everything the last burst left; the bot migrates the empty schema at start."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")


def server_pids(url: str, server_pid: int | None) -> list[int]:
    """The PostgreSQL server's processes: the postmaster and its children."""
    if server_pid is None:
        host = parse_qs(urlsplit(url).query).get("host", [""])[0]
        pid_file = Path(host) / "data" / "postmaster.pid"
        if not pid_file.exists():
            return []
        server_pid = int(pid_file.read_text().split()[0])
    pids = [server_pid]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat[stat.rindex(")") + 2 :].split()[1]) == server_pid:
                pids.append(int(entry.name))
    return pids


def cpu_of(pids: list[int]) -> dict[int, float]:
    seconds = {}
    for pid in pids:
        try:
            seconds[pid] = cpu_seconds(pid)
        except OSError:
            continue
    return seconds


def bots_for(mode: str, fake: FakeDiscord, workdir: Path, url: str) -> list[BotProcess]:
    shard_sets = ["0,1"] if mode == "one" else [str(s) for s in SHARDS]
    return [
        BotProcess(
            fake,
            workdir / "claimbot.db",  # unused (DATABASE_URL); its folder is the bot's cwd
            env={
                "DATABASE_URL": url,
                "CLAIMBOT_SHARD_COUNT": "2",
                "CLAIMBOT_SHARD_IDS": ids,
                "LOG_LEVEL": "INFO",  # for the end of the start-up catch-up
            },
            log_path=workdir / f"{mode}-shards-{ids.replace(',', '-')}.log",
        )
        for ids in shard_sets
    ]


async def post_claims(url: str, world: World, texts: list[str]) -> list[int]:
    """`/claim add` each text in `world`; returns the review messages' ids."""
    gate = asyncio.Semaphore(POST_CONCURRENCY)

    async def add(text: str) -> None:
        async with gate:
            rec = await world.slash(world.outsider, "claim add", {"text": text})
            await world.fake.wait_for(
                lambda: (rec.final_content() or "").startswith("Posted"), timeout=60, what="Posted"
            )

    await asyncio.gather(*(add(text) for text in texts))
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT message_id FROM claims WHERE guild_id = %s AND message_id IS NOT NULL"
            " AND thread_id IS NOT NULL ORDER BY id",
            (world.guild_id,),
        ).fetchall()
    assert len(rows) == len(texts), f"{len(rows)} posted claims for {len(texts)} texts"
    return [int(r[0]) for r in rows]


def answered(rec: InteractionRecord) -> Callable[[], bool]:
    return lambda: rec.callback is not None


def count(url: str, table: str) -> int:
    with psycopg.connect(url) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])


async def burst(mode: str, args: argparse.Namespace, workdir: Path, seed: int) -> Burst:
    """Set up both servers with `mode`'s processes, send the burst, time and check it."""
    result = Burst(mode)
    url = args.postgresql
    empty_database(url)
    async with running_fake(shard_count=2) as fake:
        worlds = [build_world(fake, f"Shard{s}", shard_id=s) for s in SHARDS]
        bots = bots_for(mode, fake, workdir, url)
        try:
            for bot in bots:  # one at a time: two migrating the empty schema at once would wait
                await bot.start(timeout=60)
                for shard in bot.shard_ids or SHARDS:
                    pattern = rf"catch-up of shard {shard} of 2 read \d+ review messages"
                    await wait_for_log(bot, pattern, timeout=60)
            texts = claim_texts(args.claims * len(worlds))
            messages = []
            for k, world in enumerate(worlds):
                await setup_review(world, reviewer_role=False)
                messages.append(await post_claims(url, world, texts[k :: len(worlds)]))
            rng = random.Random(seed)
            per_server: list[list[tuple[int, int, int, str]]] = []
            for world, posted in zip(worlds, messages, strict=True):
                members = [fake.add_member(world.guild_id, f"v{i}") for i in range(args.reviewers)]
                votes = [
                    (member, posted[(r * args.per_reviewer + j) % len(posted)], rng.choice(VOTES))
                    for r, member in enumerate(members)
                    for j in range(args.per_reviewer)
                ]
                rng.shuffle(votes)
                per_server.append([(world.review_channel_id, *v) for v in votes])
            for world in worlds:  # every process has read every frame sent so far
                rec = await world.slash(world.admin, "claimbot ping")
                await fake.wait_for(answered(rec), timeout=30, what="pong")
            events = [e for pair in zip(*per_server, strict=True) for e in pair]
            before = count(url, "vote_events")
            if before:
                raise RuntimeError(f"the vote log holds {before} events before the burst")

            poller = CommitPoller(url, POLL_SECONDS)
            await poller.start()
            postgres = server_pids(url, args.server_pid)
            cpu_before = cpu_of([b.pid for b in bots] + postgres + [os.getpid()])
            started = time.perf_counter()
            try:
                for channel, user, message_id, vote in events:
                    await fake.user_add_reaction(user, channel, message_id, VOTE_EMOJI[vote])
                deadline = time.monotonic() + args.timeout
                while poller.latest < len(events):
                    poller.check()
                    if not all(b.running for b in bots):
                        raise RuntimeError("a bot process exited during the burst")
                    if time.monotonic() > deadline:
                        raise TimeoutError(f"{poller.latest} of {len(events)} votes committed")
                    await asyncio.sleep(0.005)
            finally:
                await poller.stop()
            wall = time.perf_counter() - started
            cpu_after = cpu_of(
                [b.pid for b in bots] + server_pids(url, args.server_pid) + [os.getpid()]
            )
            result.load = os.getloadavg()

            def spent(pids: list[int]) -> float:
                return sum(cpu_after.get(p, 0.0) - cpu_before.get(p, 0.0) for p in pids)

            done = poller.committed_at(len(events))
            result.votes = len(events)
            result.seconds = (done if done is not None else time.perf_counter()) - started
            for bot, ids in zip(bots, ["0,1"] if mode == "one" else ["0", "1"], strict=True):
                result.cpu[f"bot (shards {ids})"] = spent([bot.pid])
            result.cpu["PostgreSQL server"] = spent(
                sorted(set(cpu_after) - {b.pid for b in bots} - {os.getpid()})
            )
            result.cpu["fake Discord + driver"] = spent([os.getpid()])
            result.cpu["commit poller"] = poller.cpu_seconds
            result.cpu["wall"] = wall
            for table in ("vote_events", "claim_votes"):
                stored = count(url, table)
                if stored != len(events):
                    result.failures.append(f"{mode}: {stored} rows in {table} for {len(events)}")
        except BaseException:
            for bot in bots:
                print(f"bot log ({bot.log_path}):\n{bot.log_tail()}", file=sys.stderr)
            raise
        finally:
            for bot in bots:
                await bot.stop(STOP_TIMEOUT)
    return result


def order(rounds: int) -> list[str]:
    """one, two, two, one, one, two, ...: neither mode always first."""
    modes = []
    for i in range(rounds):
        modes += ["one", "two"] if i % 2 == 0 else ["two", "one"]
    return modes


def report(bursts: list[Burst]) -> float:
    for b in bursts:
        cpu = ", ".join(
            f"{who} {seconds:.2f} s ({seconds / b.cpu['wall']:.0%})"
            for who, seconds in b.cpu.items()
            if who != "wall"
        )
        load = " ".join(f"{x:.2f}" for x in b.load)
        print(f"{b.mode}: {b.rate:,.0f} votes/s ({b.votes:,} in {b.seconds:.2f} s); load {load}")
        print(f"    CPU in {b.cpu['wall']:.2f} s wall: {cpu}")
    medians = {
        mode: statistics.median(b.rate for b in bursts if b.mode == mode) for mode in ("one", "two")
    }
    ratio = medians["two"] / medians["one"] if medians["one"] else 0.0
    print(
        f"median votes/s: one process {medians['one']:,.0f}, two processes {medians['two']:,.0f};"
        f" ratio {ratio:.2f} (target >= {TARGET_RATIO})"
    )
    for mode in ("one", "two"):
        mine = [b for b in bursts if b.mode == mode]
        whos = [w for w in mine[0].cpu if w != "wall"]
        shares = ", ".join(
            f"{who} {statistics.median(b.cpu[who] / b.cpu['wall'] for b in mine):.0%}"
            for who in whos
        )
        print(f"median CPU share of a core, {mode}: {shares}")
    return ratio


async def run(args: argparse.Namespace) -> list[Burst]:
    bursts = []
    with tempfile.TemporaryDirectory(prefix="claimbot-shards-") as tmp:
        for i, mode in enumerate(order(args.rounds)):
            result = await burst(mode, args, Path(tmp), args.seed + i)
            print(f"{mode}: {result.rate:,.0f} votes/s", flush=True)
            bursts.append(result)
    return bursts


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--postgresql", metavar="URL", required=True, help="emptied per burst")
    parser.add_argument("--claims", type=int, default=100, help="claims per server")
    parser.add_argument("--reviewers", type=int, default=500, help="reviewers per server")
    parser.add_argument("--per-reviewer", type=int, default=20, help="distinct claims each")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=22)
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds for a burst")
    parser.add_argument("--server-pid", type=int, help="the postmaster's pid, if not found")
    args = parser.parse_args()
    if not 0 < args.per_reviewer <= args.claims:
        parser.error("--per-reviewer must be between 1 and --claims (one vote per claim)")
    bursts = asyncio.run(run(args))
    report(bursts)
    failures = [f for b in bursts for f in b.failures]
    for failure in failures:
        print(f"FAIL: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
