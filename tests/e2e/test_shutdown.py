"""Shutdown in the documented order: queued votes drained and pending edits landed while
still connected, then the services stopped newest first (each while what it uses is still
open), then the connection to Discord, and the database last."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from bot.app.client import ClaimBot
from bot.services.digests import DigestScheduler
from bot.services.evidence import EvidenceService
from bot.services.live_edits import LiveMessages
from bot.services.review_messages import ReviewPoster
from bot.services.verdict_notices import VerdictNotices
from bot.services.vote_ingest import VoteIngest
from bot.storage.database import Database
from tests.support.world import BotRunner, World, add_claim, setup_review

STEPS: dict[str, tuple[type, str]] = {
    "votes drained": (VoteIngest, "stop"),
    "edits landed": (LiveMessages, "flush"),
    "digests": (DigestScheduler, "close"),
    "evidence": (EvidenceService, "close"),
    "notices": (VerdictNotices, "close"),
    "live edits": (LiveMessages, "close"),
    "review messages": (ReviewPoster, "close"),
    "disconnected": (ClaimBot, "_disconnect"),
    "database": (Database, "close"),
}


def record(
    steps: list[str], name: str, method: Callable[..., Awaitable[Any]]
) -> Callable[..., Awaitable[Any]]:
    async def recorded(self: Any, *args: Any, **kwargs: Any) -> Any:
        steps.append(name)
        return await method(self, *args, **kwargs)

    return recorded


async def test_the_bot_stops_in_the_documented_order(
    runner: BotRunner, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    steps: list[str] = []
    for name, (cls, method) in STEPS.items():
        monkeypatch.setattr(cls, method, record(steps, name, getattr(cls, method)))
    bot = await runner.start()
    await setup_review(world)
    claim = await add_claim(world, bot)
    assert claim.message_id is not None
    await world.fake.user_add_reaction(
        world.reviewers[0], world.review_channel_id, claim.message_id, "✅"
    )
    await runner.settle()
    steps.clear()  # only what stopping does

    await runner.stop()

    assert steps == [
        "votes drained",
        "edits landed",
        # the exit stack: the services, newest first
        "digests",
        "votes drained",  # again on the stack: nothing left once drained
        "evidence",
        "notices",
        "live edits",
        "review messages",
        "disconnected",
        "database",
    ]
    assert bot.is_closed()
