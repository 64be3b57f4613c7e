"""Shards end to end: the real claimbot, as discord.py's AutoShardedClient, against the fake
Discord serving two shards the way Discord routes them.

One process running both shards behaves as the unsharded bot across servers of both; a
process running shard 1 of 2 does, at start, the work of shard 1's servers only; two
processes on one SQLite file, shard 0 and shard 1, one SIGKILLed in a burst and started again,
count every vote once and send each verdict notice once (issue 22's test, on SQLite: the
PostgreSQL backend follows); a second process on a running shard exits 4 before it reaches
Discord. `/healthz` names a shard whose connection is down.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import aiohttp
import pytest

from bot.app.client import ShardedClaimBot
from bot.core.claims import RECENT_CLAIMS_COMPARED, content_hash, triage
from bot.core.records import ClaimRecord, NewDocument
from bot.core.shards import UNSHARDED
from bot.core.urls import normalize_url
from bot.core.vocabulary import STATUS_EMOJI, STATUS_LABELS
from bot.storage.claims import claim_record
from bot.storage.database import Database
from bot.storage.dialect import redact_url
from tests.e2e.articles import HARBOUR_ARTICLE
from tests.e2e.hosts import local_fetcher
from tests.fake_discord import FakeDiscord, InteractionRecord, running_fake
from tests.support.backends import execute_directly, votes_from_the_log
from tests.support.cli import claimbot
from tests.support.clock import ManualClock
from tests.support.process import BotProcess
from tests.support.world import (
    TOKEN,
    BotRunner,
    World,
    add_claim,
    build_world,
    setup_review,
)
from tests.test_metrics import free_port, samples

VOTE_EMOJI = {"✅": "supported", "❌": "refuted", "❓": "unverifiable", "⚠️": "misleading"}
BRIDGE = "The Lindqvist bridge carried 41,000 vehicles a day in 2024, up 12% from 2023."
SCHOOLS = "Harrow county closed 14 rural schools between 2015 and 2022."
HARBOUR = "The Elmsford harbour dredging cost 8.2 million euros in 2023."
UNREACHABLE = "http://intranet.test/minutes"  # refused by the fetcher: a private address


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with running_fake(shard_count=2) as fake:
        yield fake


@pytest.fixture
def zero(fake: FakeDiscord) -> World:
    """A server on shard 0 of 2."""
    return build_world(fake, "Newsroom", shard_id=0)


@pytest.fixture
def one(fake: FakeDiscord) -> World:
    """A server on shard 1 of 2."""
    return build_world(fake, "Harbour", shard_id=1)


@pytest.fixture
async def runner(fake: FakeDiscord, database: Path) -> AsyncIterator[BotRunner]:
    bot_runner = BotRunner(fake, database)
    try:
        yield bot_runner
    finally:
        await bot_runner.stop()
    assert fake.bot_messages_pinging() == []


def bot_posts(world: World, channel_id: int) -> list[str]:
    return [
        m["content"]
        for m in world.fake.messages_in(channel_id)
        if m["author"]["id"] == str(world.fake.bot_user_id)
    ]


def notices(world: World, claim: ClaimRecord) -> list[str]:
    assert claim.thread_id is not None
    return [
        text
        for text in bot_posts(world, claim.thread_id)
        if text.startswith(f"Verdict on claim #{claim.number}: ")
    ]


def announces(claim: ClaimRecord, status: str) -> str:
    return f"Verdict on claim #{claim.number}: {STATUS_EMOJI[status]} **{STATUS_LABELS[status]}**"


def review_embed(world: World, claim: ClaimRecord) -> dict[str, object]:
    assert claim.message_id is not None
    message = world.fake.message(world.review_channel_id, claim.message_id)
    assert message is not None
    embed: dict[str, object] = message["embeds"][0]
    return embed


def votes_field(world: World, claim: ClaimRecord) -> str:
    fields = review_embed(world, claim)["fields"]
    assert isinstance(fields, list)
    return next(str(f["value"]) for f in fields if f["name"] == "Votes")


def discord_votes(fake: FakeDiscord, message_id: int) -> dict[int, str]:
    votes: dict[int, str] = {}
    for emoji, users in fake.reactions(message_id).items():
        for user in users - {fake.bot_user_id}:
            if emoji in VOTE_EMOJI:
                votes[user] = VOTE_EMOJI[emoji]
    return votes


async def posted(fake: FakeDiscord, rec: InteractionRecord) -> str:
    """The final answer of a command that posts claims, once it says so."""

    def answered() -> bool:
        return (rec.final_content() or "").startswith("Posted")

    await fake.wait_for(answered)
    return rec.final_content() or ""


def has_thread(fake: FakeDiscord, message_id: int) -> Callable[[], bool]:
    return lambda: fake.threads_of(message_id) != []


def counts_line(votes: dict[int, str]) -> str:
    """The review message's Votes field for these votes."""
    tally = [list(votes.values()).count(vote) for vote in VOTE_EMOJI.values()]
    return "  ".join(f"{emoji} {n}" for emoji, n in zip(VOTE_EMOJI, tally, strict=True))


