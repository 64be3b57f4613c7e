"""Keep each claim's review message current, with bursts coalesced.

A claim gets at most one edit per `interval` seconds, and the bot makes at most
`per_second` edits in all: Discord allows a channel only a few message edits per
second, and a burst of votes over 500 claims would otherwise queue hundreds of edits
behind its rate limiter, each rendered long before it is sent. Changes that arrive
while an edit waits fold into it: the edit renders the state found in the database
when its turn comes, so the last state lands.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable

from bot.services.clock import Clock, MonotonicClock

log = logging.getLogger("claimbot.live")

Editor = Callable[[int], Awaitable[None]]


class Pace:
    """The bot's one rate for messages it changes on its own: review-message edits and
    verdict notices take turns here, first come, first served."""

    def __init__(self, per_second: float, *, clock: Clock | None = None) -> None:
        self._spacing = 1.0 / per_second
        self._next_turn = float("-inf")
        self.clock: Clock = clock or MonotonicClock()

    async def take_turn(self) -> float:
        """Wait for the next slot of the rate; returns the time (on `clock`) it was given."""
        now = self.clock.now()
        turn = max(now, self._next_turn)
        self._next_turn = turn + self._spacing
        if turn > now:
            await self.clock.sleep(turn - now)
        return turn


class LiveMessages:
    def __init__(
        self,
        edit: Editor,
        *,
        interval: float,
        per_second: float = 1_000.0,
        pace: Pace | None = None,
    ) -> None:
        """`interval` and the edit rate are timed on the pace's clock (tests pass their own)."""
        self._edit = edit
        self._interval = interval
        self._pace = pace or Pace(per_second)
        self._clock = self._pace.clock
        self._pending: set[int] = set()
        self._tasks: dict[int, asyncio.Task[None]] = {}
        self._last_edit: dict[int, float] = {}
        self.edits = 0

    def touch(self, claim_ids: Iterable[int]) -> None:
        """Mark claims changed; an edit follows within `interval` seconds."""
        for claim_id in claim_ids:
            self._pending.add(claim_id)
            if claim_id not in self._tasks:
                self._tasks[claim_id] = asyncio.create_task(
                    self._settle(claim_id), name=f"live-edit-{claim_id}"
                )

    async def _settle(self, claim_id: int) -> None:
        try:
            while claim_id in self._pending:
                wait = self._last_edit.get(claim_id, float("-inf")) + self._interval
                delay = wait - self._clock.now()
                if delay > 0:
                    await self._clock.sleep(delay)
                await self._pace.take_turn()
                self._pending.discard(claim_id)
                self._last_edit[claim_id] = self._clock.now()
                try:
                    await self._edit(claim_id)
                    self.edits += 1
                except Exception:
                    log.exception("could not update the review message of claim %d", claim_id)
        finally:
            self._tasks.pop(claim_id, None)

    async def flush(self) -> None:
        """Wait until every pending edit has been made (shutdown, tests)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks.values()), return_exceptions=True)

    async def close(self) -> None:
        for task in list(self._tasks.values()):
            task.cancel()
        await asyncio.gather(*list(self._tasks.values()), return_exceptions=True)
