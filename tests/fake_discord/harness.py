"""Lifecycle helper shared by the pytest fixture and tests that need custom options."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from .discordpy import point_discord_py_at
from .server import FakeDiscord


@asynccontextmanager
async def running_fake(**kwargs: Any) -> AsyncIterator[FakeDiscord]:
    """Start a ``FakeDiscord(**kwargs)``, point discord.py at it, stop it afterwards.

    Raises ``AssertionError`` on exit if the fake itself crashed while serving a request
    (such crashes are answered with 400 so discord.py does not retry for seconds).
    """
    fake = FakeDiscord(**kwargs)
    await fake.start()
    try:
        with point_discord_py_at(fake):
            yield fake
    finally:
        await fake.stop()
    if fake.internal_errors:
        raise AssertionError(
            "fake Discord crashed while serving:\n" + "\n".join(fake.internal_errors)
        )
