"""A clock that moves only when a test moves it, for the scheduled work (digests): its
`sleep` returns once the test has advanced the time past the sleeper's deadline."""

from __future__ import annotations

import asyncio


class FakeClock:
    def __init__(self, start: float) -> None:
        self.time = start
        self._sleepers: list[tuple[float, asyncio.Future[None]]] = []

    def now(self) -> float:
        return self.time

    async def sleep(self, seconds: float) -> None:
        deadline = self.time + seconds
        if deadline <= self.time:
            await asyncio.sleep(0)
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._sleepers.append((deadline, waiter))
        try:
            await waiter
        finally:
            self._sleepers = [(d, w) for d, w in self._sleepers if w is not waiter]

    @property
    def sleepers(self) -> int:
        """How many coroutines wait on this clock."""
        return len(self._sleepers)

    def advance_to(self, moment: float) -> None:
        assert moment >= self.time, "time only moves forward"
        self.time = moment
        for deadline, waiter in self._sleepers:
            if deadline <= moment and not waiter.done():
                waiter.set_result(None)

    def advance(self, seconds: float) -> None:
        self.advance_to(self.time + seconds)
