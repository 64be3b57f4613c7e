"""Snapshots of sources (docs/evidence.md): what the safe fetcher read when a source was added,
kept; and rechecks that fetch it again to tell whether the page changed or is gone.

A recheck compares the SHA-256 of the body it reads with the source's first snapshot (what
was cited): the same body is `unchanged`; another is `changed`, and is kept as a new snapshot
when it also differs from the latest one; 404, 410 and every refused or failed fetch but the
transient ones are `gone`; a transient failure (a timeout, a 5xx, ...) records nothing, and
the source is tried again at the next recheck (bot/core/snapshots.py has the lists). The
bot's background pass rechecks its own shards' servers, one fetch at a time, a pause apart;
`claimbot evidence recheck` does the same at once for every server, or one.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from bot.core.records import NewSnapshot, SnapshotRecord
from bot.core.shards import ShardScope
from bot.core.snapshots import (
    RecheckOutcome,
    RecheckTally,
    SnapshotBounds,
    body_sha256,
    failed_fetch_outcome,
    next_state,
    read_outcome,
    trim_text,
)
from bot.core.text import clip
from bot.documents.document import DocumentError
from bot.services.articles import read_fetched
from bot.services.background import BackgroundTasks
from bot.services.clock import Clock
from bot.storage.database import Database
from bot.storage.snapshots import DueSource
from bot.web.errors import FetchError
from bot.web.responses import FetchResult

log = logging.getLogger("claimbot.snapshots")

# The types whose main text is kept; any other (a PDF) keeps its hash, status and URL only.
TEXT_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain"})
MAX_TITLE_CHARS = 300
# The background pass: at most this many sources each time (the longest unchecked first; the
# rest are due at the next pass), one fetch at a time, this many seconds apart.
RECHECK_PASS_LIMIT = 500
RECHECK_PAUSE_SECONDS = 2.0

Fetch = Callable[[str], Awaitable[FetchResult]]
# Called after each source of a pass: (sources done, sources in the pass).
Progress = Callable[[int, int], None]


class Snapshots:
    """Keeps a source's snapshot when it is added, and rechecks archived sources: on demand
    (`recheck_due`) and, once `start`ed, in a slow background pass every interval."""

    def __init__(
        self,
        db: Database,
        *,
        fetch: Fetch,
        bounds: SnapshotBounds,
        clock: Clock,
        shards: ShardScope,
        pause_clock: Clock | None = None,
        pause: float = 0.0,
    ) -> None:
        """`clock` is wall time: snapshots and checks are stamped with it and "due" is
        measured on it. `pause` seconds (on `pause_clock`) separate two fetches of a pass."""
        self._db = db
        self._fetch = fetch
        self.bounds = bounds
        self._clock = clock
        self._shards = shards
        self._pause_clock = pause_clock or clock
        self._pause = pause
        self._background = BackgroundTasks(log)
        self._task: asyncio.Task[None] | None = None
        self.passes = 0  # background passes finished (tests wait for one)

    async def read(self, result: FetchResult) -> NewSnapshot:
        """What a fetch read, as a snapshot: the main text (off the event loop, within the
        parse budget) trimmed to the cap; a page too complex to read keeps no text."""
        text, title = "", None
        if result.content_type in TEXT_TYPES:
            try:
                document = await read_fetched(result)
                text, title = document.text, document.title
            except DocumentError:
                log.info("snapshot of %s kept without its text", result.url)
        kept, trimmed = trim_text(text, self.bounds.text_bytes)
        return NewSnapshot(
            final_url=result.url,
            http_status=result.status,
            title=clip(title, MAX_TITLE_CHARS) if title else None,
            body_sha256=body_sha256(result.body),
            body_bytes=len(result.body),
            body_cut=result.truncated,
            text=kept,
            text_trimmed=trimmed,
        )

    async def take(self, evidence_id: int, result: FetchResult) -> SnapshotRecord | None:
        """Keep what the fetch of a new source read; None when the bounds keep nothing."""
        snapshot = await self.read(result)
        return await self._db.save_snapshot(
            evidence_id, snapshot, now=self._clock.now(), bounds=self.bounds
        )

    async def recheck(self, source: DueSource) -> RecheckOutcome:
        """Fetch an archived source again and record what changed (see the module)."""
        snapshot: NewSnapshot | None = None
        try:
            result = await self._fetch(source.url)
        except FetchError as error:
            outcome = failed_fetch_outcome(error.code, error.http_status)
        else:
            digest = body_sha256(result.body)
            outcome = read_outcome(digest, first_sha256=source.first_sha256)
            if digest != source.latest_sha256:
                snapshot = await self.read(result)
        now = self._clock.now()
        state = next_state(outcome, state=source.recheck_state, since=source.recheck_since, now=now)
        if state is not None:
            await self._db.record_recheck(
                source.id, state, now=now, snapshot=snapshot, bounds=self.bounds
            )
        return outcome

    async def recheck_due(
        self,
        *,
        older_than: float,
        guild_id: int | None = None,
        limit: int | None = None,
        progress: Progress | None = None,
    ) -> RecheckTally:
        """Recheck the archived sources of this process's servers (or of `guild_id`) not
        checked for `older_than` seconds, one at a time; what they were found to be."""
        due = await self._db.sources_to_recheck(
            self._shards,
            checked_before=self._clock.now() - older_than,
            guild_id=guild_id,
            limit=limit,
        )
        tally = RecheckTally()
        for done, source in enumerate(due, 1):
            if done > 1 and self._pause > 0:
                await self._pause_clock.sleep(self._pause)
            try:
                tally = tally.add(await self.recheck(source))
            except Exception:
                log.exception("evidence %d: the recheck failed", source.id)
                tally = tally.add("unreached")
            if progress is not None:
                progress(done, len(due))
        return tally

    def start(self, every: float) -> None:
        """A background pass every `every` seconds (0: never) until `close`, over the sources
        not checked for as long; never two passes at once."""
        if self._task is None and every > 0:
            self._task = asyncio.create_task(self._schedule(every), name="evidence-recheck")

    async def _schedule(self, every: float) -> None:
        while True:
            await self._clock.sleep(every)
            self._background.start(self._pass(every), name="evidence-recheck-pass", once=True)

    async def _pass(self, every: float) -> None:
        tally = await self.recheck_due(older_than=every, limit=RECHECK_PASS_LIMIT)
        self.passes += 1
        if tally.total:
            log.info(
                "recheck: %d unchanged, %d changed, %d gone, %d not reached",
                tally.unchanged,
                tally.changed,
                tally.gone,
                tally.unreached,
            )

    async def wait_idle(self) -> None:
        await self._background.wait_idle()

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        await self._background.close()
