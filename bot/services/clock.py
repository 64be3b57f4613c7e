"""Time for services that wait: a clock they are given, so tests move it by hand instead of
sleeping for real."""

from __future__ import annotations

import asyncio
import time
from typing import Protocol


class Clock(Protocol):
    def now(self) -> float: ...

    async def sleep(self, seconds: float) -> None: ...


class SystemClock:
    """Wall time (unix seconds): for times stored in the database, which outlive the
    process."""

    def now(self) -> float:
        return time.time()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


class MonotonicClock:
    """Never jumps: for spacing requests (a wall clock set back would stall them)."""

    def now(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)