# -- one process, both shards -------------------------------------------------------------------


async def test_one_process_with_both_shards_serves_both_as_one_bot(
    runner: BotRunner, fake: FakeDiscord, zero: World, one: World
) -> None:
    bot = await runner.start(CLAIMBOT_SHARD_COUNT=2)
    assert isinstance(bot, ShardedClaimBot)
    assert (bot.shard_count, bot.shard_ids) == (2, [0, 1])
    assert fake.connected_shards == [0, 1]
    assert [i.shard for i in fake.identifies] == [[0, 2], [1, 2]]
    assert {g.id: g.shard_id for g in bot.guilds} == {zero.guild_id: 0, one.guild_id: 1}
    assert bot.catch_up.runs == 2  # one per shard's fresh session

    for world in (zero, one):
        setup = await setup_review(world)
        assert setup.callback["data"]["content"].endswith("Saved. Claims will be posted there.")
        claim = await add_claim(world, bot)
        assert claim.message_id is not None
        r1, r2, r3 = world.reviewers
        for reviewer, emoji in ((r1, "✅"), (r2, "✅"), (r3, "❌"), (world.outsider, "✅")):
            await fake.user_add_reaction(reviewer, world.review_channel_id, claim.message_id, emoji)
        await runner.settle()
        await fake.user_add_reaction(r3, world.review_channel_id, claim.message_id, "✅")
        await runner.settle()

        assert await bot.db.current_votes(claim.id) == {
            r1: "supported",
            r2: "supported",
            r3: "supported",
        }
        reactions = fake.reactions(claim.message_id)
        assert reactions["✅"] == {fake.bot_user_id, r1, r2, r3}  # the outsider's removed
        assert reactions["❌"] == {fake.bot_user_id}  # r3's replaced vote removed
        assert votes_field(world, claim) == "✅ 3  ❌ 0  ❓ 0  ⚠️ 0"
        assert review_embed(world, claim)["title"] == f"Claim #{claim.number} · Likely true"

        status = await world.slash(world.outsider, "claim status", {"claim": claim.number})
        embed = status.callback["data"]["embeds"][0]
        assert embed["title"] == f"Claim #{claim.number} · Likely true"
        assert {f["name"]: f["value"] for f in embed["fields"]}["Votes"] == (
            "✅ 3  ❌ 0  ❓ 0  ⚠️ 0"
        )

        submitted = await world.slash(world.reviewers[0], "claim submit", {"text": HARBOUR_ARTICLE})
        assert (await posted(fake, submitted)).startswith("Posted 3 claims for review:")
        assert len(world.review_messages()) == 4  # the ferry claim was there already

    # Each server's events and interactions came on its own shard's session, each once.
    for shard_id, world in enumerate((zero, one)):
        for event in ("INTERACTION_CREATE", "MESSAGE_REACTION_ADD"):
            guilds = {p["guild_id"] for p in fake.dispatched_payloads(event, shard_id=shard_id)}
            assert guilds == {str(world.guild_id)}
        assert len(fake.dispatched("INTERACTION_CREATE", shard_id=shard_id)) == 4


# -- one process, shard 1 of 2: only its servers' work at start -------------------------------


async def store_unposted(database: Path, world: World, text: str) -> int:
    """A claim stored without a review message, as a bot stopped before posting leaves it."""
    db = await Database.open(database)
    try:
        document = NewDocument(
            guild_id=world.guild_id,
            submitter_id=world.outsider,
            kind="manual",
            content_hash=content_hash(text),
            char_count=len(text),
        )
        recent = await db.recent_claim_texts(world.guild_id, RECENT_CLAIMS_COMPARED)
        _, (claim,), _ = await db.store_submission(
            document, triage([text], recent).new, origin_url=None, origin_title=None
        )
        return claim.id
    finally:
        await db.close()


