"""Vote ingest: reaction events in, committed vote events out, in batches.

Reactions arrive in bursts (a whole team voting at once, or catch-up after a restart).
One worker drains the queue, decides each event against the reviewer's current vote
in arrival order, and commits the whole batch in one transaction: decisions never race,
and a burst costs one commit instead of thousands. A reaction handler only enqueues its
event with a callback, which runs once the vote is on disk (or the write failed): during
a burst of thousands of reactions no handler sits waiting, holding memory.

Statuses are derived from the votes, so their refresh need not follow every commit: the
claims that votes touch are collected and refreshed together at most every
REFRESH_SECONDS, whether the votes come in one burst or one at a time. The refresh runs
beside the writer, not between its batches: a refresh of a hundred claims takes tens of
milliseconds, and votes arriving meanwhile still commit at once. A claim voted on during
a refresh is simply refreshed again next time.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.core.vocabulary import Vote
from bot.core.votes import VoteChange, decide
from bot.services.clock import Clock, MonotonicClock
from bot.storage import Database, VoteEventRow

if TYPE_CHECKING:
    from bot.services.metrics import Metrics

log = logging.getLogger("claimbot.ingest")

MAX_BATCH = 2_000
REFRESH_SECONDS = 0.1
GATHER_SECONDS = 0.005


@dataclass(slots=True)
class ReactionVote:
    guild_id: int
    claim_id: int
    reviewer_id: int
    vote: Vote
    added: bool
    origin: str = "reaction"
    at: float = field(default_factory=time.time)


@dataclass(slots=True)
class ForcedVote:
    """Catch-up: set the reviewer's vote to exactly this (None retracts), no decision."""

    guild_id: int
    claim_id: int
    reviewer_id: int
    vote: Vote | None
    origin: str = "catchup"
    at: float = field(default_factory=time.time)
    # From VoteIngest.snapshot(): a live reaction of the same reviewer enqueued after this
    # mark is newer than what catch-up read from Discord, and this vote yields to it.
    snapshot: int | None = None


Outcome = VoteChange | None
# Called once the event is committed (with what changed) or could not be (the exception).
Done = Callable[[Outcome | Exception], None]
Job = tuple[ReactionVote | ForcedVote, Done | None]
ChangedHook = Callable[[set[int]], Awaitable[None]]


