"""The fact-check library in memory: one index per scope, saved in SQLite, searched off the
event loop.

A server searches its own imports and those for all servers (`visible_scopes`); the best
matches of both are merged. A scope's index holds postings in flat arrays and no text: the
candidates' texts are read from SQLite at query time (one indexed query, which also yields the
records shown), so a fact-check updated since the index was built is scored on its new text.

Each index is saved with the state of the scope it was built from; a start loads the saved
index when that state has not changed and rebuilds it otherwise. After an import into a scope
`rebuild(scope)` builds a new index and swaps it in whole, so a search never sees half of one.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

from bot.core.records import FactCheckRecord
from bot.extraction.language import detect_language
from bot.matching import DEFAULT_TOP_K, LibraryClaim
from bot.matching.index import CANDIDATES, ClaimIndex, ClaimIndexBuilder
from bot.matching.matcher import rerank
from bot.services.clock import Clock, SystemClock
from bot.storage.database import Database
from bot.storage.factchecks import SavedIndex, visible_scopes

__all__ = ["FactCheckLibrary", "LibraryMatch"]

log = logging.getLogger(__name__)

# Fact-checks read per page while indexing: small pages keep the build's peak memory down.
_PAGE = 2_000
# The part that maps an index's document numbers to fact_checks ids (saved with the index's).
_IDS = "ids"


@dataclass(frozen=True, slots=True)
class LibraryMatch:
    fact_check: FactCheckRecord
    score: float


@dataclass(frozen=True, slots=True)
class _ScopeIndex:
    index: ClaimIndex
    fact_ids: array[int]  # document number -> fact_checks.id
    # The last import the index holds: a fact-check imported since reads differently now.
    built_through: float | None

    def changed(self, record: FactCheckRecord) -> bool:
        return self.built_through is None or record.imported_at > self.built_through

    def __len__(self) -> int:
        return len(self.fact_ids)


class FactCheckLibrary:
    def __init__(self, db: Database, *, clock: Clock | None = None) -> None:
        """`clock` (wall time) says what day it is for `search`."""
        self._db = db
        self._clock: Clock = clock or SystemClock()
        self._scopes: dict[int, _ScopeIndex] = {}
        self._locks: dict[int, asyncio.Lock] = {}

    def __len__(self) -> int:
        return sum(len(s) for s in self._scopes.values())

    async def load(self) -> float:
        """Load every scope's index (saved, or rebuilt when its scope changed since); returns
        the seconds it took (logged). `similar` answers from the scopes loaded so far, so the
        bot may run this in the background once it is ready."""
        started = time.perf_counter()
        rebuilt = 0
        for scope in await self._db.fact_check_scopes():
            lock = self._locks.setdefault(scope, asyncio.Lock())
            async with lock:
                if not await self._restore(scope):
                    await self._build(scope)
                    rebuilt += 1
        took = time.perf_counter() - started
        log.info(
            "fact-check library: %d fact-checks loaded in %.2f s (%d scopes rebuilt)",
            len(self),
            took,
            rebuilt,
        )
        return took

    async def rebuild(self, scope: int) -> None:
        """Index the scope's fact-checks anew and swap the index in (after an import into it)."""
        lock = self._locks.setdefault(scope, asyncio.Lock())
        async with lock:
            await self._build(scope)

    async def _restore(self, scope: int) -> bool:
        """Swap in the scope's saved index if it was built from the scope as it is now."""
        saved = await self._db.saved_fact_check_index(scope)
        state = await self._db.fact_check_scope_state(scope)
        if saved is None or saved.fingerprint != state.fingerprint:
            return False
        try:
            self._scopes[scope] = await asyncio.to_thread(_restored, saved, state.last_import)
        except ValueError as error:
            log.warning("fact-check library: saved index of scope %d unusable: %s", scope, error)
            return False
        return True

    async def _build(self, scope: int) -> None:
        # The fingerprint is read first: an import during the build leaves the saved index
        # older than the scope, so the next start rebuilds it rather than trusting it.
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
        if not fact_ids:
            self._scopes.pop(scope, None)
            await self._db.drop_fact_check_index(scope)
            return
        index = await asyncio.to_thread(builder.finish)
        del builder
        # Each part is turned into bytes on the database thread as it is written.
        parts = itertools.chain(index.parts(), _id_part(fact_ids))
        await self._db.save_fact_check_index(scope, state.fingerprint, index.header(), parts)
        self._scopes[scope] = _ScopeIndex(index, fact_ids, state.last_import)

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


def _restored(saved: SavedIndex, built_through: float | None) -> _ScopeIndex:
    fact_ids = array("q")
    fact_ids.frombytes(saved.parts.pop(_IDS, b""))
    index = ClaimIndex.load(saved.header, saved.parts)
    if len(fact_ids) != len(index):
        raise ValueError("a saved claim index whose ids do not fit it")
    return _ScopeIndex(index, fact_ids, built_through)


def _library_claim(record: FactCheckRecord) -> LibraryClaim:
    published = date.fromisoformat(record.published) if record.published else None
    return LibraryClaim(
        id=str(record.id),
        text=record.claim_reviewed,
        language=record.language,
        title=record.title or "",
        published=published,
    )
