"""Vote ingest: reaction events in, committed vote events out, in batches.

Reactions arrive in bursts (a whole team voting at once, or catch-up after a restart).
One worker drains the queue, decides each event against the reviewer's current vote
in arrival order, and commits the whole batch in one transaction: decisions never race,
and a burst costs one commit instead of thousands. A reaction handler only enqueues its
event with a callback, which runs once the vote is on disk (or the write failed): during
a burst of thousands of reactions no handler sits waiting, holding memory.

Statuses are derived from the votes, so their refresh need not follow every commit: the
claims that votes touch are collected and refreshed together at most every
REFRESH_SECONDS, whether the votes come in one burst or one at a time.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.status import Verdict
from bot.storage import Database
from bot.votes import VoteChange, decide

log = logging.getLogger("claimbot.ingest")

MAX_BATCH = 2_000
REFRESH_SECONDS = 0.1
GATHER_SECONDS = 0.005


@dataclass(slots=True)
class ReactionVote:
    guild_id: int
    claim_id: int
    reviewer_id: int
    verdict: Verdict
    added: bool
    origin: str = "reaction"
    at: float = field(default_factory=time.time)


@dataclass(slots=True)
class ForcedVote:
    """Catch-up: set the reviewer's vote to exactly this (None retracts), no decision."""

    guild_id: int
    claim_id: int
    reviewer_id: int
    verdict: Verdict | None
    origin: str = "catchup"
    at: float = field(default_factory=time.time)


Outcome = VoteChange | None
# Called once the event is committed (with what changed) or could not be (the exception).
Done = Callable[[Outcome | Exception], None]
Job = tuple[ReactionVote | ForcedVote, Done | None]
ChangedHook = Callable[[set[int]], Awaitable[None]]


class VoteIngest:
    def __init__(self, db: Database, on_changed: ChangedHook) -> None:
        self._db = db
        self._on_changed = on_changed
        self._queue: asyncio.Queue[Job] = asyncio.Queue()
        self._worker: asyncio.Task[None] | None = None
        self._unrefreshed: set[int] = set()
        self._refreshed = asyncio.Event()
        self._refreshed.set()
        self._last_refresh = time.monotonic()
        self.batches = 0
        self.events_written = 0

    def start(self) -> None:
        if self._worker is None:
            self._worker = asyncio.create_task(self._run(), name="vote-ingest")

    async def stop(self) -> None:
        """Finish what is queued, then stop."""
        if self._worker is None:
            return
        await self.drain()
        self._worker.cancel()
        await asyncio.gather(self._worker, return_exceptions=True)
        self._worker = None

    async def drain(self) -> None:
        """Wait until everything queued so far is committed and its statuses refreshed."""
        await self._queue.join()
        await self._refreshed.wait()

    def enqueue(self, vote: ReactionVote | ForcedVote, done: Done | None = None) -> None:
        """Queue one event; `done` runs after its batch is committed or has failed."""
        self._queue.put_nowait((vote, done))

    async def submit(self, vote: ReactionVote | ForcedVote) -> Outcome:
        """Queue one event and wait until it is committed; returns what changed."""
        future: asyncio.Future[Outcome] = asyncio.get_running_loop().create_future()

        def settle(result: Outcome | Exception) -> None:
            if future.done():
                return
            if isinstance(result, Exception):
                future.set_exception(result)
            else:
                future.set_result(result)

        self.enqueue(vote, settle)
        return await future

    @staticmethod
    def _report(batch: list[Job], results: list[Outcome | Exception]) -> None:
        for (_, done), result in zip(batch, results, strict=True):
            if done is None:
                continue
            try:
                done(result)
            except Exception:
                log.exception("a vote callback failed")

    async def _run(self) -> None:
        while True:
            first = await self._next_job()
            if first is None:
                continue
            batch = [first]
            if self._queue.empty():
                await asyncio.sleep(GATHER_SECONDS)  # let a trickle of votes share a commit
            while len(batch) < MAX_BATCH and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            try:
                outcomes, changed = await self._write(batch)
            except Exception as exc:
                log.exception("could not write %d vote events", len(batch))
                self._report(batch, [exc] * len(batch))
            else:
                if changed:
                    self._unrefreshed |= changed
                    self._refreshed.clear()  # before task_done, so drain() waits for it
                self._report(batch, list(outcomes))
            finally:
                for _ in batch:
                    self._queue.task_done()

    async def _next_job(self) -> Job | None:
        """The next queued event; None after refreshing statuses that came due meanwhile."""
        if not self._unrefreshed:
            return await self._queue.get()
        due = self._last_refresh + REFRESH_SECONDS - time.monotonic()
        if due > 0 and not self._queue.empty():
            return self._queue.get_nowait()
        if due > 0:
            try:
                return await asyncio.wait_for(self._queue.get(), due)
            except TimeoutError:
                pass
        await self._refresh()
        return None

    async def _refresh(self) -> None:
        changed, self._unrefreshed = self._unrefreshed, set()
        self._last_refresh = time.monotonic()
        try:
            await self._on_changed(changed)
        except Exception:
            log.exception("status refresh failed for claims %s", sorted(changed))
        finally:
            if not self._unrefreshed:
                self._refreshed.set()

    async def _write(self, batch: list[Job]) -> tuple[list[VoteChange | None], set[int]]:
        current = await self._db.current_votes_for(sorted({vote.claim_id for vote, _ in batch}))
        rows: list[tuple[int, int, int, str | None, str, float]] = []
        outcomes: list[VoteChange | None] = []
        changed: set[int] = set()
        for vote, _ in batch:
            votes = current[vote.claim_id]
            previous = votes.get(vote.reviewer_id)
            if isinstance(vote, ForcedVote):
                outcome = (
                    None
                    if vote.verdict == previous
                    else VoteChange(verdict=vote.verdict, replaced=None)
                )
            else:
                outcome = decide(
                    added=vote.added,
                    verdict=vote.verdict,
                    current=previous,  # type: ignore[arg-type]
                )
            outcomes.append(outcome)
            if outcome is None:
                continue
            if outcome.verdict is None:
                votes.pop(vote.reviewer_id, None)
            else:
                votes[vote.reviewer_id] = outcome.verdict
            rows.append(
                (
                    vote.guild_id,
                    vote.claim_id,
                    vote.reviewer_id,
                    outcome.verdict,
                    vote.origin,
                    vote.at,
                )
            )
            changed.add(vote.claim_id)
        if rows:
            await self._db.append_vote_events(rows)
            self.events_written += len(rows)
        self.batches += 1
        return outcomes, changed
