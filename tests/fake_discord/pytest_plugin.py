"""Pytest fixture for the fake Discord.

Enable it from ``tests/conftest.py`` with
``pytest_plugins = ["tests.fake_discord.pytest_plugin"]``. The ``fake_discord`` fixture
yields a started :class:`FakeDiscord` (any token accepted) with discord.py pointed at it;
teardown stops it and fails the test if the fake itself crashed while serving.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from .harness import running_fake
from .server import FakeDiscord


@pytest.fixture
async def fake_discord() -> AsyncIterator[FakeDiscord]:
    async with running_fake() as fake:
        yield fake
