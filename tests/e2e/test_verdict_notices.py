"""Verdict notices through the fake Discord: in the claim's thread and as a reply on the
message a claim came from, coalesced within a window, off when a server says so, kept
across a restart, refusals reported, a burst paced at the edit rate. The notices' clock is
moved by hand: no test waits for the real minute."""

from __future__ import annotations

import pytest

from bot.app.client import ClaimBot
from bot.core.records import NewClaim, NewDocument
from bot.core.shards import UNSHARDED
from bot.storage.votes import CurrentVotes, VoteEventRow
from tests.fake_discord.state import JSON
from tests.support.clock import ManualClock, VirtualClock
from tests.support.world import FERRY_CLAIM, BotRunner, World, add_claim, setup_review

WINDOW = 60.0
NO_PING: dict[str, list[str]] = {"parse": []}
FORBIDDEN = {"message": "Missing Permissions", "code": 50013}


def bot_posts(world: World, channel_id: int) -> list[JSON]:
    return [
        m
        for m in world.fake.messages_in(channel_id)
        if m["author"]["id"] == str(world.fake.bot_user_id)
    ]


async def start(runner: BotRunner, **overrides: object) -> tuple[ClaimBot, ManualClock]:
    clock = ManualClock()
    runner.bot_options["clock"] = clock
    return await runner.start(**overrides), clock


async def after_window(runner: BotRunner, clock: ManualClock, seconds: float = WINDOW) -> None:
    """Let the bot take in what happened, move the notices' clock, let the sender run."""
    await runner.settle()
    assert runner.bot is not None
    clock.advance(seconds)
    await runner.bot.notices.wait_idle()


async def vote(world: World, runner: BotRunner, message_id: int, votes: dict[int, str]) -> None:
    """Each reviewer's vote, replacing the one they had."""
    for reviewer, emoji in votes.items():
        await world.fake.user_add_reaction(reviewer, world.review_channel_id, message_id, emoji)
    await runner.settle()


async def test_a_notice_in_the_thread_once_votes_reach_a_verdict(
    runner: BotRunner, world: World
) -> None:
    bot, clock = await start(runner)
    await setup_review(world)
    claim = await add_claim(world, bot)
    assert claim.thread_id is not None and claim.message_id is not None
    await vote(world, runner, claim.message_id, dict.fromkeys(world.reviewers[:2], "✅"))
    await after_window(runner, clock)
    assert bot_posts(world, claim.thread_id) == []  # needs review: no verdict yet

    await vote(world, runner, claim.message_id, {world.reviewers[2]: "✅"})
    await after_window(runner, clock, WINDOW - 1)
    assert bot_posts(world, claim.thread_id) == []  # the window is not over
    await after_window(runner, clock, 1)

    (notice,) = bot_posts(world, claim.thread_id)
    stored = await bot.db.get_claim(world.guild_id, claim.id)
    assert stored is not None and stored.status == "likely_true"
    assert notice["content"] == (
        f"Verdict on claim #{claim.number}: 🟢 **Likely true** · confidence "
        f"{stored.confidence:.0%}\n{stored.explanation}"
    )
    assert notice["allowed_mentions"] == NO_PING
    assert bot.notices.sent == 1


