"""BackgroundTasks: work that outlives its handler is kept, reported, waited for, cancelled."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.services.background import BackgroundTasks

log = logging.getLogger("test.background")


async def test_wait_idle_waits_for_work_started_meanwhile() -> None:
    tasks = BackgroundTasks(log)
    done: list[str] = []

    async def second() -> None:
        await asyncio.sleep(0.01)
        done.append("second")

    async def first() -> None:
        await asyncio.sleep(0.01)
        tasks.start(second(), name="second")
        done.append("first")

    assert tasks.start(first(), name="first")
    assert len(tasks) == 1
    await tasks.wait_idle()
    assert done == ["first", "second"]
    assert len(tasks) == 0


async def test_a_failure_is_logged_with_its_name_and_never_raised(
    caplog: pytest.LogCaptureFixture,
) -> None:
    tasks = BackgroundTasks(log)

    async def broken() -> None:
        raise RuntimeError("boom")

    with caplog.at_level(logging.ERROR, logger="test.background"):
        tasks.start(broken(), name="unreact-1-2")
        await tasks.wait_idle()
    assert [(r.getMessage(), str(r.exc_info[1])) for r in caplog.records] == [  # type: ignore[index]
        ("background work unreact-1-2 failed", "boom")
    ]
    assert len(tasks) == 0 and not tasks.running("unreact-1-2")


async def test_once_does_not_start_work_whose_name_still_runs() -> None:
    tasks = BackgroundTasks(log)
    gate = asyncio.Event()
    runs: list[int] = []

    async def retry(n: int) -> None:
        runs.append(n)
        await gate.wait()

    assert tasks.start(retry(1), name="reconcile-7", once=True)
    await asyncio.sleep(0)
    refused = retry(2)
    assert not tasks.start(refused, name="reconcile-7", once=True)
    assert refused.cr_frame is None  # type: ignore[attr-defined]  # closed, so never reported as "never awaited"
    assert tasks.start(retry(3), name="reconcile-8", once=True)
    gate.set()
    await tasks.wait_idle()
    assert not tasks.running("reconcile-7")
    assert tasks.start(retry(4), name="reconcile-7", once=True)
    await tasks.wait_idle()
    assert runs == [1, 3, 4]


async def test_close_cancels_what_still_runs() -> None:
    tasks = BackgroundTasks(log)
    stopped: list[str] = []

    async def forever() -> None:
        try:
            await asyncio.Event().wait()
        finally:
            stopped.append("forever")

    tasks.start(forever(), name="post-pending", once=True)
    await asyncio.sleep(0)
    await tasks.close()
    assert stopped == ["forever"]
    assert len(tasks) == 0 and not tasks.running("post-pending")
