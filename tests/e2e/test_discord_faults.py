"""Faults on Discord's side (5xx, 429, 400, answers that cannot be parsed) injected through
the fake Discord: nothing stays stuck, nothing stops the bot, and members are told what
happened."""

from __future__ import annotations

import asyncio
import gc
import logging
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import discord.http
import pytest

import bot.app.client as client_module
import bot.services.review_messages as review_module
from bot.app.client import ClaimBot
from bot.core.render import claim_line, escape_markdown
from tests.e2e.articles import HARBOUR_ARTICLE
from tests.e2e.test_kill import discord_votes, stored_votes
from tests.e2e.test_submit import expected_claims, posted_texts
from tests.fake_discord import FakeDiscord, Fault
from tests.support.process import BotProcess
from tests.support.world import FERRY_CLAIM, BotRunner, World, add_claim, setup_review

VOTE_EMOJI = ["✅", "❌", "❓", "⚠️"]
SECOND_CLAIM = "The regional auditor reported that the ferry contract ran 30 percent over budget."
THIRD_CLAIM = "Ridership on the harbour line rose by 14 percent in 2025, the transport office said."
NOT_JSON = b"<html><body>upstream connect error</body></html>"
RETRY_NOTE = "I'll retry automatically."
SEND_MESSAGES = 1 << 11
SYNC_PATH = r"/applications/\d+(/guilds/\d+)?/commands"


