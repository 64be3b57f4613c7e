"""Polling helper used instead of sleeps: tests wait for *conditions*, never for time."""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")

POLL_INTERVAL = 0.01


async def poll_until(
    predicate: Callable[[], T | Awaitable[T]],
    timeout: float = 5.0,  # noqa: ASYNC109 - deadline semantics, not cancellation
    what: str | None = None,
) -> T:
    """Evaluate ``predicate`` (sync or async) every 10 ms until truthy; return its value.

    Raises ``TimeoutError`` naming ``what`` after ``timeout`` seconds.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if inspect.isawaitable(value):
            value = await value
        if value:
            return value
        if time.monotonic() >= deadline:
            label = what or getattr(predicate, "__name__", "condition")
            raise TimeoutError(f"timed out after {timeout}s waiting for {label}")
        await asyncio.sleep(POLL_INTERVAL)