async def test_a_claim_from_a_message_gets_a_reply_there_that_pings_nobody(
    runner: BotRunner, world: World
) -> None:
    bot, clock = await start(runner)
    await setup_review(world)
    said = await world.fake.user_send_message(world.outsider, world.general_channel_id, FERRY_CLAIM)
    rec = await world.fake.invoke_message_context_menu(world.reviewers[0], "Extract claims", said)
    await rec.wait_response()
    await world.fake.wait_for(lambda: (rec.final_content() or "").startswith("Posted"))
    (review,) = world.review_messages()
    claim = await bot.db.claim_for_message(int(review["id"]))
    assert claim is not None and claim.thread_id is not None
    await vote(world, runner, int(review["id"]), dict.fromkeys(world.reviewers, "❌"))
    await after_window(runner, clock)

    stored = await bot.db.get_claim(world.guild_id, claim.id)
    assert stored is not None and stored.status == "likely_false"
    (in_thread,) = bot_posts(world, claim.thread_id)
    assert in_thread["content"].startswith(f"Verdict on claim #{claim.number}: 🔴 **Likely false**")
    (reply,) = bot_posts(world, world.general_channel_id)
    assert reply["message_reference"]["message_id"] == said["id"]
    assert reply["allowed_mentions"] == {"parse": [], "replied_user": False}
    link = f"https://discord.com/channels/{world.guild_id}/{world.review_channel_id}/{review['id']}"
    assert reply["content"] == (
        f"[#{claim.number}](<{link}>) The Port Averly council voted 9 to 2 on Tuesday to buy "
        f"three electric ferries.\n🔴 **Likely false** · confidence {stored.confidence:.0%}\n"
        f"{stored.explanation}"
    )
    assert world.fake.bot_messages_pinging() == []


async def test_a_moderator_resolve_is_announced_as_final(runner: BotRunner, world: World) -> None:
    bot, clock = await start(runner)
    await setup_review(world)
    said = await world.fake.user_send_message(world.outsider, world.general_channel_id, FERRY_CLAIM)
    rec = await world.fake.invoke_message_context_menu(world.reviewers[0], "Extract claims", said)
    await world.fake.wait_for(lambda: (rec.final_content() or "").startswith("Posted"))
    (review,) = world.review_messages()
    claim = await bot.db.claim_for_message(int(review["id"]))
    assert claim is not None and claim.thread_id is not None
    resolved = await world.slash(
        world.moderator,
        "claim resolve",
        {"claim": claim.number, "verdict": "verified_false", "note": "Minutes say 6 to 5."},
    )
    assert resolved.callback["data"]["content"].startswith(f"Claim #{claim.number} is now")
    await after_window(runner, clock)

    expected = "❌ **Verified false** (final) · confidence 100%\nResolved by a moderator: " + (
        "Minutes say 6 to 5."
    )
    (in_thread,) = bot_posts(world, claim.thread_id)
    assert in_thread["content"] == f"Verdict on claim #{claim.number}: {expected}"
    (reply,) = bot_posts(world, world.general_channel_id)
    assert reply["content"].endswith(f"\n{expected}")
    assert reply["message_reference"]["message_id"] == said["id"]


async def test_flips_within_the_window_coalesce_and_a_flip_back_says_nothing(
    runner: BotRunner, world: World
) -> None:
    bot, clock = await start(runner)
    await setup_review(world)
    claim = await add_claim(world, bot)
    assert claim.thread_id is not None and claim.message_id is not None
    mid = claim.message_id
    r1, r2, r3 = world.reviewers
    await vote(world, runner, mid, {r1: "✅", r2: "✅", r3: "✅"})  # likely true
    await after_window(runner, clock, 20)
    await vote(world, runner, mid, {r1: "❌", r2: "❌"})  # likely false
    await after_window(runner, clock, 20)
    await vote(world, runner, mid, {r1: "⚠️", r2: "⚠️", r3: "⚠️"})  # misleading
    await after_window(runner, clock, WINDOW)

    (notice,) = bot_posts(world, claim.thread_id)
    assert notice["content"].startswith(f"Verdict on claim #{claim.number}: ⚠️ **Misleading**")

    # Away and back within a window: it ends where the last notice left it, so no notice.
    await vote(world, runner, mid, {r1: "✅", r2: "✅", r3: "✅"})
    await after_window(runner, clock, 30)
    await vote(world, runner, mid, {r1: "⚠️", r2: "⚠️", r3: "⚠️"})
    await after_window(runner, clock, WINDOW * 5)
    assert len(bot_posts(world, claim.thread_id)) == 1
    # Leaving a verdict for "no verdict yet" is not announced either.
    await world.fake.user_remove_reaction(r3, world.review_channel_id, mid, "⚠️")
    await after_window(runner, clock, WINDOW * 5)
    stored = await bot.db.get_claim(world.guild_id, claim.id)
    assert stored is not None and stored.status == "needs_review"
    assert len(bot_posts(world, claim.thread_id)) == 1
    assert bot.notices.sent == 1


