"""Faults between the bot and Discord: dropped gateways, lost sessions, refused and
rate-limited requests. No vote is lost and nothing is counted twice."""

from __future__ import annotations

import sqlite3

import pytest

import bot.services.catch_up
import bot.storage.connection
from bot.app.client import ClaimBot
from bot.core.shards import UNSHARDED
from tests.support.world import BotRunner, World, add_claim, setup_review
from tests.test_storage_busy import hold_lock


def catchups(bot: ClaimBot) -> int:
    return bot.catch_up.runs


async def test_resumed_session_replays_missed_votes(runner: BotRunner, world: World) -> None:
    bot = await runner.start()
    await setup_review(world)
    claim = await add_claim(world, bot)
    r1, r2, _ = world.reviewers
    resumes = world.fake.resume_count

    await world.fake.drop_gateway(resumable=True, hold=True)
    await world.fake.user_add_reaction(r1, world.review_channel_id, claim.message_id, "✅")  # type: ignore[arg-type]
    await world.fake.user_add_reaction(r2, world.review_channel_id, claim.message_id, "❌")  # type: ignore[arg-type]
    world.fake.release_gateway()
    await world.fake.wait_for(lambda: world.fake.resume_count == resumes + 1, timeout=10)
    await runner.settle()

    assert await bot.db.current_votes(claim.id) == {r1: "supported", r2: "refuted"}
    assert catchups(bot) == 1  # a resume needs no catch-up


async def test_lost_session_is_recovered_by_catch_up(runner: BotRunner, world: World) -> None:
    bot = await runner.start()
    await setup_review(world)
    claim = await add_claim(world, bot)
    r1, r2, r3 = world.reviewers
    mid, channel = claim.message_id, world.review_channel_id
    assert mid is not None
    await world.fake.user_add_reaction(r1, channel, mid, "✅")
    await runner.settle()

    await world.fake.drop_gateway(resumable=False, hold=True)
    await world.fake.user_remove_reaction(r1, channel, mid, "✅")
    await world.fake.user_add_reaction(r2, channel, mid, "❓")
    world.fake.release_gateway()
    await world.fake.wait_for(lambda: catchups(bot) == 2, timeout=10)
    await runner.settle()
    assert await bot.db.current_votes(claim.id) == {r2: "unverifiable"}

    await world.fake.invalidate_session()
    await world.fake.user_add_reaction(r3, channel, mid, "❌")
    await world.fake.wait_for(lambda: catchups(bot) == 3, timeout=10)
    await runner.settle()
    assert await bot.db.current_votes(claim.id) == {r2: "unverifiable", r3: "refuted"}
    events = [(r, v) for _, r, v, _ in await bot.db.vote_events(claim.id)]
    assert events == [(r1, "supported"), (r1, None), (r2, "unverifiable"), (r3, "refuted")]


async def test_rate_limited_reactions_are_retried(runner: BotRunner, world: World) -> None:
    bot = await runner.start()
    await setup_review(world)
    world.fake.fail_next(
        "PUT",
        r"/channels/\d+/messages/\d+/reactions/.+/@me",
        429,
        json={"message": "You are being rate limited.", "retry_after": 0.05, "global": False},
        headers={"Retry-After": "0.05"},
        times=2,
    )
    claim = await add_claim(world, bot)
    assert world.fake.reactions(claim.message_id) == {  # type: ignore[arg-type]
        e: {world.fake.bot_user_id} for e in ("✅", "❌", "❓", "⚠️")
    }


@pytest.mark.slow
async def test_vote_written_later_when_the_database_was_locked(
    runner: BotRunner, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bot.storage.connection, "BUSY_TIMEOUT_MS", 100)
    bot_ = await runner.start()
    monkeypatch.setattr(bot.services.catch_up, "RETRY_SECONDS", 1.5)
    await setup_review(world)
    claim = await add_claim(world, bot_)
    locker = await hold_lock(runner.database, 0.8)
    await world.fake.user_add_reaction(
        world.reviewers[0],
        world.review_channel_id,
        claim.message_id,  # type: ignore[arg-type]
        "❌",
    )
    await locker.wait()
    await world.fake.wait_for(lambda: bot_.ingest.events_written >= 1, timeout=10)
    await runner.settle()
    assert await bot_.db.current_votes(claim.id) == {world.reviewers[0]: "refuted"}
    with sqlite3.connect(runner.database) as conn:
        origins = conn.execute("SELECT origin FROM vote_events").fetchall()
    assert origins == [("catchup",)]  # the reaction handler's write failed; the retry wrote it


async def test_deleted_review_message_is_posted_again_with_its_votes(
    runner: BotRunner, world: World
) -> None:
    bot_ = await runner.start()
    await setup_review(world)
    claim = await add_claim(world, bot_)
    r1, r2, r3 = world.reviewers
    for reviewer in (r1, r2):
        await world.fake.user_add_reaction(
            reviewer,
            world.review_channel_id,
            claim.message_id,  # type: ignore[arg-type]
            "✅",
        )
    await runner.settle()

    await world.fake.delete_message(world.review_channel_id, claim.message_id)  # type: ignore[arg-type]
    await runner.settle()
    moved = await bot_.db.get_claim(world.guild_id, claim.id)
    assert moved is not None and moved.message_id not in (None, claim.message_id)
    (message,) = world.review_messages()
    assert int(message["id"]) == moved.message_id
    fields = {f["name"]: f["value"] for f in message["embeds"][0]["fields"]}
    assert fields["Votes"] == "✅ 2  ❌ 0  ❓ 0  ⚠️ 0"
    assert world.fake.reactions(moved.message_id)["✅"] == {world.fake.bot_user_id}

    # A new vote on the new message counts; catch-up keeps the carried votes.
    await world.fake.user_add_reaction(r3, world.review_channel_id, moved.message_id, "✅")
    await runner.settle()
    await bot_.catch_up.run()
    await runner.settle()
    assert await bot_.db.current_votes(claim.id) == {
        r1: "supported",
        r2: "supported",
        r3: "supported",
    }


