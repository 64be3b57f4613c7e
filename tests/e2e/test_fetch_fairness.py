"""Fair shares through Discord: one member's slow links cannot starve another member's fetch,
and links posted in claim threads are rate-limited per member."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from aiohttp import web

from bot.app.client import ClaimBot
from bot.core.records import ClaimRecord
from bot.services.evidence import EVIDENCE_LIMITS
from bot.web.fetcher import SafeFetcher
from tests.e2e.hosts import EVIDENCE_PAGE, LOOPBACK_ONLY, local_resolver, serve
from tests.support.clock import VirtualClock
from tests.support.world import BotRunner, World, add_claim, setup_review

TITLE = "Council confirms three electric ferries"
LINK_RECORDED, LINK_REFUSED = "📎", "🚫"


@dataclass
class HeldHost:
    """`/slow/...` answers only once the test sets `release`; `/ferries` answers at once."""

    base: str = ""
    release: asyncio.Event = field(default_factory=asyncio.Event)
    arrived: list[str] = field(default_factory=list)


@pytest.fixture
async def host() -> AsyncIterator[HeldHost]:
    held = HeldHost()

    async def slow(request: web.Request) -> web.Response:
        held.arrived.append(request.path)
        await held.release.wait()
        return web.Response(text=EVIDENCE_PAGE, content_type="text/html")

    async def fast(request: web.Request) -> web.Response:
        held.arrived.append(request.path)
        return web.Response(text=EVIDENCE_PAGE, content_type="text/html")

    app = web.Application()
    app.router.add_get("/slow/{n}", slow)
    app.router.add_get("/ferries", fast)
    async with serve(app) as base:
        held.base = base
        try:
            yield held
        finally:
            held.release.set()


async def ready_bot(
    runner: BotRunner, world: World, **settings: object
) -> tuple[ClaimBot, VirtualClock]:
    # The thread-link limit runs on the bot's pace clock, moved on by hand instead of sleeping.
    clock = VirtualClock(1000.0)
    runner.bot_options["pace_clock"] = clock
    bot = await runner.start(**settings)
    # The bot's own evidence fetcher, allowed to reach the local host, on the bot's shares.
    bot.evidence.fetcher = SafeFetcher(
        EVIDENCE_LIMITS,
        resolver=local_resolver,
        slots=bot.fetch_slots,
        _allow_networks_for_tests=LOOPBACK_ONLY,
    )
    await setup_review(world)
    return bot, clock


def bot_replies(world: World, claim: ClaimRecord) -> list[tuple[str, str]]:
    """(replied-to message id, text) of what the bot posted in the claim's thread."""
    assert claim.thread_id is not None
    return [
        (str((m.get("message_reference") or {}).get("message_id")), str(m["content"]))
        for m in world.fake.messages_in(claim.thread_id)
        if int(m["author"]["id"]) == world.fake.bot_user_id
    ]


def reaction_of(world: World, message: dict[str, object]) -> str | None:
    reactions = world.fake.reactions(int(str(message["id"])))
    bot_emoji = [e for e, users in reactions.items() if world.fake.bot_user_id in users]
    assert len(bot_emoji) <= 1
    return bot_emoji[0] if bot_emoji else None


@pytest.mark.slow
async def test_a_members_slow_links_do_not_starve_another_members_evidence(
    runner: BotRunner, world: World, host: HeldHost
) -> None:
    # The thread limit is raised so that only the fetch shares stand between A and B.
    bot, _ = await ready_bot(runner, world, CLAIMBOT_THREAD_LINKS=100)
    claim = await add_claim(world, bot)
    assert claim.thread_id is not None
    member_a, member_b = world.reviewers[0], world.reviewers[1]

    # 50 slow links: as many as a fetcher has connections.
    posted = [
        await world.fake.user_send_message(member_a, claim.thread_id, f"see {host.base}/slow/{i}")
        for i in range(50)
    ]
    await world.fake.wait_for(
        lambda: all(reaction_of(world, m) is not None for m in posted), timeout=15
    )
    outcomes = [reaction_of(world, m) for m in posted]
    assert (outcomes.count(LINK_RECORDED), outcomes.count(LINK_REFUSED)) == (2, 48)
    assert len(host.arrived) == 2 and all(p.startswith("/slow/") for p in host.arrived)
    assert bot.fetch_slots.held_by((world.guild_id, member_a)) == 2

    # B, in the same server, while A's two fetches are still held open.
    rec = await world.slash(
        member_b,
        "evidence add",
        {"claim": claim.number, "url": f"{host.base}/ferries", "stance": "supports"},
    )
    await world.fake.wait_for(lambda: bool(rec.final_content()))
    assert rec.final_content() == f"Added a source that supports claim #{claim.number} (“{TITLE}”)."

    # A is told why, once, in a reply that pings no one (checked on teardown).
    ((replied_to, text),) = bot_replies(world, claim)
    refused_ids = {str(m["id"]) for m in posted if reaction_of(world, m) == LINK_REFUSED}
    assert replied_to in refused_ids
    assert text == "Not recorded. You already have 2 links being fetched; wait for them to finish."

    # A's own /evidence add is refused with the same reason, and nothing is recorded for it.
    again = await world.slash(
        member_a,
        "evidence add",
        {"claim": claim.number, "url": f"{host.base}/slow/99", "stance": "context"},
    )
    await world.fake.wait_for(lambda: bool(again.final_content()))
    assert again.final_content() == (
        "You already have 2 links being fetched; wait for them to finish."
    )

    host.release.set()
    await runner.settle()
    stored = await bot.db.evidence_for(claim.id)
    assert sorted((e.added_by, e.fetch_status, e.title) for e in stored) == sorted(
        [(member_a, "ok", TITLE), (member_a, "ok", TITLE), (member_b, "ok", TITLE)]
    )
    assert bot.fetch_slots.in_flight == 0


