"""Clocks for tests: time moves only when a test says so, so nothing sleeps for real."""

from __future__ import annotations

import asyncio


class ManualClock:
    """`now()` stands still until `advance`; `sleep` returns once the clock has been moved
    past its end."""

    def __init__(self, start: float = 1_000_000.0) -> None:
        self._now = start
        self._sleepers: list[tuple[float, asyncio.Future[None]]] = []

    def now(self) -> float:
        return self._now

    async def sleep(self, seconds: float) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        entry = (self._now + seconds, future)
        self._sleepers.append(entry)
        try:
            await future
        finally:
            if entry in self._sleepers:
                self._sleepers.remove(entry)

    def advance(self, seconds: float) -> None:
        self._now += seconds
        for deadline, future in list(self._sleepers):
            if deadline <= self._now and not future.done():
                future.set_result(None)


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
