"""Fixtures for the end-to-end tests: a fresh world beside a neighbouring server whose
claims come first, a bot runner and a running bot; the builders they use live in
tests/support/world.py."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.app.client import ClaimBot
from tests.fake_discord import FakeDiscord
from tests.support.backends import BACKENDS
from tests.support.world import BotRunner, World, add_neighbour, build_world


@pytest.fixture
def database(tmp_path: Path) -> Path:
    """The bot's database, in-process (`runner`) or as its own process (`BotProcess`)."""
    return tmp_path / "claimbot.db"


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, database: Path) -> Iterator[Path | str]:
    """The database of bots run as their own processes, on each backend: the SQLite file
    `database`, or a PostgreSQL database of the throwaway cluster (DATABASE_URL)."""
    if request.param == "sqlite":
        yield database
        return
    with request.getfixturevalue("postgres_cluster").database() as url:
        yield url


@pytest.fixture
async def neighbour(fake_discord: FakeDiscord, database: Path) -> World:
    """Another server on the same bot, with claims stored before the test's own."""
    return await add_neighbour(fake_discord, database)


@pytest.fixture
def world(fake_discord: FakeDiscord, neighbour: World) -> World:
    return build_world(fake_discord)


@pytest.fixture
async def runner(fake_discord: FakeDiscord, database: Path) -> AsyncIterator[BotRunner]:
    bot_runner = BotRunner(fake_discord, database)
    try:
        yield bot_runner
    finally:
        await bot_runner.stop()
    assert fake_discord.bot_messages_pinging() == []


@pytest.fixture
async def bot(runner: BotRunner, world: World) -> ClaimBot:
    return await runner.start()