async def test_notices_off(runner: BotRunner, world: World) -> None:
    bot, clock = await start(runner)
    rec = await world.slash(
        world.admin,
        "claimbot setup",
        {"review_channel": world.review_channel_id, "notices": "off"},
    )
    assert "Verdict notices: off" in rec.callback["data"]["content"].splitlines()
    said = await world.fake.user_send_message(world.outsider, world.general_channel_id, FERRY_CLAIM)
    menu = await world.fake.invoke_message_context_menu(world.reviewers[0], "Extract claims", said)
    await world.fake.wait_for(lambda: (menu.final_content() or "").startswith("Posted"))
    (review,) = world.review_messages()
    claim = await bot.db.claim_for_message(int(review["id"]))
    assert claim is not None and claim.thread_id is not None
    await vote(world, runner, int(review["id"]), dict.fromkeys(world.reviewers, "✅"))
    await after_window(runner, clock)

    assert bot_posts(world, claim.thread_id) == []
    assert bot_posts(world, world.general_channel_id) == []
    assert await bot.db.claim_due_notices(UNSHARDED, clock.now() + 10 * WINDOW, limit=10) == []

    # Setup again without the option keeps it; `thread` sends no origin reply.
    await setup_review(world)
    settings = await world.slash(world.outsider, "claimbot settings")
    assert "Verdict notices: off" in settings.callback["data"]["content"].splitlines()
    await world.slash(
        world.admin,
        "claimbot setup",
        {"review_channel": world.review_channel_id, "notices": "thread"},
    )
    await vote(world, runner, int(review["id"]), dict.fromkeys(world.reviewers, "❌"))
    await after_window(runner, clock)
    assert len(bot_posts(world, claim.thread_id)) == 1
    assert bot_posts(world, world.general_channel_id) == []


@pytest.mark.slow
async def test_pending_notices_are_sent_once_after_a_restart(
    runner: BotRunner, world: World
) -> None:
    bot, clock = await start(runner)
    await setup_review(world)
    claim = await add_claim(world, bot)
    assert claim.thread_id is not None and claim.message_id is not None
    await vote(world, runner, claim.message_id, dict.fromkeys(world.reviewers, "✅"))
    await runner.stop()
    assert bot_posts(world, claim.thread_id) == []

    bot = await runner.start()
    await after_window(runner, clock)
    assert len(bot_posts(world, claim.thread_id)) == 1
    await runner.stop()

    bot = await runner.start()
    await after_window(runner, clock)
    assert len(bot_posts(world, claim.thread_id)) == 1
    assert await bot.db.claim_due_notices(UNSHARDED, clock.now() + 10 * WINDOW, limit=10) == []


async def test_a_refused_notice_is_reported_once_and_not_retried(
    runner: BotRunner, world: World
) -> None:
    bot, clock = await start(runner)
    await world.slash(
        world.admin,
        "claimbot setup",
        {"review_channel": world.review_channel_id, "alerts_channel": world.general_channel_id},
    )
    claim = await add_claim(world, bot)
    assert claim.thread_id is not None and claim.message_id is not None
    thread_posts = rf"/channels/{claim.thread_id}/messages"
    world.fake.fail_next("POST", thread_posts, 403, json=FORBIDDEN, times=10)
    await vote(world, runner, claim.message_id, dict.fromkeys(world.reviewers, "✅"))
    await after_window(runner, clock)

    refusal = (
        f"Discord refused to post its verdict notice in its thread for claim #{claim.number}: "
        f"Missing Permissions. Check my permissions in <#{world.review_channel_id}>."
    )
    (alert,) = bot_posts(world, world.general_channel_id)
    assert alert["content"] == (
        f"⚠️ {refusal} Further problems in the next 10 minutes go only to `/claimbot "
        "settings` and the log."
    )
    settings = await world.slash(world.outsider, "claimbot settings")
    last = settings.callback["data"]["content"].splitlines()[-1]
    assert last.startswith("Last problem (<t:") and last.endswith(refusal)

    await after_window(runner, clock, 24 * 3600)
    assert len(world.fake.requests_to("POST", thread_posts)) == 1
    assert bot_posts(world, claim.thread_id) == []
    assert await bot.db.claim_due_notices(UNSHARDED, clock.now() + 10 * WINDOW, limit=10) == []