async def leave_pending(database: Path, world: World, claim: ClaimRecord) -> int:
    """A source whose fetch never finished, as a bot stopped mid-fetch leaves it."""
    db = await Database.open(database)
    try:
        record, created = await db.add_evidence(
            guild_id=world.guild_id,
            claim_id=claim.id,
            url=UNREACHABLE,
            normalized_url=normalize_url(UNREACHABLE),
            stance="supports",
            note=None,
            added_by=world.reviewers[0],
            origin="command",
        )
        assert created
        return record.id
    finally:
        await db.close()


async def test_a_process_running_shard_one_does_only_shard_ones_work_at_start(
    runner: BotRunner,
    fake: FakeDiscord,
    zero: World,
    one: World,
    database: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # First an unsharded bot, on both servers: a verdict (its notice queued, due in a minute),
    # a second claim, and a daily digest due in an hour.
    runner.bot_options["clock"] = ManualClock(time.time())
    bot = await runner.start()
    verdicts: dict[int, ClaimRecord] = {}
    seconds: dict[int, ClaimRecord] = {}
    for world in (zero, one):
        await setup_review(world)
        verdict = verdicts[world.guild_id] = await add_claim(world, bot)
        seconds[world.guild_id] = await add_claim(world, bot, BRIDGE)
        assert verdict.message_id is not None
        for reviewer in world.reviewers:
            await fake.user_add_reaction(
                reviewer, world.review_channel_id, verdict.message_id, "✅"
            )
        digest_at = time.strftime("%H:%M", time.gmtime(time.time() + 3600))
        rec = await world.slash(
            world.moderator,
            "claimbot digest",
            {"schedule": "daily", "time": digest_at, "timezone": "UTC"},
        )
        assert rec.callback["data"]["content"].startswith("Saved. Digest: daily at ")
    await runner.settle()
    await runner.stop()

    # While it is down, in both servers: a vote on the second claim, a claim stored but not
    # posted, a source whose fetch never finished.
    unposted: dict[int, int] = {}
    pending: dict[int, int] = {}
    for world in (zero, one):
        second = seconds[world.guild_id]
        assert second.message_id is not None
        await fake.user_add_reaction(
            world.reviewers[0], world.review_channel_id, second.message_id, "❌"
        )
        unposted[world.guild_id] = await store_unposted(database, world, SCHOOLS)
        pending[world.guild_id] = await leave_pending(database, world, second)
    reads_before = len(fake.requests_to("GET", r"/channels/\d+/messages/\d+$"))

    # Then shard 1 of 2 alone, two hours later: the notice and the digest are due.
    monkeypatch.setattr(
        "bot.services.evidence.SafeFetcher", lambda limits, slots: local_fetcher(slots)
    )
    clock = ManualClock(time.time() + 7200)
    runner.bot_options["clock"] = clock
    bot = await runner.start(CLAIMBOT_SHARD_COUNT=2, CLAIMBOT_SHARD_IDS="1")
    await runner.settle()
    await bot.notices.wait_idle()
    await fake.wait_for(lambda: bot.digests.passes >= 1, timeout=10)

    assert fake.connected_shards == [1]
    assert fake.identifies[-1].shard == [1, 2]
    assert [g.id for g in bot.guilds] == [one.guild_id]
    assert bot.catch_up.runs == 1
    # Catch-up read back shard 1's review messages only, and counted its offline vote.
    reads = fake.requests_to("GET", r"/channels/\d+/messages/\d+$")[reads_before:]
    assert {r.path.split("/")[-3] for r in reads} == {str(one.review_channel_id)}
    assert await bot.db.current_votes(seconds[one.guild_id].id) == {one.reviewers[0]: "refuted"}
    assert await bot.db.current_votes(seconds[zero.guild_id].id) == {}
    # The unposted claim of shard 1 is posted; shard 0's stays unposted.
    assert await bot.db.unposted_claims(UNSHARDED, limit=10) == [unposted[zero.guild_id]]
    posted = await bot.db.get_claim(one.guild_id, unposted[one.guild_id])
    assert posted is not None and posted.thread_id is not None
    assert [m["embeds"][0]["description"] for m in one.review_messages()][-1] == SCHOOLS
    assert SCHOOLS not in [m["embeds"][0].get("description") for m in zero.review_messages()]
    # Shard 1's pending source was fetched (and refused: a private address); shard 0's waits.
    ((one_source,), (zero_source,)) = [
        await bot.db.evidence_for(seconds[w.guild_id].id) for w in (one, zero)
    ]
    assert (one_source.id, one_source.fetch_status) == (pending[one.guild_id], "unreachable")
    assert (zero_source.id, zero_source.fetch_status) == (pending[zero.guild_id], "pending")
    # Shard 1's verdict notice was sent, once; shard 0's is still in the outbox, unsent.
    one_verdict, zero_verdict = verdicts[one.guild_id], verdicts[zero.guild_id]
    assert [n.split(" · ")[0] for n in notices(one, one_verdict)] == [
        announces(one_verdict, "likely_true")
    ]
    assert notices(zero, zero_verdict) == []
    due = await bot.db.claim_due_notices(UNSHARDED, clock.now(), limit=10)
    assert [(n.claim_id, n.status) for n in due] == [(zero_verdict.id, "likely_true")]
    # Shard 1's digest was posted; shard 0's was not.
    digests = [
        [m for m in w.review_messages() if m["embeds"] and "digest" in m["embeds"][0]["title"]]
        for w in (one, zero)
    ]
    assert [len(d) for d in digests] == [1, 0]


# -- /healthz per shard ---------------------------------------------------------------------------


async def get(port: int, path: str) -> tuple[int, str]:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{port}{path}") as response,
    ):
        return response.status, await response.text()