async def test_thread_links_over_the_limit_are_refused_until_the_window_passes(
    runner: BotRunner, world: World, host: HeldHost
) -> None:
    bot, clock = await ready_bot(
        runner, world, CLAIMBOT_THREAD_LINKS=3, CLAIMBOT_THREAD_LINK_WINDOW=60
    )
    claim = await add_claim(world, bot)
    assert claim.thread_id is not None
    member_a, member_b = world.reviewers[0], world.reviewers[1]

    async def post(member: int, *paths: str) -> dict[str, object]:
        assert claim.thread_id is not None
        links = " ".join(f"{host.base}/ferries?p={p}" for p in paths)
        message = await world.fake.user_send_message(member, claim.thread_id, f"see {links}")
        await runner.settle()
        return message

    first = await post(member_a, "a1", "a2", "a3")
    assert reaction_of(world, first) == LINK_RECORDED

    over = await post(member_a, "a4")
    assert reaction_of(world, over) == LINK_REFUSED
    reason = "You can post 3 links per 60 s in claim threads; try again in 60 s."
    assert bot_replies(world, claim) == [(str(over["id"]), f"Not recorded. {reason}")]

    # Another member has their own share.
    other = await post(member_b, "b1")
    assert reaction_of(world, other) == LINK_RECORDED

    # Still inside the window: refused again, but the member is not told twice.
    clock.advance(30)
    still = await post(member_a, "a5")
    assert reaction_of(world, still) == LINK_REFUSED
    assert len(bot_replies(world, claim)) == 1

    # The window has passed: A can post again, up to the limit.
    clock.advance(30)
    after = await post(member_a, "a6")
    assert reaction_of(world, after) == LINK_RECORDED
    partly = await post(member_a, "a7", "a8", "a9")
    assert reaction_of(world, partly) == LINK_REFUSED
    assert bot_replies(world, claim)[1:] == [
        (str(partly["id"]), "1 of 3 links not recorded. " + reason)
    ]

    stored = await bot.db.evidence_for(claim.id)
    recorded = sorted((e.added_by, e.url.rsplit("=", 1)[1]) for e in stored)
    assert recorded == sorted(
        [(member_a, p) for p in ("a1", "a2", "a3", "a6", "a7", "a8")] + [(member_b, "b1")]
    )
    assert all(e.stance == "context" and e.fetch_status == "ok" for e in stored)


@pytest.mark.slow
async def test_submissions_and_evidence_share_one_fetch_share(
    runner: BotRunner, world: World, host: HeldHost
) -> None:
    bot, _ = await ready_bot(runner, world)
    bot.fetcher = SafeFetcher(
        resolver=local_resolver, slots=bot.fetch_slots, _allow_networks_for_tests=LOOPBACK_ONLY
    )
    claim = await add_claim(world, bot)
    assert claim.thread_id is not None
    member = world.reviewers[0]
    posted = await world.fake.user_send_message(
        member, claim.thread_id, f"see {host.base}/slow/1 and {host.base}/slow/2"
    )
    await world.fake.wait_for(lambda: reaction_of(world, posted) is not None, timeout=15)
    assert reaction_of(world, posted) == LINK_RECORDED

    rec = await world.slash(member, "claim submit", {"url": f"{host.base}/ferries"})
    await rec.wait_followups(1)
    assert rec.followups[0]["content"] == (
        "You already have 2 links being fetched; wait for them to finish."
    )
    assert len(world.review_messages()) == 1
    assert host.arrived == ["/slow/1", "/slow/2"]

    host.release.set()
    await runner.settle()
    assert bot.fetch_slots.in_flight == 0
