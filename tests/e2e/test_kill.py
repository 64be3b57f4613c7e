"""The bot process is SIGKILLed in the middle of a burst of votes and started again: after
catch-up the database equals the reactions on Discord, nothing twice, nothing lost."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.fake_discord import FakeDiscord
from tests.support.backends import execute_directly, votes_from_the_log
from tests.support.process import BotProcess
from tests.support.world import World, setup_review

pytestmark = pytest.mark.slow  # the bot as its own process, killed and started again

VOTE_EMOJI = {"✅": "supported", "❌": "refuted", "❓": "unverifiable", "⚠️": "misleading"}


@pytest.fixture
async def process(
    fake_discord: FakeDiscord, database: Path, store: Path | str
) -> AsyncIterator[BotProcess]:
    on = {"DATABASE_URL": store} if isinstance(store, str) else {}
    bot_process = BotProcess(fake_discord, database, env=on)
    try:
        yield bot_process
    finally:
        await bot_process.stop()


def stored_votes(store: Path | str, message_id: int) -> dict[int, str]:
    rows = execute_directly(
        store,
        "SELECT v.reviewer_id, v.vote FROM claim_votes v JOIN claims c"
        " ON c.id = v.claim_id WHERE c.message_id = ?",
        (message_id,),
    )
    return {int(r): str(v) for r, v in rows}


def discord_votes(fake: FakeDiscord, message_id: int) -> dict[int, str]:
    votes: dict[int, str] = {}
    for emoji, users in fake.reactions(message_id).items():
        for user in users - {fake.bot_user_id}:
            if emoji in VOTE_EMOJI:
                votes[user] = VOTE_EMOJI[emoji]
    return votes


async def test_sigkill_mid_burst_then_catch_up(
    process: BotProcess, world: World, fake_discord: FakeDiscord, store: Path | str
) -> None:
    await process.start()
    await setup_review(world, reviewer_role=False)
    rec = await world.slash(
        world.outsider, "claim add", {"text": "The harbour line carried 1,400 people on Sunday."}
    )
    await fake_discord.wait_for(lambda: (rec.final_content() or "").startswith("Posted"), 15)
    (message,) = world.review_messages()
    mid = int(message["id"])
    voters = [fake_discord.add_member(world.guild_id, f"v{i}") for i in range(240)]
    emoji = list(VOTE_EMOJI)

    for i, voter in enumerate(voters[:160]):
        await fake_discord.user_add_reaction(voter, world.review_channel_id, mid, emoji[i % 4])
        if i == 120:
            process.kill()
    await process.process.wait()  # type: ignore[union-attr]
    # While it is down: more votes, and some of the earlier ones retracted.
    for i, voter in enumerate(voters[160:], start=160):
        await fake_discord.user_add_reaction(voter, world.review_channel_id, mid, emoji[i % 4])
    for i, voter in enumerate(voters[:40]):
        await fake_discord.user_remove_reaction(voter, world.review_channel_id, mid, emoji[i % 4])

    await process.start()
    expected = discord_votes(fake_discord, mid)
    assert len(expected) == 200
    await fake_discord.wait_for(lambda: stored_votes(store, mid) == expected, 30)
    await process.stop()
    assert process.process is not None and process.process.returncode == 0  # clean SIGTERM

    if isinstance(store, Path):
        assert execute_directly(store, "PRAGMA integrity_check") == [("ok",)]
    # Each reviewer's latest event is their current vote: nothing counted twice.
    latest = votes_from_the_log(store)
    assert {reviewer: vote for (_, reviewer), vote in latest.items()} == expected
