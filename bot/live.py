"""Keep each claim's review message current, with bursts coalesced.

A claim gets at most one edit per `interval` seconds. Changes that arrive while an edit
is pending or cooling down fold into the next edit, which always renders the state
found in the database at that moment, so the last state lands.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterable

log = logging.getLogger("claimbot.live")

Editor = Callable[[int], Awaitable[None]]


class LiveMessages:
    def __init__(self, edit: Editor, interval: float) -> None:
        self._edit = edit
        self._interval = interval
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
                delay = wait - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                self._pending.discard(claim_id)
                self._last_edit[claim_id] = time.monotonic()
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
