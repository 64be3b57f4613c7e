"""Clocks for tests: time moves only when a test says so, so nothing sleeps for real."""

from __future__ import annotations

import asyncio


class ManualClock:
    """`now()` stands still until `advance`/`advance_to`; `sleep` returns once the clock has
    been moved past its end (at once for a sleep of no time)."""

    def __init__(self, start: float = 1_000_000.0) -> None:
        self._now = start
        self._sleepers: list[tuple[float, asyncio.Future[None]]] = []

    def now(self) -> float:
        return self._now

    async def sleep(self, seconds: float) -> None:
        deadline = self._now + seconds
        if deadline <= self._now:
            await asyncio.sleep(0)
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        entry = (deadline, waiter)
        self._sleepers.append(entry)
        try:
            await waiter
        finally:
            if entry in self._sleepers:
                self._sleepers.remove(entry)

    @property
    def sleepers(self) -> int:
        """How many coroutines wait on this clock."""
        return len(self._sleepers)

    def advance_to(self, moment: float) -> None:
        assert moment >= self._now, "time only moves forward"
        self._now = moment
        for deadline, waiter in list(self._sleepers):
            if deadline <= moment and not waiter.done():
                waiter.set_result(None)

    def advance(self, seconds: float) -> None:
        self.advance_to(self._now + seconds)


class VirtualClock:
    """`sleep` returns at once and moves the clock to the end of that sleep (if it is not
    there yet: sleeps side by side end at the latest of their ends, as in real time). A
    rate that makes requests wait shows in how far this clock moved, not in how long a
    test ran."""

    def __init__(self, start: float = 0.0) -> None:
        self._now = start

    def now(self) -> float:
        return self._now

    async def sleep(self, seconds: float) -> None:
        self._now = max(self._now, self._now + seconds)
        await asyncio.sleep(0)

    def advance(self, seconds: float) -> None:
        """Time passing with nobody waiting (a test moving on a rate limit)."""
        assert seconds >= 0, "time only moves forward"
        self._now += seconds
