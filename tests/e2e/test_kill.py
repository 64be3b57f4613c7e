"""The bot process is SIGKILLed in the middle of a burst of votes and started again: after
catch-up the database equals the reactions on Discord, nothing twice, nothing lost."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.e2e.conftest import TOKEN, World, setup_review
from tests.fake_discord import FakeDiscord

REPO = Path(__file__).resolve().parents[2]
VOTE_EMOJI = {"✅": "supported", "❌": "refuted", "❓": "unverifiable", "⚠️": "misleading"}


class BotProcess:
    """`python -m bot run` as a user starts it, pointed at the fake Discord."""

    def __init__(self, fake: FakeDiscord, database: Path) -> None:
        self.fake = fake
        self.database = database
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        identified = self.fake.identify_count
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "CLAIMBOT_"))},
            "PYTHONPATH": str(REPO),
            "DISCORD_TOKEN": TOKEN,
            "DATABASE_PATH": str(self.database),
            "DISCORD_API_BASE": self.fake.api_base,
            "DISCORD_GATEWAY_URL": self.fake.gateway_url,
            "CLAIMBOT_SUBMIT_COOLDOWN": "0",
            "CLAIMBOT_EDIT_INTERVAL": "0.3",
            "LOG_LEVEL": "WARNING",
        }
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            cwd=self.database.parent,
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        await self.fake.wait_for(lambda: self.fake.identify_count > identified, timeout=30)
        await self.fake.wait_until_connected(timeout=30)

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), 15)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()


@pytest.fixture
async def process(fake_discord: FakeDiscord, tmp_path: Path) -> AsyncIterator[BotProcess]:
    bot_process = BotProcess(fake_discord, tmp_path / "killed.db")
    try:
        yield bot_process
    finally:
        await bot_process.stop()


def stored_votes(database: Path, message_id: int) -> dict[int, str]:
    with sqlite3.connect(database) as conn:
        rows = conn.execute(
            "SELECT v.reviewer_id, v.verdict FROM claim_votes v JOIN claims c"
            " ON c.id = v.claim_id WHERE c.message_id = ?",
            (message_id,),
        ).fetchall()
    return {int(r): str(v) for r, v in rows}


def discord_votes(fake: FakeDiscord, message_id: int) -> dict[int, str]:
    votes: dict[int, str] = {}
    for emoji, users in fake.reactions(message_id).items():
        for user in users - {fake.bot_user_id}:
            if emoji in VOTE_EMOJI:
                votes[user] = VOTE_EMOJI[emoji]
    return votes


async def test_sigkill_mid_burst_then_catch_up(
    process: BotProcess, world: World, fake_discord: FakeDiscord
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
    await fake_discord.wait_for(lambda: stored_votes(process.database, mid) == expected, 30)
    await process.stop()
    assert process.process is not None and process.process.returncode == 0  # clean SIGTERM

    with sqlite3.connect(process.database) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        # Each reviewer's latest event is their current vote: nothing counted twice.
        latest = conn.execute(
            "SELECT reviewer_id, verdict FROM vote_events WHERE id IN"
            " (SELECT max(id) FROM vote_events GROUP BY claim_id, reviewer_id)"
            " AND verdict IS NOT NULL"
        ).fetchall()
    assert dict(latest) == expected