async def test_healthz_names_the_shard_whose_connection_is_down(
    runner: BotRunner, fake: FakeDiscord, zero: World, one: World
) -> None:
    port = free_port()
    runner.bot_options["clock"] = ManualClock()
    bot = await runner.start(CLAIMBOT_SHARD_COUNT=2, CLAIMBOT_HEALTH_PORT=port)
    assert isinstance(bot, ShardedClaimBot)
    assert await get(port, "/healthz") == (200, "ok\n")

    await fake.drop_gateway(resumable=True, hold=True, shard_id=1)
    shard_one = bot.shards[1]
    await fake.wait_for(shard_one.is_closed, timeout=10)
    assert not bot.shards[0].is_closed()
    assert await get(port, "/healthz") == (503, "gateway not ready: shard 1\n")
    fake.release_gateway()
    await fake.wait_until_connected(shard_ids=[0, 1])
    await fake.wait_for(lambda: not bot.shards[1].is_closed(), timeout=10)
    assert await get(port, "/healthz") == (200, "ok\n")

    status, text = await get(port, "/metrics")
    assert status == 200
    values = samples(text)
    assert values  # every sample carries the process's shards
    assert {dict(labels).get("shard") for _, labels in values} == {"0-1"}


# -- two processes, one database ------------------------------------------------------------------


def shown(store: Path | str) -> str:
    """How a one-line refusal names the database."""
    return str(store) if isinstance(store, Path) else redact_url(store)


@pytest.fixture
async def processes(fake: FakeDiscord, database: Path) -> AsyncIterator[list[BotProcess]]:
    started: list[BotProcess] = []
    try:
        yield started
    finally:
        for process in started:
            await process.stop()


def shard_process(
    fake: FakeDiscord, store: Path | str, shard_id: int, database: Path, **env: str
) -> BotProcess:
    """Shard `shard_id` of 2 as its own process; `database` names its log's folder."""
    on = {"DATABASE_URL": store} if isinstance(store, str) else {}
    return BotProcess(
        fake,
        store if isinstance(store, Path) else database,
        env={"CLAIMBOT_SHARD_COUNT": "2", "CLAIMBOT_SHARD_IDS": str(shard_id), **on, **env},
        log_path=database.with_name(f"shard-{shard_id}.log"),
    )


def stored(store: Path | str, claim_id: int) -> dict[int, str]:
    rows = execute_directly(
        store, "SELECT reviewer_id, vote FROM claim_votes WHERE claim_id = ?", (claim_id,)
    )
    return {int(r): str(v) for r, v in rows}