async def test_refused_and_missing_messages_on_edit(runner: BotRunner, world: World) -> None:
    bot_ = await runner.start()
    await setup_review(world)
    claim = await add_claim(world, bot_)
    mid = claim.message_id
    world.fake.fail_next(
        "PATCH",
        rf"/channels/\d+/messages/{mid}",
        403,
        json={"message": "Missing Permissions", "code": 50013},
    )
    await world.fake.user_add_reaction(world.reviewers[0], world.review_channel_id, mid, "❌")  # type: ignore[arg-type]
    await runner.settle()
    settings = await world.slash(world.admin, "claimbot settings")
    last = settings.callback["data"]["content"].splitlines()[-1]
    assert last.startswith("Last problem (<t:")
    assert last.endswith(
        f"Discord refused to update its review message for claim #{claim.number}: Missing "
        f"Permissions. Check my permissions in <#{world.review_channel_id}>."
    )

    world.fake.fail_next(
        "PATCH",
        rf"/channels/\d+/messages/{mid}",
        404,
        json={"message": "Unknown Message", "code": 10008},
    )
    await world.fake.user_add_reaction(world.reviewers[1], world.review_channel_id, mid, "❌")  # type: ignore[arg-type]
    await runner.settle()
    moved = await bot_.db.get_claim(world.guild_id, claim.id)
    assert moved is not None and moved.message_id != mid
    new = world.fake.message(world.review_channel_id, moved.message_id)  # type: ignore[arg-type]
    assert new is not None
    fields = {f["name"]: f["value"] for f in new["embeds"][0]["fields"]}
    assert fields["Votes"] == "✅ 0  ❌ 2  ❓ 0  ⚠️ 0"


async def test_message_left_stale_is_rendered_again_at_start(
    runner: BotRunner, world: World
) -> None:
    """An edit that did not land (refused here; pending at shutdown is the same case)
    leaves the message behind the database; the next start renders it again."""
    bot_ = await runner.start()
    await setup_review(world)
    claim = await add_claim(world, bot_)
    mid = claim.message_id
    assert mid is not None
    world.fake.fail_next(
        "PATCH",
        rf"/channels/\d+/messages/{mid}",
        403,
        json={"message": "Missing Permissions", "code": 50013},
    )
    await world.fake.user_add_reaction(world.reviewers[0], world.review_channel_id, mid, "❌")
    await runner.settle()
    message = world.fake.message(world.review_channel_id, mid)
    assert message is not None
    fields = {f["name"]: f["value"] for f in message["embeds"][0]["fields"]}
    assert fields["Votes"] == "✅ 0  ❌ 0  ❓ 0  ⚠️ 0"
    assert await bot_.db.stale_review_messages(UNSHARDED, limit=10) == [claim.id]
    await runner.stop()

    bot_ = await runner.start()
    await runner.settle()
    message = world.fake.message(world.review_channel_id, mid)
    assert message is not None
    fields = {f["name"]: f["value"] for f in message["embeds"][0]["fields"]}
    assert fields["Votes"] == "✅ 0  ❌ 1  ❓ 0  ⚠️ 0"
    assert await bot_.db.stale_review_messages(UNSHARDED, limit=10) == []


async def test_refusals_alert_the_admins_once_per_quiet_period(
    runner: BotRunner, world: World
) -> None:
    bot_ = await runner.start()
    await world.slash(
        world.admin,
        "claimbot setup",
        {"review_channel": world.review_channel_id, "alerts_channel": world.general_channel_id},
    )
    claim = await add_claim(world, bot_)
    mid = claim.message_id
    assert mid is not None
    for reviewer in world.reviewers[:2]:
        world.fake.fail_next(
            "PATCH",
            rf"/channels/\d+/messages/{mid}",
            403,
            json={"message": "Missing Permissions", "code": 50013},
        )
        await world.fake.user_add_reaction(reviewer, world.review_channel_id, mid, "❌")
        await runner.settle()

    alerts = [
        m["content"]
        for m in world.fake.messages_in(world.general_channel_id)
        if m["author"]["id"] == str(world.fake.bot_user_id)
    ]
    assert alerts == [
        f"⚠️ Discord refused to update its review message for claim #{claim.number}: Missing "
        f"Permissions. Check my permissions in <#{world.review_channel_id}>. Further problems "
        "in the next 10 minutes go only to `/claimbot settings` and the log."
    ]
    audit = await bot_.db.audit_entries(world.guild_id)
    assert [e["action"] for e in audit].count("discord_refused") == 2
    settings = await world.slash(world.outsider, "claimbot settings")
    assert (
        f"Alerts channel: <#{world.general_channel_id}>"
        in settings.callback["data"]["content"].splitlines()
    )
