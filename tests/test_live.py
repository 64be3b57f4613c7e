"""Coalesced message edits: bounded in number, and the last state always lands."""

from __future__ import annotations

import asyncio
import time

from bot.services.live_edits import LiveMessages, Pace
from tests.support.clock import ManualClock


async def test_burst_becomes_at_most_two_edits_and_last_state_lands() -> None:
    state = {"value": 0}
    seen: list[int] = []

    async def edit(claim_id: int) -> None:
        seen.append(state["value"])

    live = LiveMessages(edit, interval=0.2)
    for value in range(1, 501):
        state["value"] = value
        live.touch([7])
        if value % 100 == 0:
            await asyncio.sleep(0)
    await live.flush()
    assert seen[-1] == 500
    assert len(seen) <= 2
    assert live.edits == len(seen)


async def test_changes_after_an_edit_wait_for_the_interval_then_land() -> None:
    seen: list[str] = []
    state = {"value": "a"}

    async def edit(claim_id: int) -> None:
        seen.append(state["value"])

    live = LiveMessages(edit, interval=0.1)
    live.touch([1])
    await live.flush()
    state["value"] = "b"
    live.touch([1])
    state["value"] = "c"
    live.touch([1])
    await live.flush()
    assert seen == ["a", "c"]


async def test_a_failing_edit_does_not_stop_later_ones() -> None:
    calls: list[int] = []

    async def edit(claim_id: int) -> None:
        calls.append(claim_id)
        if len(calls) == 1:
            raise RuntimeError("discord said no")

    live = LiveMessages(edit, interval=0.0)
    live.touch([3])
    await live.flush()
    live.touch([3])
    await live.flush()
    assert calls == [3, 3]
    assert live.edits == 1


async def test_edits_in_all_are_spaced_by_the_global_rate() -> None:
    started: list[float] = []

    async def edit(claim_id: int) -> None:
        started.append(time.monotonic())

    live = LiveMessages(edit, interval=0.0, per_second=100)
    live.touch(range(20))
    await live.flush()

    assert live.edits == 20
    # Edit k starts no sooner than k hundredths of a second after the first
    # (less 2 ms: the event loop may wake a timer that much early).
    late_enough = [at - started[0] >= k * 0.01 - 0.002 for k, at in enumerate(started)]
    assert late_enough == [True] * 20


async def test_a_change_made_while_waiting_for_a_turn_folds_into_that_edit() -> None:
    state = {1: "a", 2: "a", 3: "a"}
    seen: list[tuple[int, str]] = []

    async def edit(claim_id: int) -> None:
        seen.append((claim_id, state[claim_id]))
        if claim_id == 1:
            state[3] = "b"  # claim 3 is still waiting for its turn
            live.touch([3])

    live = LiveMessages(edit, interval=0.0, per_second=20)
    live.touch([1, 2, 3])
    await live.flush()

    assert seen == [(1, "a"), (2, "a"), (3, "b")]


async def test_the_interval_between_edits_of_a_claim_runs_on_the_pace_clock() -> None:
    """The one Clock (docs/architecture.md, "Time"): a claim edited again waits `interval` on
    the pace's clock (a test moves it), not on real time."""
    seen: list[int] = []
    edited = asyncio.Event()

    async def edit(claim_id: int) -> None:
        seen.append(claim_id)
        edited.set()

    clock = ManualClock(100.0)
    live = LiveMessages(edit, interval=2.0, pace=Pace(1_000, clock=clock))
    live.touch([4])
    await asyncio.wait_for(edited.wait(), 1)
    edited.clear()
    live.touch([4])
    await asyncio.sleep(0.05)  # real time passes; the clock does not
    assert seen == [4]
    clock.advance(1.9)
    await asyncio.sleep(0.05)
    assert seen == [4]
    clock.advance(0.1)
    await asyncio.wait_for(edited.wait(), 1)
    await live.flush()
    assert seen == [4, 4]