def claim_row(store: Path | str, message_id: int) -> ClaimRecord:
    """What a test reads of a claim straight from the database, as another process wrote it."""
    (row,) = execute_directly(
        store, "SELECT * FROM claims WHERE message_id = ?", (message_id,), named=True
    )
    return claim_record(row)


@pytest.mark.slow
async def test_two_processes_one_database_a_kill_mid_burst_counts_each_vote_once(
    processes: list[BotProcess],
    fake: FakeDiscord,
    zero: World,
    one: World,
    database: Path,
    store: Path | str,
) -> None:
    """Shard 0 and shard 1 of 2 as two processes on one database; a burst of votes in
    servers of both; shard 1's process SIGKILLed in the middle and started again. Afterwards
    every vote is counted once, every review message shows its votes, and each claim's
    verdict notice was sent once (by the process of its server's shard)."""
    env = {"CLAIMBOT_NOTICE_WINDOW": "4"}
    first = shard_process(fake, store, 0, database, **env)
    second = shard_process(fake, store, 1, database, **env)
    processes.extend([first, second])
    await first.start()
    await second.start()
    assert fake.connected_shards == [0, 1]

    claims: dict[int, list[ClaimRecord]] = {}
    for world in (zero, one):
        await setup_review(world, reviewer_role=False)
        added = []
        for text in (BRIDGE, HARBOUR):
            await posted(fake, await world.slash(world.outsider, "claim add", {"text": text}))
            message_id = int(world.review_messages()[-1]["id"])
            await fake.wait_for(has_thread(fake, message_id), timeout=10)
            added.append(claim_row(store, message_id))
        claims[world.guild_id] = added
    voters = {
        w.guild_id: [fake.add_member(w.guild_id, f"v{i}") for i in range(60)] for w in (zero, one)
    }

    def emoji_for(claim_index: int, i: int) -> str:
        """Claim 0: supported but every tenth voter; claim 1 the other way round."""
        majority, minority = ("✅", "❌") if claim_index == 0 else ("❌", "✅")
        return minority if i % 10 == 9 else majority

    def counted_by_shard_one() -> int:
        return sum(len(stored(store, c.id)) for c in claims[one.guild_id])

    started = time.perf_counter()
    for i in range(60):
        for world in (zero, one):
            for index, claim in enumerate(claims[world.guild_id]):
                assert claim.message_id is not None
                await fake.user_add_reaction(
                    voters[world.guild_id][i],
                    world.review_channel_id,
                    claim.message_id,
                    emoji_for(index, i),
                )
        if second.running and counted_by_shard_one() >= 20:
            # Mid-burst: shard 1's process has counted part of it, and more is on its way.
            killed_at, counted_at_kill = i, counted_by_shard_one()
            second.kill()
            await second.process.wait()  # type: ignore[union-attr]
        # A burst as members click, read by both processes as it comes: the fake sends
        # each event when its loop runs.
        await asyncio.sleep(0.002)
    burst = time.perf_counter() - started
    assert not second.running and killed_at < 50
    # While shard 1's process is down: retractions in both servers.
    for world in (zero, one):
        for i in range(10):
            claim = claims[world.guild_id][0]
            assert claim.message_id is not None
            await fake.user_remove_reaction(
                voters[world.guild_id][i],
                world.review_channel_id,
                claim.message_id,
                emoji_for(0, i),
            )

    restarted = time.perf_counter()
    await second.start()
    every = [(w, c) for w in (zero, one) for c in claims[w.guild_id]]
    expected = {c.id: discord_votes(fake, c.message_id) for _, c in every}  # type: ignore[arg-type]
    assert sorted(len(v) for v in expected.values()) == [50, 50, 60, 60]

    def counted() -> bool:
        return all(stored(store, claim_id) == votes for claim_id, votes in expected.items())

    await fake.wait_for(counted, timeout=30, what="every vote counted")
    consistent = time.perf_counter() - restarted

    def current() -> bool:
        return all(votes_field(w, c) == counts_line(expected[c.id]) for w, c in every)

    await fake.wait_for(current, timeout=30, what="every review message current")

    def notices_sent() -> bool:
        ((pending,),) = execute_directly(
            store, "SELECT count(*) FROM verdict_notices WHERE status IS NOT NULL"
        )
        return pending == 0 and all(notices(w, c) for w, c in every)

    await fake.wait_for(notices_sent, timeout=30, what="every verdict notice sent")
    for world, claim in every:
        latest = claim_row(store, claim.message_id)  # type: ignore[arg-type]
        status = "likely_true" if claims[world.guild_id].index(claim) == 0 else "likely_false"
        assert latest.status == status
        assert [n.split(" · ")[0] for n in notices(world, claim)] == [announces(latest, status)]
        assert (
            review_embed(world, claim)["title"]
            == f"Claim #{latest.number} · {STATUS_LABELS[status]}"
        )

    assert await first.stop() == 0 and await second.stop() == 0  # clean SIGTERM, both
    if isinstance(store, Path):
        assert execute_directly(store, "PRAGMA integrity_check") == [("ok",)]
    # Each reviewer's latest event is their current vote: nothing counted twice.
    latest_events = votes_from_the_log(store)
    # Shard 0's process never stopped: one event per reaction added or removed, no more.
    zero_ids = [c.id for c in claims[zero.guild_id]]
    ((zero_events,),) = execute_directly(
        store, "SELECT count(*) FROM vote_events WHERE claim_id IN (?, ?)", tuple(zero_ids)
    )
    by_claim: dict[int, dict[int, str]] = {}
    for (claim_id, reviewer), vote in latest_events.items():
        by_claim.setdefault(claim_id, {})[reviewer] = vote
    assert by_claim == expected
    assert zero_events == 60 * 2 + 10
    for process in (first, second):
        log = process.log_path.read_text(encoding="utf-8")
        assert "database is locked" not in log
        assert " ERROR " not in log, process.log_tail()
    print(
        f"burst of 240 reactions: {burst:.2f} s; shard 1 killed after {2 * (killed_at + 1)} of"
        f" its reactions, {counted_at_kill} counted; restart to all counted: {consistent:.2f} s;"
        " warnings:"
        f" {[p.log_path.read_text().count(' WARNING ') for p in (first, second)]}"
    )


