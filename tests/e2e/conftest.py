"""Fixtures for the end-to-end tests: a fresh world, a bot runner and a running bot; the
builders they use live in tests/support/world.py."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app.client import ClaimBot
from tests.fake_discord import FakeDiscord
from tests.support.world import BotRunner, World, build_world


@pytest.fixture
def world(fake_discord: FakeDiscord) -> World:
    return build_world(fake_discord)


@pytest.fixture
async def runner(fake_discord: FakeDiscord, tmp_path: Path) -> AsyncIterator[BotRunner]:
    bot_runner = BotRunner(fake_discord, tmp_path / "claimbot.db")
    try:
        yield bot_runner
    finally:
        await bot_runner.stop()
    assert fake_discord.bot_messages_pinging() == []


@pytest.fixture
async def bot(runner: BotRunner, world: World) -> ClaimBot:
    return await runner.start()