class VoteIngest:
    def __init__(
        self,
        db: Database,
        on_changed: ChangedHook,
        *,
        clock: Clock | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        """`clock` spaces the status refreshes (a monotonic one); `metrics` counts the
        votes committed and each reaction's wait for its commit."""
        self._db = db
        self._metrics = metrics
        self._on_changed = on_changed
        self._clock: Clock = clock or MonotonicClock()
        self._queue: asyncio.Queue[Job] = asyncio.Queue()
        self._workers: list[asyncio.Task[None]] = []
        self._unrefreshed: set[int] = set()
        self._refresh_due = asyncio.Event()  # set while _unrefreshed has claims
        self._refreshed = asyncio.Event()  # set when no committed vote awaits a refresh
        self._refreshed.set()
        self._enqueued = 0
        self._snapshots = 0
        # While a snapshot is open: (claim, reviewer) -> number of its latest live event.
        self._live_since: dict[tuple[int, int], int] = {}
        self.batches = 0
        self.events_written = 0

    def start(self) -> None:
        if not self._workers:
            self._workers = [
                asyncio.create_task(self._write_loop(), name="vote-ingest"),
                asyncio.create_task(self._refresh_loop(), name="status-refresh"),
            ]

    async def stop(self) -> None:
        """Finish what is queued, then stop."""
        if not self._workers:
            return
        await self.drain()
        for worker in self._workers:
            worker.cancel()
        await asyncio.gather(*self._workers, return_exceptions=True)
        self._workers = []

    async def drain(self) -> None:
        """Wait until everything queued so far is committed and its statuses refreshed."""
        await self._queue.join()
        await self._refreshed.wait()

    def enqueue(self, vote: ReactionVote | ForcedVote, done: Done | None = None) -> None:
        """Queue one event; `done` runs after its batch is committed or has failed."""
        self._enqueued += 1
        if self._snapshots and isinstance(vote, ReactionVote):
            self._live_since[(vote.claim_id, vote.reviewer_id)] = self._enqueued
        self._queue.put_nowait((vote, done))

    @contextmanager
    def snapshot(self) -> Iterator[int]:
        """Catch-up reads a message's reactions from Discord, compares them with the stored
        votes and queues corrections, while live reactions keep arriving: one that comes
        in after the read began may already be in the database and not in the read.
        Corrections made with the mark this yields (ForcedVote.snapshot) give way to any
        live reaction of the same reviewer queued since; keep it open until they are
        committed."""
        self._snapshots += 1
        try:
            yield self._enqueued
        finally:
            self._snapshots -= 1
            if not self._snapshots:
                self._live_since.clear()

    def reacted_since(self, mark: int, claim_id: int, reviewer_id: int) -> bool:
        """Whether a live reaction of this reviewer on this claim was queued after `mark`
        (from an open snapshot)."""
        return self._live_since.get((claim_id, reviewer_id), -1) > mark

    def _superseded(self, vote: ReactionVote | ForcedVote) -> bool:
        if not isinstance(vote, ForcedVote) or vote.snapshot is None:
            return False
        return self.reacted_since(vote.snapshot, vote.claim_id, vote.reviewer_id)

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

    async def _write_loop(self) -> None:
        while True:
            batch = [await self._queue.get()]
            if self._queue.empty():
                # Let a trickle of votes share a commit: a yield to the event loop in real
                # time, not a rule on the clock (a test's clock would hold every vote).
                await asyncio.sleep(GATHER_SECONDS)
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
                    self._refresh_due.set()
                self._report(batch, list(outcomes))
            finally:
                for _ in batch:
                    self._queue.task_done()

    async def _refresh_loop(self) -> None:
        last = -REFRESH_SECONDS
        while True:
            await self._refresh_due.wait()
            wait = last + REFRESH_SECONDS - self._clock.now()
            if wait > 0:
                await self._clock.sleep(wait)
            changed, self._unrefreshed = self._unrefreshed, set()
            self._refresh_due.clear()
            last = self._clock.now()
            try:
                await self._on_changed(changed)
            except Exception:
                log.exception("status refresh failed for claims %s", sorted(changed))
            if not self._unrefreshed:
                self._refreshed.set()

    async def _write(self, batch: list[Job]) -> tuple[list[VoteChange | None], set[int]]:
        outcomes: list[VoteChange | None] = []
        changed: set[int] = set()
        superseded = [self._superseded(vote) for vote, _ in batch]  # read here, not there

        def plan(current: dict[int, dict[int, Vote]]) -> list[VoteEventRow]:
            """Decide each event in arrival order against the votes as they stand."""
            outcomes.clear()
            changed.clear()
            rows: list[VoteEventRow] = []
            for (vote, _), yields in zip(batch, superseded, strict=True):
                outcome = (
                    None if yields else _decide(vote, current[vote.claim_id].get(vote.reviewer_id))
                )
                outcomes.append(outcome)
                if outcome is None:
                    continue
                votes = current[vote.claim_id]
                if outcome.vote is None:
                    votes.pop(vote.reviewer_id, None)
                else:
                    votes[vote.reviewer_id] = outcome.vote
                rows.append(
                    (
                        vote.guild_id,
                        vote.claim_id,
                        vote.reviewer_id,
                        outcome.vote,
                        vote.origin,
                        vote.at,
                    )
                )
                changed.add(vote.claim_id)
            return rows

        written = await self._db.record_votes(sorted({vote.claim_id for vote, _ in batch}), plan)
        self.events_written += len(written)
        self.batches += 1
        if self._metrics is not None:
            # Stamped by time.time() in the reaction's handler (ReactionVote.at).
            now = time.time()
            lags = [now - vote.at for vote, _ in batch if isinstance(vote, ReactionVote)]
            self._metrics.votes_committed(len(written), lags)
        return outcomes, changed


def _decide(vote: ReactionVote | ForcedVote, previous: Vote | None) -> Outcome:
    if isinstance(vote, ForcedVote):
        return None if vote.vote == previous else VoteChange(vote=vote.vote, replaced=None)
    return decide(added=vote.added, vote=vote.vote, current=previous)