@pytest.mark.slow
async def test_a_second_process_on_a_running_shard_exits_4_before_reaching_discord(
    processes: list[BotProcess], fake: FakeDiscord, one: World, database: Path, store: Path | str
) -> None:
    first = shard_process(fake, store, 1, database)
    processes.append(first)
    await first.start()
    identified = fake.identify_count

    env = {
        "DISCORD_TOKEN": TOKEN,
        ("DATABASE_URL" if isinstance(store, str) else "DATABASE_PATH"): str(store),
        "DISCORD_API_BASE": fake.api_base,
        "DISCORD_GATEWAY_URL": fake.gateway_url,
        "CLAIMBOT_SHARD_COUNT": "2",
        "CLAIMBOT_SHARD_IDS": "0-1",
    }
    again = await asyncio.to_thread(claimbot, "run", cwd=database.parent, env=env)
    assert again.returncode == 4
    assert again.stderr.splitlines() == [
        f"claimbot: another claimbot runs shard 1 of 2 on {shown(store)} (pid {first.pid})."
    ]
    assert fake.identify_count == identified  # it never reached the gateway
    assert fake.connected_shards == [1]

    # An unsharded bot is refused the same way; another shard count too.
    unsharded = await asyncio.to_thread(
        claimbot,
        "run",
        cwd=database.parent,
        env={**env, "CLAIMBOT_SHARD_COUNT": "", "CLAIMBOT_SHARD_IDS": ""},
    )
    assert (unsharded.returncode, unsharded.stderr.splitlines()) == (
        4,
        [f"claimbot: another claimbot runs shard 1 of 2 on {shown(store)} (pid {first.pid})."],
    )
    three = await asyncio.to_thread(
        claimbot,
        "run",
        cwd=database.parent,
        env={**env, "CLAIMBOT_SHARD_COUNT": "3", "CLAIMBOT_SHARD_IDS": "0"},
    )
    assert (three.returncode, three.stderr.splitlines()) == (
        4,
        [
            f"claimbot: another claimbot runs shard 1 of 2 on {shown(store)} (pid {first.pid}); "
            "every process on one database needs the same CLAIMBOT_SHARD_COUNT."
        ],
    )
    assert fake.identify_count == identified

    # The holder is SIGKILLed: its shard is taken over at once.
    first.kill()
    await first.stop()
    takeover = shard_process(fake, store, 1, database)
    processes.append(takeover)
    await takeover.start()
    assert fake.identifies[-1].shard == [1, 2]
