"""The fact-check library in memory: one matcher per scope, built from storage, searched
off the event loop.

A server searches its own imports and those for all servers (`visible_scopes`); the best
matches of both are merged. A scope's matcher is rebuilt after each import into it and
swapped in whole, so a search never sees half an index.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from datetime import date

from bot.core.records import FactCheckRecord
from bot.matching import DEFAULT_TOP_K, ClaimMatcher, LibraryClaim
from bot.storage.database import Database
from bot.storage.factchecks import visible_scopes

__all__ = ["FactCheckLibrary", "LibraryMatch"]

log = logging.getLogger(__name__)

_PAGE = 10_000


@dataclass(frozen=True, slots=True)
class LibraryMatch:
    fact_check: FactCheckRecord
    score: float


class FactCheckLibrary:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._matchers: dict[int, ClaimMatcher] = {}
        self._locks: dict[int, asyncio.Lock] = {}

    def __len__(self) -> int:
        return sum(len(m) for m in self._matchers.values())

    async def load(self) -> float:
        """Build every scope's matcher; returns the seconds it took (logged at start)."""
        started = time.perf_counter()
        for scope in await self._db.fact_check_scopes():
            await self.rebuild(scope)
        took = time.perf_counter() - started
        log.info("fact-check library: %d reviews indexed in %.2f s", len(self), took)
        return took

    async def rebuild(self, scope: int) -> None:
        """Read the scope's reviews and swap in a new matcher (after an import into it)."""
        lock = self._locks.setdefault(scope, asyncio.Lock())
        async with lock:
            claims: list[LibraryClaim] = []
            after = 0
            while page := await self._db.fact_checks_in_scope(scope, after, _PAGE):
                claims.extend(_library_claim(fc) for fc in page)
                after = page[-1].id
            if not claims:
                self._matchers.pop(scope, None)
                return
            self._matchers[scope] = await asyncio.to_thread(ClaimMatcher, claims)

    async def similar(
        self,
        guild_id: int | None,
        text: str,
        language: str = "en",
        when: date | None = None,
        k: int = DEFAULT_TOP_K,
    ) -> list[LibraryMatch]:
        """The `k` best fact-checks the server may see, most likely first. The same review
        url imported for the server and for all servers shows once."""
        matchers = [m for scope in visible_scopes(guild_id) if (m := self._matchers.get(scope))]
        if not matchers or not text.strip():
            return []

        def search() -> list[tuple[int, float]]:
            found = [
                (int(match.id), match.score)
                for matcher in matchers
                for match in matcher.search(text, language, k, when)
            ]
            return sorted(found, key=lambda item: (-item[1], item[0]))

        ranked = await asyncio.to_thread(search)
        records = await self._db.fact_checks_by_ids([fc_id for fc_id, _ in ranked])
        seen: set[str] = set()
        results: list[LibraryMatch] = []
        for fc_id, score in ranked:
            record = records.get(fc_id)
            if record is None or record.url in seen:
                continue
            seen.add(record.url)
            results.append(LibraryMatch(record, score))
        return results[:k]


def _library_claim(record: FactCheckRecord) -> LibraryClaim:
    published = date.fromisoformat(record.published) if record.published else None
    return LibraryClaim(
        id=str(record.id),
        text=record.claim_reviewed,
        language=record.language,
        title=record.title or "",
        published=published,
    )