@pytest.fixture
def retry_soon(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(review_module, "POST_RETRY_SECONDS", (0.05, 0.05, 0.05))


class _QuickRetries:
    """discord.py's `asyncio`, with its own retry waits (1 + 2n s between the tries of a 5xx)
    a hundred times shorter: the test checks the tries and their order, not the wait."""

    def __getattr__(self, name: str) -> Any:
        return getattr(asyncio, name)

    @staticmethod
    async def sleep(delay: float, result: Any = None) -> Any:
        return await asyncio.sleep(delay / 100, result)


@pytest.fixture
def quick_discord_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(discord.http, "asyncio", _QuickRetries())


@pytest.fixture
def no_retry(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only a restart or a new submission may post the claim."""
    monkeypatch.setattr(review_module, "POST_RETRY_SECONDS", (3600.0,))


def fail_review_posts(world: World, status: int, *, times: int = 1, **kwargs: Any) -> Fault:
    path = rf"/channels/{world.review_channel_id}/messages"
    return world.fake.fail_next("POST", path, status, times=times, **kwargs)


async def reply(world: World, user: int, command: str, options: dict[str, object]) -> str:
    """Run a submitting command and return its final answer (progress notes end in "…")."""
    rec = await world.slash(user, command, options)
    answer = await world.fake.wait_for(
        lambda: (content := rec.final_content()) and not content.endswith("…") and content,
        timeout=30,
    )
    return str(answer)


async def all_posted(bot: ClaimBot, guild_id: int, count: int) -> bool:
    """`count` claims stored, each with its review message and thread (the post's last step)."""
    claims = await bot.db.all_claims(guild_id)
    return len(claims) == count and all(c.thread_id is not None for c in claims)


def assert_fully_posted(world: World, message_id: int, thread_id: int | None) -> None:
    assert world.fake.reactions(message_id) == {e: {world.fake.bot_user_id} for e in VOTE_EMOJI}
    assert [int(t["id"]) for t in world.fake.threads_of(message_id)] == [thread_id]


# -- claims stored but not posted ----------------------------------------------------------


async def test_post_failing_after_discord_py_retries_is_retried_later(
    runner: BotRunner, world: World, retry_soon: None, quick_discord_retries: None
) -> None:
    bot = await runner.start()
    await setup_review(world)
    fault = fail_review_posts(world, 500, times=5)  # discord.py tries a 500 five times

    answer = await reply(world, world.outsider, "claim add", {"text": FERRY_CLAIM})

    (claim,) = await bot.db.all_claims(world.guild_id)
    assert answer.splitlines() == [
        f"1 claim saved but not posted yet: Discord answered 500 Internal Server Error. "
        f"{RETRY_NOTE}",
        f"• {claim_line(claim)}",
    ]
    assert claim.message_id is None and len(fault.hits) == 5
    await world.fake.wait_for(lambda: all_posted(bot, world.guild_id, 1), timeout=10)
    await runner.settle()
    (message,) = world.review_messages()
    posted = await bot.db.get_claim(world.guild_id, claim.id)
    assert posted is not None and posted.message_id == int(message["id"])
    assert_fully_posted(world, int(message["id"]), posted.thread_id)
    posts = world.fake.requests_to("POST", rf"/channels/{world.review_channel_id}/messages")
    assert [r.status for r in posts] == [500] * 5 + [200]


async def test_every_claim_of_a_failed_submission_is_posted_by_the_retry(
    runner: BotRunner, world: World, retry_soon: None
) -> None:
    bot = await runner.start()
    await setup_review(world)
    expected = expected_claims(HARBOUR_ARTICLE)
    fail_review_posts(world, 503)

    answer = await reply(world, world.reviewers[0], "claim submit", {"text": HARBOUR_ARTICLE})

    claims = await bot.db.all_claims(world.guild_id)
    claims.sort(key=lambda c: c.id)
    assert answer.splitlines() == [
        f"{len(expected)} claims saved but not posted yet: "
        f"Discord answered 503 Service Unavailable. {RETRY_NOTE}",
        *(f"• {claim_line(c)}" for c in claims),
    ]
    await world.fake.wait_for(lambda: all_posted(bot, world.guild_id, len(expected)), timeout=10)
    await runner.settle()
    assert posted_texts(world) == [escape_markdown(t) for t in expected]  # in order, once each


async def test_a_restart_posts_the_claims_left_unposted(
    runner: BotRunner, world: World, no_retry: None
) -> None:
    bot = await runner.start()
    await setup_review(world)
    fail_review_posts(world, 503)
    answer = await reply(world, world.outsider, "claim add", {"text": FERRY_CLAIM})
    assert answer.startswith("1 claim saved but not posted yet: Discord answered 503")
    await runner.stop()
    assert world.review_messages() == []

    bot = await runner.start()  # returns once catch-up, which posts them, is done
    await runner.settle()
    (message,) = world.review_messages()
    claim = await bot.db.claim_for_message(int(message["id"]))
    assert claim is not None and claim.text == FERRY_CLAIM
    assert_fully_posted(world, int(message["id"]), claim.thread_id)


async def test_a_duplicate_of_an_unposted_claim_posts_it(
    runner: BotRunner, world: World, no_retry: None
) -> None:
    bot = await runner.start()
    await setup_review(world)
    fail_review_posts(world, 503)
    first = await reply(world, world.outsider, "claim add", {"text": FERRY_CLAIM})
    assert first.startswith("1 claim saved but not posted yet")

    again = await reply(world, world.reviewers[0], "claim add", {"text": FERRY_CLAIM})

    (message,) = world.review_messages()
    claim = await bot.db.claim_for_message(int(message["id"]))
    assert claim is not None and claim.submitter_id == world.outsider
    assert again.splitlines() == [
        "Submitted before but not posted then; posted now:",
        f"• {claim_line(claim)}",
    ]
    assert claim_line(claim).startswith(f"[#{claim.number}](<https://discord.com/channels/")
    assert_fully_posted(world, int(message["id"]), claim.thread_id)
    assert len(await bot.db.all_claims(world.guild_id)) == 1


async def test_a_post_cut_off_before_its_thread_is_finished_by_the_retry(
    runner: BotRunner, world: World, retry_soon: None
) -> None:
    bot = await runner.start()
    await setup_review(world)
    threads = world.fake.fail_next("POST", r"/channels/\d+/messages/\d+/threads", 503)

    answer = await reply(world, world.outsider, "claim add", {"text": FERRY_CLAIM})

    assert answer.startswith("Posted 1 claim for review:")  # reviewers can vote already
    await world.fake.wait_for(lambda: all_posted(bot, world.guild_id, 1), timeout=10)
    await runner.settle()
    (message,) = world.review_messages()
    claim = await bot.db.claim_for_message(int(message["id"]))
    assert claim is not None and len(threads.hits) == 1
    assert_fully_posted(world, int(message["id"]), claim.thread_id)


async def test_a_thread_made_but_not_saved_before_a_stop_is_found_again(
    runner: BotRunner, world: World
) -> None:
    bot = await runner.start()
    await setup_review(world)
    claim = await add_claim(world, bot)
    await runner.stop()
    with sqlite3.connect(runner.database) as conn:  # the bot stopped before saving it
        conn.execute("UPDATE claims SET thread_id = NULL WHERE id = ?", (claim.id,))

    bot = await runner.start()

    again = await bot.db.get_claim(world.guild_id, claim.id)
    assert again is not None and again.thread_id == claim.thread_id == claim.message_id
    (message,) = world.review_messages()
    assert_fully_posted(world, int(message["id"]), claim.thread_id)
    threads = world.fake.requests_to(
        "POST", rf"/channels/{world.review_channel_id}/messages/\d+/threads"
    )
    assert [r.status for r in threads] == [201, 400]  # Discord: already has one (160004)


# -- the submission rate --------------------------------------------------------------------


async def test_a_submission_that_failed_on_discords_side_costs_no_cooldown(
    runner: BotRunner, world: World, no_retry: None
) -> None:
    await runner.start(CLAIMBOT_ADD_BURST=1, CLAIMBOT_ADD_INTERVAL=60)
    await setup_review(world)
    fail_review_posts(world, 503)
    member = world.outsider

    failed = await reply(world, member, "claim add", {"text": FERRY_CLAIM})
    assert failed.startswith("1 claim saved but not posted yet")
    posted = await reply(world, member, "claim add", {"text": SECOND_CLAIM})
    assert posted.startswith("Posted 1 claim for review:")
    # A submission that worked does cost it.
    refused = await world.slash(member, "claim add", {"text": THIRD_CLAIM})
    assert (refused.final_content() or "").startswith("Slow down: you can submit again in ")
    assert len(world.review_messages()) == 1


async def test_a_submission_the_server_cannot_take_costs_no_cooldown(
    runner: BotRunner, world: World
) -> None:
    await runner.start(CLAIMBOT_ADD_BURST=1, CLAIMBOT_ADD_INTERVAL=60)
    await setup_review(world)
    bot_member = world.fake.bot_user_id
    world.fake.set_channel_overwrite(world.review_channel_id, bot_member, deny=SEND_MESSAGES)
    await runner.settle()

    refused = await reply(world, world.outsider, "claim add", {"text": FERRY_CLAIM})
    assert refused == (
        f"I can't post claims in <#{world.review_channel_id}>: I am missing Send Messages, "
        "Embed Links. "
        "Ask an admin to grant them."
    )
    world.fake.set_channel_overwrite(world.review_channel_id, bot_member)
    await runner.settle()
    posted = await reply(world, world.outsider, "claim add", {"text": FERRY_CLAIM})
    assert posted.startswith("Posted 1 claim for review:")


async def test_a_progress_note_that_cannot_be_shown_does_not_stop_the_posting(
    bot: ClaimBot, world: World
) -> None:
    await setup_review(world)
    said = await world.fake.user_send_message(world.outsider, world.general_channel_id, FERRY_CLAIM)
    note = world.fake.fail_next(  # what an expired interaction token gets
        "PATCH",
        r"/webhooks/\d+/[^/]+/messages/@original",
        401,
        json={"message": "Invalid Webhook Token", "code": 50027},
    )

    rec = await world.fake.invoke_message_context_menu(world.reviewers[0], "Extract claims", said)
    await rec.wait_response()
    await world.fake.wait_for(lambda: (rec.final_content() or "").startswith("Posted 1 claim"))

    assert len(note.hits) == 1 and note.hits[0].json["content"] == "Posting claim 1 of 1…"
    assert await all_posted(bot, world.guild_id, 1)


# -- command sync ---------------------------------------------------------------------------

SYNC_FAULTS = {
    "503": (dict(status=503), "Discord answered 503 Service Unavailable."),
    "429-after-retries": (dict(status=429, times=5), "Discord answered 429 Too Many Requests."),
    "400": (
        dict(status=400, json={"message": "Invalid Form Body", "code": 50035}),
        "Discord answered 400 Bad Request.",
    ),
    "wrong-shape": (
        dict(status=200, json={"commands": []}),
        "Something unexpected went wrong; it has been logged.",
    ),
    "not-json": (
        dict(status=200, raw=NOT_JSON),
        "Something unexpected went wrong; it has been logged.",
    ),
}


@pytest.mark.parametrize("kind", list(SYNC_FAULTS))
async def test_a_failed_command_sync_does_not_stop_the_bot(
    runner: BotRunner, world: World, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    await runner.start()  # a first run synced the commands Discord keeps
    await setup_review(world)
    await runner.stop()
    monkeypatch.setattr(client_module, "SYNC_RETRY_SECONDS", (3600.0,))
    fault_options, reason = SYNC_FAULTS[kind]
    fault = world.fake.fail_next("PUT", SYNC_PATH, **fault_options)  # type: ignore[arg-type]

    bot = await runner.start()

    assert fault.remaining == 0
    assert bot.last_sync_failure is not None and bot.last_sync_failure[0] == reason
    ping = await world.slash(world.outsider, "claimbot ping")
    assert (ping.final_content() or "").startswith("Pong: ")
    settings = await world.slash(world.outsider, "claimbot settings")
    assert (settings.final_content() or "").splitlines()[-1] == (
        f"Last command sync failed <t:{int(bot.last_sync_failure[1])}:R>: {reason} "
        "Retrying; the commands Discord already has keep working."
    )


@pytest.mark.parametrize("guild_only", [False, True], ids=["global", "guild"])
async def test_a_failed_command_sync_is_retried(
    runner: BotRunner, world: World, monkeypatch: pytest.MonkeyPatch, guild_only: bool
) -> None:
    scope = {"CLAIMBOT_GUILD_ID": str(world.guild_id)} if guild_only else {}
    await runner.start(**scope)
    await setup_review(world)
    await runner.stop()
    monkeypatch.setattr(client_module, "SYNC_RETRY_SECONDS", (0.05, 0.05))
    path = rf"/applications/\d+/guilds/{world.guild_id}/commands" if guild_only else SYNC_PATH
    world.fake.fail_next("PUT", path, 503)

    bot = await runner.start(**scope)
    await world.fake.wait_for(lambda: bot.last_sync_failure is None, timeout=30)

    assert [r.status for r in world.fake.requests_to("PUT", path)] == [200, 503, 200]
    settings = await world.slash(world.outsider, "claimbot settings")
    assert "command sync" not in (settings.final_content() or "")


# -- catch-up -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "answer",
    [dict(json={"unexpected": True}), dict(raw=NOT_JSON)],
    ids=["wrong-shape", "not-json"],
)
async def test_one_bad_message_does_not_stop_the_catch_up(
    runner: BotRunner,
    world: World,
    caplog: pytest.LogCaptureFixture,
    answer: dict[str, Any],
) -> None:
    bot = await runner.start()
    await setup_review(world)
    first = await add_claim(world, bot, FERRY_CLAIM)
    middle = await add_claim(world, bot, SECOND_CLAIM)
    last = await add_claim(world, bot, THIRD_CLAIM)
    await runner.stop()
    reviewer = world.reviewers[0]
    for claim in (first, middle):
        assert claim.message_id is not None
        await world.fake.user_add_reaction(
            reviewer, world.review_channel_id, claim.message_id, "✅"
        )
    # The newest claim's message was left behind by an edit still pending at the stop.
    with sqlite3.connect(runner.database) as conn:
        conn.execute("UPDATE claims SET rendered_at = updated_at - 1 WHERE id = ?", (last.id,))
    edits_before = world.fake.edits_of(last.message_id)  # type: ignore[arg-type]
    # Catch-up reads the newest first: the middle message's answer cannot be parsed.
    bad = world.fake.fail_next("GET", rf"/channels/\d+/messages/{middle.message_id}", 200, **answer)

    with caplog.at_level(logging.ERROR, logger="claimbot.review"):
        bot = await runner.start()
        await runner.settle()

    assert len(bad.hits) == 1
    assert await bot.db.current_votes(first.id) == {reviewer: "supported"}
    assert await bot.db.current_votes(middle.id) == {}
    assert world.fake.edits_of(last.message_id) == edits_before + 1  # type: ignore[arg-type]
    assert [r.getMessage() for r in caplog.records if r.name == "claimbot.review"] == [
        f"catch-up of claim {middle.id} failed; next start retries"
    ]
    await runner.stop()

    bot = await runner.start()  # the next start reads it
    await runner.settle()
    assert await bot.db.current_votes(middle.id) == {reviewer: "supported"}


# -- answering a member --------------------------------------------------------------------


async def test_an_error_reply_that_cannot_be_delivered_is_logged(
    bot: ClaimBot, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    loop = asyncio.get_running_loop()
    unhandled: list[dict[str, Any]] = []
    previous = loop.get_exception_handler()
    loop.set_exception_handler(lambda _loop, context: unhandled.append(context))
    try:
        fault = world.fake.fail_next("POST", r"/interactions/\d+/[^/]+/callback", 200, raw=NOT_JSON)
        with caplog.at_level(logging.WARNING, logger="claimbot"):
            await world.fake.invoke_slash(
                world.guild_id,
                world.general_channel_id,
                world.outsider,
                "claim status",
                {"claim": 999},
            )
            await world.fake.wait_for(
                lambda: any(
                    r.getMessage() == "could not deliver an error message to the user"
                    for r in caplog.records
                ),
                timeout=10,
            )
        assert len(fault.hits) == 1
        gc.collect()
        await asyncio.sleep(0)
        assert unhandled == []
    finally:
        loop.set_exception_handler(previous)


# -- a crash and a restart --------------------------------------------------------------------


@pytest.fixture
async def process(fake_discord: FakeDiscord, database: Path) -> AsyncIterator[BotProcess]:
    bot_process = BotProcess(fake_discord, database)
    try:
        yield bot_process
    finally:
        await bot_process.stop()


def stored_threads(database: Path, guild_id: int) -> list[int]:
    with sqlite3.connect(database) as conn:
        rows = conn.execute(
            "SELECT thread_id FROM claims WHERE guild_id = ? AND thread_id IS NOT NULL",
            (guild_id,),
        ).fetchall()
    return [int(row[0]) for row in rows]


@pytest.mark.slow
async def test_killed_while_posting_then_restarted_loses_nothing(
    process: BotProcess, world: World, fake_discord: FakeDiscord
) -> None:
    await process.start()
    await setup_review(world, reviewer_role=False)
    voted = await world.slash(world.outsider, "claim add", {"text": FERRY_CLAIM})
    await fake_discord.wait_for(lambda: (voted.final_content() or "").startswith("Posted"), 15)
    (message,) = world.review_messages()
    mid = int(message["id"])
    r1, r2, r3 = world.reviewers
    await fake_discord.user_add_reaction(r1, world.review_channel_id, mid, "✅")
    await fake_discord.user_add_reaction(r2, world.review_channel_id, mid, "❌")
    await fake_discord.wait_for(lambda: len(stored_votes(process.database, mid)) == 2, 15)

    # The next claim is stored, then its post meets a 500 that discord.py sleeps on and
    # retries: the process is killed right there, in the middle of posting.
    outage = fail_review_posts(world, 500, times=5)
    await world.slash(world.outsider, "claim add", {"text": SECOND_CLAIM})
    await fake_discord.wait_for(lambda: len(outage.hits) == 1, 15)
    process.kill()
    await process.process.wait()  # type: ignore[union-attr]
    outage.remaining = 0  # Discord is back
    await fake_discord.user_add_reaction(r3, world.review_channel_id, mid, "❓")
    await fake_discord.user_remove_reaction(r1, world.review_channel_id, mid, "✅")

    await process.start()
    await fake_discord.wait_for(
        lambda: len(stored_threads(process.database, world.guild_id)) == 2, 30
    )
    await fake_discord.wait_for(
        lambda: stored_votes(process.database, mid) == discord_votes(fake_discord, mid), 30
    )
    assert discord_votes(fake_discord, mid) == {r2: "refuted", r3: "unverifiable"}
    assert await process.stop() == 0
    second = int(world.review_messages()[1]["id"])
    with sqlite3.connect(process.database) as conn:
        rows = conn.execute(
            "SELECT text, message_id, thread_id FROM claims WHERE guild_id = ? ORDER BY id",
            (world.guild_id,),
        ).fetchall()
    assert [(text, message_id) for text, message_id, _ in rows] == [
        (FERRY_CLAIM, mid),
        (SECOND_CLAIM, second),
    ]
    assert_fully_posted(world, second, rows[1][2])
