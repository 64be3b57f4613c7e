"""Vote ingest: reaction events in, committed vote events out, in batches.

Reactions arrive in bursts (a whole team voting at once, or catch-up after a restart).
One worker drains the queue, decides each event against the reviewer's current vote
in arrival order, and commits the whole batch in one transaction: decisions never race,
and a burst costs one commit instead of thousands. Each caller awaits its own outcome,
so a reaction handler knows the vote is on disk before it touches Discord.
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


Job = tuple[ReactionVote | ForcedVote, "asyncio.Future[VoteChange | None]"]
ChangedHook = Callable[[set[int]], Awaitable[None]]


class VoteIngest:
    def __init__(self, db: Database, on_changed: ChangedHook) -> None:
        self._db = db
        self._on_changed = on_changed
        self._queue: asyncio.Queue[Job] = asyncio.Queue()
        self._worker: asyncio.Task[None] | None = None
        self.batches = 0
        self.events_written = 0

    def start(self) -> None:
        if self._worker is None:
            self._worker = asyncio.create_task(self._run(), name="vote-ingest")

    async def stop(self) -> None:
        """Finish what is queued, then stop."""
        if self._worker is None:
            return
        await self._queue.join()
        self._worker.cancel()
        await asyncio.gather(self._worker, return_exceptions=True)
        self._worker = None

    async def drain(self) -> None:
        """Wait until everything queued so far is committed and announced."""
        await self._queue.join()

    async def submit(self, vote: ReactionVote | ForcedVote) -> VoteChange | None:
        """Queue one event and wait until it is committed; returns what changed."""
        future: asyncio.Future[VoteChange | None] = asyncio.get_running_loop().create_future()
        await self._queue.put((vote, future))
        return await future

    async def _run(self) -> None:
        while True:
            batch = [await self._queue.get()]
            while len(batch) < MAX_BATCH and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            try:
                outcomes, changed = await self._write(batch)
            except Exception as exc:
                log.exception("could not write %d vote events", len(batch))
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
            else:
                for (_, future), outcome in zip(batch, outcomes, strict=True):
                    if not future.done():
                        future.set_result(outcome)
                if changed:
                    try:
                        await self._on_changed(changed)
                    except Exception:
                        log.exception("status refresh failed for claims %s", sorted(changed))
            finally:
                for _ in batch:
                    self._queue.task_done()

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