async def test_an_outage_is_retried_after_a_backoff(runner: BotRunner, world: World) -> None:
    bot, clock = await start(runner)
    await setup_review(world)
    claim = await add_claim(world, bot)
    assert claim.thread_id is not None and claim.message_id is not None
    thread_posts = rf"/channels/{claim.thread_id}/messages"
    world.fake.fail_next("POST", thread_posts, 503, json={"message": "Service Unavailable"})
    await vote(world, runner, claim.message_id, dict.fromkeys(world.reviewers, "✅"))
    await after_window(runner, clock)
    assert bot_posts(world, claim.thread_id) == []
    (failed,) = world.fake.requests_to("POST", thread_posts)
    assert failed.status == 503

    await after_window(runner, clock, 4)
    assert bot_posts(world, claim.thread_id) == []
    await after_window(runner, clock, 1)  # the first retry, 5 s later
    assert len(bot_posts(world, claim.thread_id)) == 1
    assert len(world.fake.requests_to("POST", thread_posts)) == 2


async def test_a_burst_of_verdicts_is_sent_at_the_edit_rate(
    runner: BotRunner, world: World
) -> None:
    """`/claimbot thresholds` moves every open claim to a verdict at once. Each notice is
    sent once, and the notices take turns of the edit rate: on the rate's own (virtual)
    clock they span at least one turn each, so they never go faster than it allows."""
    rate = 20
    count = 100
    pace = VirtualClock()
    runner.bot_options["pace_clock"] = pace
    bot, clock = await start(runner, CLAIMBOT_EDIT_RATE=rate)
    await setup_review(world)
    threads = await many_claims_with_threads(world, bot, count)

    changed = await world.slash(world.admin, "claimbot thresholds", {"quorum": 2})
    (answer,) = await changed.wait_followups(1)
    assert answer["content"].endswith(
        f"{count} open claims changed status; their review messages are being updated."
    )
    await runner.settle()  # the review messages are edited, each at its turn
    before = pace.now()
    clock.advance(WINDOW)
    await bot.notices.wait_idle()

    assert [len(bot_posts(world, t)) for t in threads] == [1] * count
    assert bot.notices.sent == count
    assert pace.now() - before >= (count - 1) / rate


async def many_claims_with_threads(world: World, bot: ClaimBot, count: int) -> list[int]:
    """`count` claims posted (bot messages with a thread each) with two ✅ votes each, not
    enough for a verdict under the default quorum of 3."""
    document = NewDocument(
        guild_id=world.guild_id, submitter_id=world.outsider, kind="text", content_hash="burst"
    )
    claims = [
        NewClaim(text=f"Ferry number {n} carried {n * 7} passengers.", normalized=f"ferry {n}")
        for n in range(count)
    ]
    _, created, _ = await bot.db.store_submission(
        document, claims, origin_url=None, origin_title=None
    )
    threads: list[int] = []
    review = bot.get_partial_messageable(world.review_channel_id, guild_id=world.guild_id)
    for claim in created:
        message = await review.send(f"claim {claim.number}")
        thread = world.fake.add_thread(world.review_channel_id, f"Claim #{claim.number}")
        await bot.db.set_review_message(
            claim.id, channel_id=world.review_channel_id, message_id=message.id, thread_id=thread
        )
        threads.append(thread)
    ids = [claim.id for claim in created]

    def two_supports(_: CurrentVotes) -> list[VoteEventRow]:
        return [
            (world.guild_id, claim_id, reviewer, "supported", "reaction", 1.0)
            for claim_id in ids
            for reviewer in world.reviewers[:2]
        ]

    await bot.db.record_votes(ids, two_supports)
    return threads
