"""Work that outlives the handler that started it.

asyncio keeps only weak references to tasks, so a task nobody holds can vanish mid-way;
a failure nobody awaits is never reported; and shutdown must not leave work writing to
a closed database. Every service that starts such work holds one of these.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any


class BackgroundTasks:
    def __init__(self, log: logging.Logger) -> None:
        self._log = log
        self._tasks: set[asyncio.Task[None]] = set()
        # Names of the work still running, for work that must not run twice at once.
        self._running: dict[str, int] = {}

    def __len__(self) -> int:
        """Tasks started and not finished (shutdown and tests wait for none)."""
        return len(self._tasks)

    def running(self, name: str) -> bool:
        return name in self._running

    def start(self, work: Coroutine[Any, Any, None], *, name: str, once: bool = False) -> bool:
        """Run `work` in its own task; with `once`, not while work of that name still runs.
        Returns whether it was started. A failure is logged, never raised."""
        if once and name in self._running:
            work.close()
            return False
        self._running[name] = self._running.get(name, 0) + 1
        task = asyncio.create_task(self._run(work, name), name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return True

    async def _run(self, work: Coroutine[Any, Any, None], name: str) -> None:
        try:
            await work
        except Exception:
            self._log.exception("background work %s failed", name)
        finally:
            left = self._running.get(name, 1) - 1
            if left:
                self._running[name] = left
            else:
                self._running.pop(name, None)

    async def wait_idle(self) -> None:
        """Until every task has finished, including those started meanwhile."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def close(self) -> None:
        """Cancel what still runs and wait for it to stop."""
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*list(self._tasks), return_exceptions=True)
        self._running.clear()
