"""The fact-check library in memory: one index per scope, shared by every process on the
database through the indexes saved there, searched off the event loop.

A server searches its own imports and those for all servers (`visible_scopes`); the best
matches of both are merged. A scope's index holds postings in flat arrays and no text: the
candidates' texts are read from the database at query time (one indexed query, which also
yields the records shown), so a fact-check updated since the index was built is scored on its
new text.

One writer builds, every process loads (docs/matching.md, "One library for every process").
Each import batch bumps its scope's version. Whoever imports (`importing`: the bot process that
ran `/factchecks import`, or the CLI) holds the scope's rebuild lease from before its first
write, then builds the index and saves it with the version it was built from. Every bot
process polls the versions (`refresh`, one small query every CLAIMBOT_LIBRARY_POLL seconds, the
same on SQLite and PostgreSQL, which is why it polls rather than LISTEN/NOTIFY) and loads a
saved index newer than the one it holds, off the event loop, swapping it in whole: searches
meanwhile use the old one. A saved index older than its scope is being built by whoever holds
the lease, so a process waits for it; only when nobody holds the lease (it lapsed: its holder
died) does one process, the one whose claim on the lease wins, rebuild it.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import os
import secrets
import socket
import time
from array import array
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

from bot.core.records import ALL_SERVERS, FactCheckRecord
from bot.core.shards import UNSHARDED, ShardScope
from bot.extraction.language import detect_language
from bot.matching import DEFAULT_TOP_K, LibraryClaim
from bot.matching.index import CANDIDATES, ClaimIndex, ClaimIndexBuilder
from bot.matching.matcher import rerank
from bot.services.clock import Clock, SystemClock
from bot.storage.database import Database
from bot.storage.factchecks import LibraryVersion, SavedIndex, visible_scopes

__all__ = ["REBUILD_LEASE_SECONDS", "FactCheckLibrary", "IndexBuild", "LibraryMatch"]

log = logging.getLogger(__name__)

# Fact-checks read per page while indexing: small pages keep the build's peak memory down.
_PAGE = 2_000
# The part that maps an index's document numbers to fact_checks ids (saved with the index's).
_IDS = "ids"
# How long a rebuild lease holds without being renewed. Its holder renews it at half time while
# it imports and builds, so it lapses only when the holder died or hung; the other processes
# wait that long before one of them rebuilds. 10 minutes: ten times a build of 100,000
# fact-checks (docs/performance.md), so a slow machine's renewal is never late.
REBUILD_LEASE_SECONDS = 600.0


@dataclass(frozen=True, slots=True)
class LibraryMatch:
    fact_check: FactCheckRecord
    score: float


@dataclass(frozen=True, slots=True)
class IndexBuild:
    """One index this process built and saved: what `claimbot factchecks import` reports."""

    scope: int
    fact_checks: int
    seconds: float


@dataclass(frozen=True, slots=True)
class _ScopeIndex:
    index: ClaimIndex
    fact_ids: array[int]  # document number -> fact_checks.id
    version: int  # the scope's version it was built from
    # The last import the index holds: a fact-check imported since reads differently now.
    built_through: float | None

    def changed(self, record: FactCheckRecord) -> bool:
        return self.built_through is None or record.imported_at > self.built_through

    def __len__(self) -> int:
        return len(self.fact_ids)


class _Leases:
    """This process's rebuild leases: taken (an importer) or claimed (a stale scope nobody
    builds), renewed at half time while the work goes on, ended by the save or a failure."""

    def __init__(self, db: Database, clock: Clock, seconds: float) -> None:
        self._db = db
        self._clock = clock
        self._seconds = seconds
        # Names this process in the leases it holds (an operator reading the table sees who).
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
        self._renew_at: dict[int, float] = {}

    async def take(self, scope: int) -> None:
        now = self._clock.now()
        await self._db.take_fact_check_rebuild(scope, self.holder, now + self._seconds)
        self._renew_at[scope] = now + self._seconds / 2

    async def claim(self, scope: int, saved_version: int | None) -> bool:
        now = self._clock.now()
        claimed = await self._db.claim_fact_check_rebuild(
            scope, self.holder, now, now + self._seconds, saved_version=saved_version
        )
        if claimed:
            self._renew_at[scope] = now + self._seconds / 2
        return claimed

    async def renew(self, scope: int) -> bool:
        """Renew the lease once half of it has passed; False if another process took it."""
        now = self._clock.now()
        if now < self._renew_at.get(scope, now):
            return True
        self._renew_at[scope] = now + self._seconds / 2
        return await self._db.renew_fact_check_rebuild(scope, self.holder, now + self._seconds)

    def ended(self, scope: int) -> None:
        """The save (or the drop) ended the lease in its own transaction."""
        self._renew_at.pop(scope, None)

    async def release(self, scope: int) -> None:
        self.ended(scope)
        try:
            await self._db.release_fact_check_rebuild(scope, self.holder)
        except Exception:
            log.warning("fact-check library: could not end the lease of scope %d", scope)


class ImportHold:
    """What `importing` gives an importer: it calls `written()` after each batch it wrote."""

    def __init__(self, leases: _Leases, scope: int) -> None:
        self._leases = leases
        self._scope = scope
        self.wrote = False

    async def written(self) -> None:
        self.wrote = True
        await self._leases.renew(self._scope)


class FactCheckLibrary:
    def __init__(
        self,
        db: Database,
        *,
        clock: Clock | None = None,
        shards: ShardScope = UNSHARDED,
        lease_seconds: float = REBUILD_LEASE_SECONDS,
    ) -> None:
        """`clock` (wall time, as leases are stored) says what day it is for `search`, when a
        lease lapses and when to poll. A process holds the all-servers scope and the scopes of
        the servers of its `shards`."""
        self._db = db
        self._clock: Clock = clock or SystemClock()
        self._shards = shards
        self._leases = _Leases(db, self._clock, lease_seconds)
        self._scopes: dict[int, _ScopeIndex] = {}
        self._locks: dict[int, asyncio.Lock] = {}
        # What this process built (tests count them; the CLI reports the last) and polled.
        self.builds = 0
        self.last_build: IndexBuild | None = None
        self.polls = 0
        self._task: asyncio.Task[None] | None = None

    def __len__(self) -> int:
        return sum(len(s) for s in self._scopes.values())

    @property
    def rebuilder(self) -> str:
        """Who this process is in the leases it holds."""
        return self._leases.holder

    def version(self, scope: int) -> int | None:
        """The version of the scope's index this process searches, None if it holds none."""
        held = self._scopes.get(scope)
        return held.version if held else None

    def start(self, every: float) -> None:
        """`refresh` every `every` seconds (0: never) until `close`, in a task of its own: it
        never ends, so it is no background work that anyone waits for. The bot runs `load`
        first, as background work (start-up does not wait: a saved index loads in a fraction
        of a second, but a scope nobody rebuilt after an import takes a minute per 100,000
        fact-checks to index)."""
        if self._task is None and every > 0:
            self._task = asyncio.create_task(self._poll(every), name="factcheck-library-poll")

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def _poll(self, every: float) -> None:
        while True:
            await self._clock.sleep(every)
            try:
                await self.refresh()
            except Exception:
                log.exception("fact-check library: the poll failed; trying again at the next")
            self.polls += 1

    async def load(self) -> None:
        """The first `refresh`, its time logged. `similar` answers from the scopes loaded so
        far."""
        started = time.perf_counter()
        builds = self.builds
        await self.refresh()
        took = time.perf_counter() - started
        log.info(
            "fact-check library: %d fact-checks loaded in %.2f s (%d scopes rebuilt)",
            len(self),
            took,
            self.builds - builds,
        )

    async def refresh(self) -> None:
        """One poll: load each saved index newer than the one held, and rebuild a stale scope
        only when nobody holds its lease and this process wins it. A scope this process is
        importing into or building is left to that work."""
        for row in await self._db.fact_check_library_versions():
            if row.version == 0 or not self._serves(row.scope):
                continue
            lock = self._lock(row.scope)
            if lock.locked():
                continue
            async with lock:
                await self._catch_up(row)

    @contextlib.asynccontextmanager
    async def importing(self, scope: int) -> AsyncIterator[ImportHold]:
        """Around an import's writes into `scope`: this process holds the scope's lease from
        before the first write (the other processes wait for its index rather than build
        their own), then builds and saves the index once the import has committed. An import
        that fails ends the lease, so another process rebuilds what it wrote at once."""
        async with self._lock(scope):
            await self._leases.take(scope)
            hold = ImportHold(self._leases, scope)
            try:
                yield hold
            except BaseException:
                await self._leases.release(scope)
                raise
            if hold.wrote:
                await self._build(scope)
            else:
                await self._leases.release(scope)

    async def rebuild(self, scope: int) -> None:
        """Index the scope's fact-checks anew, save the index and swap it in (after writing
        fact-checks without `importing`, as tests and benchmarks do)."""
        async with self._lock(scope):
            await self._leases.take(scope)
            await self._build(scope)

    def _serves(self, scope: int) -> bool:
        return scope == ALL_SERVERS or self._shards.everything or self._shards.owns(scope)

    def _lock(self, scope: int) -> asyncio.Lock:
        return self._locks.setdefault(scope, asyncio.Lock())

    async def _catch_up(self, row: LibraryVersion) -> None:
        held = self.version(row.scope)
        if row.saved_version is not None and (held is None or row.saved_version > held):
            await self._restore(row.scope)
            held = self.version(row.scope)
        now = self._clock.now()
        if held == row.version or (row.rebuild_until or now) > now:
            return
        # Stale, or its saved index is unusable, and nobody is building it (the lease is free,
        # or lapsed). The claim also fails once another index was saved since this poll.
        if await self._leases.claim(row.scope, row.saved_version):
            await self._build(row.scope)

    async def _restore(self, scope: int) -> None:
        """Swap in the scope's saved index, if it is newer than the one held and whole."""
        saved = await self._db.saved_fact_check_index(scope)
        held = self.version(scope)
        if saved is None or (held is not None and saved.version <= held):
            return
        try:
            restored = await asyncio.to_thread(_restored, saved)
        except ValueError as error:
            log.warning("fact-check library: saved index of scope %d unusable: %s", scope, error)
            return
        self._scopes[scope] = restored

    async def _build(self, scope: int) -> None:
        """Index the scope, save the index and swap it in; the caller holds the scope's lock
        and its lease, which the save ends (as does a failure)."""
        started = time.perf_counter()
        try:
            built = await self._index(scope)
        except BaseException:
            await self._leases.release(scope)
            raise
        self._leases.ended(scope)
        if built is not None:
            self.builds += 1
            self.last_build = IndexBuild(scope, len(built), time.perf_counter() - started)

    async def _index(self, scope: int) -> _ScopeIndex | None:
        # The version is read first: an import during the build leaves the saved index older
        # than the scope, which the next poll sees.
        state = await self._db.fact_check_scope_state(scope)
        builder = ClaimIndexBuilder()
        fact_ids = array("q")
        after = 0
        while page := await self._db.fact_checks_in_scope(scope, after, _PAGE):
            claims = [_library_claim(fc) for fc in page]
            fact_ids.extend(fc.id for fc in page)
            after = page[-1].id
            del page
            await asyncio.to_thread(_add_all, builder, claims)
            if not await self._leases.renew(scope):
                log.info("fact-check library: scope %d is rebuilt by another process", scope)
                return None
        if not fact_ids:
            self._scopes.pop(scope, None)
            await self._db.drop_fact_check_index(scope, rebuilder=self.rebuilder)
            return None
        index = await asyncio.to_thread(builder.finish)
        del builder
        # Each part is turned into bytes on the database thread as it is written.
        parts = itertools.chain(index.parts(), _id_part(fact_ids))
        await self._db.save_fact_check_index(
            scope, state, index.header(), parts, rebuilder=self.rebuilder
        )
        built = _ScopeIndex(index, fact_ids, state.version, state.changed_at)
        self._scopes[scope] = built
        return built

    async def search(self, guild_id: int, query: str, k: int) -> tuple[list[LibraryMatch], date]:
        """`/factchecks search`: the best `k` for words a member typed, in the language they
        seem to be in (English when it cannot be told), ranked as of today; and today, which
        the reply measures the fact-checks' age against."""
        language = detect_language(query)
        today = datetime.fromtimestamp(self._clock.now(), UTC).date()
        found = await self.similar(
            guild_id, query, "en" if language == "und" else language, today, k
        )
        return found, today

    async def similar(
        self,
        guild_id: int | None,
        text: str,
        language: str = "en",
        when: date | None = None,
        k: int = DEFAULT_TOP_K,
    ) -> list[LibraryMatch]:
        """The `k` best fact-checks the server may see, most likely first. The same fact-check
        url imported for the server and for all servers shows once."""
        scopes = [s for scope in visible_scopes(guild_id) if (s := self._scopes.get(scope))]
        if not scopes or not text.strip():
            return []

        def candidates() -> list[list[tuple[int, float]]]:
            return [s.index.candidates(text, language, CANDIDATES) for s in scopes]

        found = await asyncio.to_thread(candidates)
        pairs = zip(scopes, found, strict=True)
        ids = sorted({scope.fact_ids[doc] for scope, docs in pairs for doc, _ in docs})
        if not ids:
            return []
        records = await self._db.fact_checks_by_ids(ids)

        def ranked() -> list[tuple[int, float]]:
            results: list[tuple[int, float]] = []
            for scope, docs in zip(scopes, found, strict=True):
                # A fact-check deleted since the index was built is left out.
                kept = [(doc, score) for doc, score in docs if scope.fact_ids[doc] in records]
                current = [records[scope.fact_ids[doc]] for doc, _ in kept]
                texts = [_library_claim(record) for record in current]
                changed = [scope.changed(record) for record in current]
                best = rerank(scope.index, text, language, kept, texts, when, k, changed=changed)
                results.extend((scope.fact_ids[doc], score) for doc, score in best)
            return sorted(results, key=lambda item: (-item[1], item[0]))

        seen: set[str] = set()
        results: list[LibraryMatch] = []
        for fc_id, score in await asyncio.to_thread(ranked):
            record = records[fc_id]
            if record.url in seen:
                continue
            seen.add(record.url)
            results.append(LibraryMatch(record, score))
        return results[:k]


def _add_all(builder: ClaimIndexBuilder, claims: list[LibraryClaim]) -> None:
    for claim in claims:
        builder.add(claim)


def _id_part(fact_ids: array[int]) -> Iterator[tuple[str, bytes]]:
    yield _IDS, fact_ids.tobytes()


def _restored(saved: SavedIndex) -> _ScopeIndex:
    fact_ids = array("q")
    fact_ids.frombytes(saved.parts.pop(_IDS, b""))
    index = ClaimIndex.load(saved.header, saved.parts)
    if len(fact_ids) != len(index):
        raise ValueError("a saved claim index whose ids do not fit it")
    return _ScopeIndex(index, fact_ids, saved.version, saved.built_through)


def _library_claim(record: FactCheckRecord) -> LibraryClaim:
    published = date.fromisoformat(record.published) if record.published else None
    return LibraryClaim(
        id=str(record.id),
        text=record.claim_reviewed,
        language=record.language,
        title=record.title or "",
        published=published,
    )
