"""`/healthz` and `/metrics` of a running bot, through the fake Discord: not ready until the
gateway is, counts equal to what the fake sent and answered, the outbox depth, and a
database that stops answering."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from collections import Counter

import aiohttp

from bot.app.client import ClaimBot
from tests.support.clock import ManualClock
from tests.support.world import NEIGHBOUR_CLAIMS, BotRunner, World, add_claim, setup_review
from tests.test_metrics import Samples, free_port, samples

SECOND_CLAIM = "The regional auditor reported that the ferry contract ran 30 percent over budget."


async def get(port: int, path: str, method: str = "GET") -> tuple[int, str]:
    async with (
        aiohttp.ClientSession() as session,
        session.request(method, f"http://127.0.0.1:{port}{path}") as response,
    ):
        return response.status, await response.text()


async def scrape(port: int) -> Samples:
    status, text = await get(port, "/metrics")
    assert status == 200
    return samples(text)


def labelled(values: Samples, name: str) -> dict[tuple[tuple[str, str], ...], float]:
    return {labels: value for (n, labels), value in values.items() if n == name}


async def start(runner: BotRunner) -> tuple[ClaimBot, int]:
    port = free_port()
    # Notices wait on a clock nobody moves: every queued notice stays in the outbox.
    runner.bot_options["clock"] = ManualClock()
    return await runner.start(CLAIMBOT_HEALTH_PORT=port), port


async def test_healthz_is_503_starting_until_the_gateway_is_ready_then_200(
    runner: BotRunner, world: World
) -> None:
    await world.fake.drop_gateway(hold=True)  # the first connection waits before HELLO
    port = free_port()
    starting = asyncio.create_task(runner.start(CLAIMBOT_HEALTH_PORT=port))

    async def answer() -> tuple[int, str] | None:
        try:
            return await get(port, "/healthz")
        except aiohttp.ClientConnectionError:
            return None  # not listening yet: the services are being built

    first = await world.fake.wait_for(answer, timeout=10)
    assert first == (503, "starting\n")
    await asyncio.sleep(0.3)
    assert await get(port, "/healthz") == (503, "starting\n")
    assert not starting.done()

    world.fake.release_gateway()
    bot = await starting
    assert bot.is_ready()
    assert await get(port, "/healthz") == (200, "ok\n")
    assert await get(port, "/healthz", "HEAD") == (200, "")

    # A connection lost (and held): discord.py still says ready, the socket does not.
    await world.fake.drop_gateway(resumable=True, hold=True)
    await world.fake.wait_for(lambda: bot.ws is not None and not bot.ws.open, timeout=10)
    assert await get(port, "/healthz") == (503, "gateway not ready\n")
    world.fake.release_gateway()
    await world.fake.wait_until_connected()
    await world.fake.wait_for(lambda: bot.ws is not None and bot.ws.open, timeout=10)
    assert await get(port, "/healthz") == (200, "ok\n")


async def test_metrics_count_votes_events_and_the_outbox_exactly(
    runner: BotRunner, world: World
) -> None:
    bot, port = await start(runner)
    await setup_review(world)
    claims = [await add_claim(world, bot), await add_claim(world, bot, SECOND_CLAIM)]
    before = await scrape(port)
    assert before[("claimbot_votes_ingested_total", ())] == 0
    assert before[("claimbot_verdict_notices_pending", ())] == 0

    # 3 reviewers × 2 claims: both reach a verdict, so each queues a notice.
    for claim in claims:
        assert claim.message_id is not None
        for reviewer in world.reviewers:
            await world.fake.user_add_reaction(
                reviewer, world.review_channel_id, claim.message_id, "✅"
            )
    await runner.settle()
    values = await scrape(port)

    assert values[("claimbot_votes_ingested_total", ())] == 6
    assert values[("claimbot_ingest_lag_seconds_count", ())] == 6
    events = labelled(values, "claimbot_gateway_events_received_total")
    sent = Counter(world.fake.dispatched())  # every event the fake wrote to the bot
    assert events == {(("event", name),): count for name, count in sent.items()}
    # Beside the 6 votes, the bot's own 4 reactions on each review message came back: the
    # test's 2 claims and the neighbouring server's, posted at start.
    with sqlite3.connect(runner.database) as conn:
        (posted,) = conn.execute(
            "SELECT count(*) FROM claims WHERE message_id IS NOT NULL"
        ).fetchone()
    assert posted == len(claims) + len(NEIGHBOUR_CLAIMS)
    assert events[(("event", "MESSAGE_REACTION_ADD"),)] == 6 + 4 * posted

    with sqlite3.connect(runner.database) as conn:
        (queued,) = conn.execute(
            "SELECT count(*) FROM verdict_notices WHERE status IS NOT NULL"
        ).fetchone()
    assert queued == 2
    assert values[("claimbot_verdict_notices_pending", ())] == 2

    latency = labelled(values, "claimbot_database_round_trip_seconds_count")
    assert latency[(("kind", "write"),)] >= 2 and latency[(("kind", "read"),)] >= 1
    assert values[("claimbot_fetches_in_flight", ())] == 0
    assert labelled(values, "claimbot_discord_http_errors_total") == {}


async def test_discord_429_and_500_are_counted_once_each_by_route(
    runner: BotRunner, world: World
) -> None:
    bot, port = await start(runner)
    await setup_review(world)
    world.fake.fail_next("PUT", r"/channels/\d+/messages/\d+/reactions/.+/@me", 429)
    world.fake.fail_next("POST", rf"/channels/{world.review_channel_id}/messages", 500)

    await add_claim(world, bot)  # discord.py waits both out and retries
    await runner.settle()

    statuses = [r.status for r in world.fake.requests if r.status in (429, 500)]
    assert sorted(statuses) == [429, 500]
    assert labelled(await scrape(port), "claimbot_discord_http_errors_total") == {
        (("route", "PUT /channels/{}/messages/{}/reactions/{}/@me"), ("status", "429")): 1,
        (("route", "POST /channels/{}/messages"), ("status", "5xx")): 1,
    }


async def test_a_closed_database_makes_healthz_503(runner: BotRunner, world: World) -> None:
    bot, port = await start(runner)
    assert await get(port, "/healthz") == (200, "ok\n")
    await bot.db.close()
    assert await get(port, "/healthz") == (503, "database not answering\n")
    status, text = await get(port, "/metrics")
    assert status == 200
    assert re.search(r"^claimbot_verdict_notices_pending NaN$", text, re.MULTILINE)
