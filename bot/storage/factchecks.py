"""The fact-check library (imported ClaimReviews), its saved indexes with the version and
rebuild lease of each scope, and the suggestions shown from it."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields
from typing import Any

from bot.core.records import (
    ALL_SERVERS,
    FactCheckRecord,
    LibraryStats,
    NewFactCheck,
    SuggestionRecord,
)
from bot.storage.audit import write_audit
from bot.storage.connection import Store, fetch_all, fetch_for_ids, fetch_one
from bot.storage.dialect import Connection, Row

_FACT_CHECK_FIELDS = tuple(f.name for f in fields(FactCheckRecord))
_FACT_CHECK_COLUMNS = ", ".join(_FACT_CHECK_FIELDS)
_SUGGESTION_FIELDS = tuple(f.name for f in fields(SuggestionRecord))
_SUGGESTION_COLUMNS = ", ".join(_SUGGESTION_FIELDS)
# The columns an import writes, in the order of NewFactCheck's fields.
_IMPORTED = (
    "url",
    "claim_reviewed",
    "title",
    "publisher",
    "published",
    "rating_name",
    "rating_value",
    "best_rating",
    "worst_rating",
    "claimant",
    "language",
)


@dataclass(frozen=True, slots=True)
class BatchResult:
    added: int
    updated: int


@dataclass(frozen=True, slots=True)
class ScopeState:
    """A scope's version, bumped in the transaction of every import batch into it: an index
    built from an older version is stale. `changed_at` is when the last batch was written
    (a fact-check imported after an index's build reads differently now)."""

    version: int
    changed_at: float | None


@dataclass(frozen=True, slots=True)
class LibraryVersion:
    """One scope as a poll sees it: its version, its saved index's (None: none saved) and
    who holds its rebuild lease until when."""

    scope: int
    version: int
    saved_version: int | None
    rebuilder: str | None
    rebuild_until: float | None


@dataclass(frozen=True, slots=True)
class SavedIndex:
    """A scope's matching index as saved: opaque to storage (bot.matching reads the parts).
    Only the parts of the header's version are read, so parts replaced since are missing."""

    version: int
    built_through: float | None
    header: str
    parts: dict[str, bytes]


def fact_check_record(row: Row) -> FactCheckRecord:
    return FactCheckRecord(**{name: row[name] for name in _FACT_CHECK_FIELDS})


def suggestion_record(row: Row) -> SuggestionRecord:
    return SuggestionRecord(**{name: row[name] for name in _SUGGESTION_FIELDS})


def visible_scopes(guild_id: int | None) -> tuple[int, ...]:
    """The scopes a server reads: its own imports and those for all servers."""
    return (ALL_SERVERS,) if guild_id is None else (ALL_SERVERS, guild_id)


class FactCheckStore(Store):
    async def import_fact_checks(
        self, scope: int, fact_checks: list[NewFactCheck], *, imported_by: int | None
    ) -> BatchResult:
        """One batch of an import, in one transaction: a fact-check whose url is already in
        the scope is updated in place, so re-importing a feed never duplicates."""
        return await self._write(_import_batch, scope, fact_checks, imported_by, time.time())

    async def audit_import(self, scope: int, actor_id: int, detail: dict[str, Any]) -> None:
        await self._write(
            lambda conn: write_audit(
                conn, guild_id=scope, actor_id=actor_id, action="factchecks_import", detail=detail
            )
        )

    async def fact_checks_by_ids(self, ids: list[int]) -> dict[int, FactCheckRecord]:
        rows = await self._read(
            fetch_for_ids,
            f"SELECT {_FACT_CHECK_COLUMNS} FROM fact_checks WHERE id IN ({{ids}})",
            ids,
        )
        return {row["id"]: fact_check_record(row) for row in rows}

    async def get_fact_check(self, guild_id: int, fact_check_id: int) -> FactCheckRecord | None:
        """A fact-check the server may see, else None (another server's is invisible)."""
        row = await self._read(
            fetch_one,
            f"SELECT {_FACT_CHECK_COLUMNS} FROM fact_checks WHERE id = ? AND scope IN (?, ?)",
            (fact_check_id, ALL_SERVERS, guild_id),
        )
        return fact_check_record(row) if row else None

    async def fact_checks_in_scope(
        self, scope: int, after_id: int = 0, limit: int = 10_000
    ) -> list[FactCheckRecord]:
        """A page of a scope's library in id order (index builds read it page by page)."""
        rows = await self._read(
            fetch_all,
            f"SELECT {_FACT_CHECK_COLUMNS} FROM fact_checks WHERE scope = ? AND id > ?"
            " ORDER BY id LIMIT ?",
            (scope, after_id, limit),
        )
        return [fact_check_record(row) for row in rows]

    async def fact_check_scope_state(self, scope: int) -> ScopeState:
        row = await self._read(
            fetch_one,
            "SELECT version, changed_at FROM fact_check_versions WHERE scope = ?",
            (scope,),
        )
        return ScopeState(row["version"], row["changed_at"]) if row else ScopeState(0, None)

    async def fact_check_library_versions(self) -> list[LibraryVersion]:
        """What every process polls: one row per scope, from two tables of one row per scope
        (never the fact-checks themselves), so it stays cheap at any library size."""
        rows = await self._read(
            fetch_all,
            "SELECT v.scope, v.version, i.version AS saved_version, v.rebuilder, v.rebuild_until"
            " FROM fact_check_versions AS v LEFT JOIN fact_check_indexes AS i"
            " ON i.scope = v.scope ORDER BY v.scope",
        )
        return [LibraryVersion(*row) for row in rows]

    async def saved_fact_check_index(self, scope: int) -> SavedIndex | None:
        return await self._read(_saved_index, scope)

    async def save_fact_check_index(
        self,
        scope: int,
        built_from: ScopeState,
        header: str,
        parts: Iterable[tuple[str, bytes]],
        *,
        rebuilder: str,
    ) -> bool:
        """Replace the scope's saved index and end `rebuilder`'s lease, in one transaction;
        False (nothing written) when an index of a newer version is saved already. `parts` is
        consumed on the database thread, one part at a time (a part may be made only when it
        is written)."""
        return await self._write(
            _save_index, scope, built_from, header, parts, rebuilder, time.time()
        )

    async def drop_fact_check_index(self, scope: int, *, rebuilder: str) -> None:
        """A scope with nothing left to index: no saved index, and the lease ended."""

        def drop(conn: Connection) -> None:
            conn.execute("DELETE FROM fact_check_indexes WHERE scope = ?", (scope,))
            _end_lease(conn, scope, rebuilder)

        await self._write(drop)

    async def claim_fact_check_rebuild(
        self, scope: int, rebuilder: str, now: float, until: float, *, saved_version: int | None
    ) -> bool:
        """The lease on rebuilding a stale scope, if nobody holds it (or theirs lapsed before
        `now`) and its saved index is still `saved_version`: of the processes that saw the
        same stale scope, exactly one wins."""
        return await self._write(_claim_lease, scope, rebuilder, now, until, saved_version)

    async def take_fact_check_rebuild(self, scope: int, rebuilder: str, until: float) -> None:
        """An importer's lease, taken before its first write whoever held it: it builds the
        newest version, so the other processes wait for its index."""
        await self._write(
            lambda conn: conn.execute(
                "INSERT INTO fact_check_versions (scope, version, rebuilder, rebuild_until)"
                " VALUES (?, 0, ?, ?) ON CONFLICT (scope) DO UPDATE SET"
                " rebuilder = excluded.rebuilder, rebuild_until = excluded.rebuild_until",
                (scope, rebuilder, until),
            )
        )

    async def renew_fact_check_rebuild(self, scope: int, rebuilder: str, until: float) -> bool:
        """Extend `rebuilder`'s lease; False when another process holds it now."""
        return await self._write(_renew_lease, scope, rebuilder, until)

    async def release_fact_check_rebuild(self, scope: int, rebuilder: str) -> None:
        await self._write(_end_lease, scope, rebuilder)

    async def library_stats(self, guild_id: int | None, top: int = 5) -> LibraryStats:
        return await self._read(_library_stats, visible_scopes(guild_id), top)

    async def add_suggestion(
        self,
        *,
        guild_id: int,
        claim_id: int,
        score: float,
        fact_check_id: int | None = None,
        matched_claim_id: int | None = None,
    ) -> SuggestionRecord | None:
        """Record a suggestion to show; None when it was already shown (or dismissed) for
        this claim, so a suggestion is never shown twice."""
        return await self._write(
            _add_suggestion, guild_id, claim_id, score, fact_check_id, matched_claim_id
        )

    async def set_suggestion_message(self, suggestion_id: int, message_id: int) -> None:
        await self._write(
            lambda conn: conn.execute(
                "UPDATE match_suggestions SET message_id = ? WHERE id = ?",
                (message_id, suggestion_id),
            )
        )

    async def get_suggestion(self, guild_id: int, suggestion_id: int) -> SuggestionRecord | None:
        row = await self._read(
            fetch_one,
            f"SELECT {_SUGGESTION_COLUMNS} FROM match_suggestions WHERE id = ? AND guild_id = ?",
            (suggestion_id, guild_id),
        )
        return suggestion_record(row) if row else None

    async def suggestions_for_claim(self, claim_id: int) -> list[SuggestionRecord]:
        rows = await self._read(
            fetch_all,
            f"SELECT {_SUGGESTION_COLUMNS} FROM match_suggestions WHERE claim_id = ? ORDER BY id",
            (claim_id,),
        )
        return [suggestion_record(row) for row in rows]

    async def answer_suggestion(
        self, guild_id: int, suggestion_id: int, answer: str, actor_id: int
    ) -> SuggestionRecord | None:
        """Record Same claim / Not the same, audited; None if it was answered already."""
        return await self._write(_answer_suggestion, guild_id, suggestion_id, answer, actor_id)

    async def newest_claim_id(self, guild_id: int) -> int:
        """0 for a server with no claim; a server's matcher of its own claims is stale when
        this moved (claim texts never change)."""
        row = await self._read(
            fetch_one, "SELECT max(id) AS newest FROM claims WHERE guild_id = ?", (guild_id,)
        )
        return int(row["newest"] or 0) if row else 0

    async def claims_to_match(self, guild_id: int, limit: int) -> list[tuple[int, str, str]]:
        """(id, text, language) of a server's newest claims, for its matcher of own claims."""
        rows = await self._read(
            fetch_all,
            "SELECT id, text, coalesce(language, 'en') AS language FROM claims"
            " WHERE guild_id = ? ORDER BY id DESC LIMIT ?",
            (guild_id, limit),
        )
        return [(int(r["id"]), str(r["text"]), str(r["language"])) for r in rows]


def _rows(scope: int, fact_checks: Iterable[NewFactCheck]) -> Iterator[tuple[Any, ...]]:
    for fact_check in fact_checks:
        yield (scope, *(getattr(fact_check, name) for name in _IMPORTED))


def _import_batch(
    conn: Connection,
    scope: int,
    fact_checks: list[NewFactCheck],
    imported_by: int | None,
    now: float,
) -> BatchResult:
    # New rows are the batch's distinct urls not yet in the scope: counted by the unique
    # index, so a batch costs the same whatever the library's size (counting the scope's
    # rows before and after did not).
    urls = list(dict.fromkeys(fact_check.url for fact_check in fact_checks))
    known = 0
    for start in range(0, len(urls), 500):
        chunk = urls[start : start + 500]
        marks = ",".join("?" * len(chunk))
        known += conn.execute(
            f"SELECT count(*) FROM fact_checks WHERE scope = ? AND url IN ({marks})",
            (scope, *chunk),
        ).fetchone()[0]
    added = len(urls) - known
    placeholders = ", ".join("?" * (len(_IMPORTED) + 3))
    updates = ", ".join(f"{name} = excluded.{name}" for name in _IMPORTED if name != "url")
    conn.executemany(
        f"INSERT INTO fact_checks (scope, {', '.join(_IMPORTED)}, imported_at, imported_by)"
        f" VALUES ({placeholders}) ON CONFLICT (scope, url) DO UPDATE SET {updates},"
        " imported_at = excluded.imported_at, imported_by = excluded.imported_by",
        ((*row, now, imported_by) for row in _rows(scope, fact_checks)),
    )
    # In the batch's transaction: a process that sees the new version sees the batch.
    conn.execute(
        "INSERT INTO fact_check_versions (scope, version, changed_at) VALUES (?, 1, ?)"
        " ON CONFLICT (scope) DO UPDATE SET version = fact_check_versions.version + 1,"
        " changed_at = excluded.changed_at",
        (scope, now),
    )
    return BatchResult(added=added, updated=len(fact_checks) - added)


def _saved_index(conn: Connection, scope: int) -> SavedIndex | None:
    saved = conn.execute(
        "SELECT version, built_through, header FROM fact_check_indexes WHERE scope = ?", (scope,)
    ).fetchone()
    if saved is None:
        return None
    version = saved["version"]
    parts = conn.execute(
        "SELECT name, data FROM fact_check_index_parts WHERE scope = ? AND version = ?",
        (scope, version),
    )
    return SavedIndex(
        version, saved["built_through"], saved["header"], {n: bytes(d) for n, d in parts}
    )


def _save_index(
    conn: Connection,
    scope: int,
    built_from: ScopeState,
    header: str,
    parts: Iterable[tuple[str, bytes]],
    rebuilder: str,
    now: float,
) -> bool:
    _end_lease(conn, scope, rebuilder)
    newer = conn.execute(
        "SELECT 1 FROM fact_check_indexes WHERE scope = ? AND version > ?",
        (scope, built_from.version),
    ).fetchone()
    if newer is not None:
        return False
    conn.execute("DELETE FROM fact_check_index_parts WHERE scope = ?", (scope,))
    conn.execute(
        "INSERT INTO fact_check_indexes (scope, version, built_through, header, built_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (scope) DO UPDATE SET version = excluded.version,"
        " built_through = excluded.built_through, header = excluded.header,"
        " built_at = excluded.built_at",
        (scope, built_from.version, built_from.changed_at, header, now),
    )
    for name, data in parts:
        conn.execute(
            "INSERT INTO fact_check_index_parts (scope, version, name, data) VALUES (?, ?, ?, ?)",
            (scope, built_from.version, name, data),
        )
        del data
    return True


def _claim_lease(
    conn: Connection,
    scope: int,
    rebuilder: str,
    now: float,
    until: float,
    saved_version: int | None,
) -> bool:
    claimed = conn.execute(
        "UPDATE fact_check_versions SET rebuilder = ?, rebuild_until = ?"
        " WHERE scope = ? AND (rebuilder IS NULL OR rebuild_until <= ?)"
        " AND coalesce((SELECT version FROM fact_check_indexes WHERE scope = ?), -1) = ?",
        (rebuilder, until, scope, now, scope, -1 if saved_version is None else saved_version),
    )
    return claimed.rowcount == 1


def _renew_lease(conn: Connection, scope: int, rebuilder: str, until: float) -> bool:
    renewed = conn.execute(
        "UPDATE fact_check_versions SET rebuild_until = ? WHERE scope = ? AND rebuilder = ?",
        (until, scope, rebuilder),
    )
    return renewed.rowcount == 1


def _end_lease(conn: Connection, scope: int, rebuilder: str) -> None:
    conn.execute(
        "UPDATE fact_check_versions SET rebuilder = NULL, rebuild_until = NULL"
        " WHERE scope = ? AND rebuilder = ?",
        (scope, rebuilder),
    )


def _library_stats(conn: Connection, scopes: tuple[int, ...], top: int) -> LibraryStats:
    marks = ", ".join("?" * len(scopes))
    where = f"scope IN ({marks})"
    total, newest, oldest, last = conn.execute(
        f"SELECT count(*), max(published), min(published), max(imported_at) FROM fact_checks"
        f" WHERE {where}",
        scopes,
    ).fetchone()
    publishers = conn.execute(
        f"SELECT coalesce(publisher, '') AS name, count(*) AS n FROM fact_checks WHERE {where}"
        " GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ?",
        (*scopes, top),
    ).fetchall()
    return LibraryStats(
        fact_checks=int(total),
        publishers=[(row["name"], int(row["n"])) for row in publishers],
        newest=newest,
        oldest=oldest,
        last_import=last,
    )


def _add_suggestion(
    conn: Connection,
    guild_id: int,
    claim_id: int,
    score: float,
    fact_check_id: int | None,
    matched_claim_id: int | None,
) -> SuggestionRecord | None:
    cursor = conn.execute(
        "INSERT INTO match_suggestions (guild_id, claim_id, fact_check_id, matched_claim_id,"
        " score, created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"
        f" RETURNING {_SUGGESTION_COLUMNS}",
        (guild_id, claim_id, fact_check_id, matched_claim_id, score, time.time()),
    )
    row = cursor.fetchone()
    cursor.close()
    return None if row is None else suggestion_record(row)


def _answer_suggestion(
    conn: Connection, guild_id: int, suggestion_id: int, answer: str, actor_id: int
) -> SuggestionRecord | None:
    now = time.time()
    cursor = conn.execute(
        "UPDATE match_suggestions SET answer = ?, answered_by = ?, answered_at = ?"
        " WHERE id = ? AND guild_id = ? AND answer IS NULL",
        (answer, actor_id, now, suggestion_id, guild_id),
    )
    if cursor.rowcount == 0:
        return None
    row = conn.execute(
        f"SELECT {_SUGGESTION_COLUMNS} FROM match_suggestions WHERE id = ?", (suggestion_id,)
    ).fetchone()
    found = suggestion_record(row)
    write_audit(
        conn,
        guild_id=guild_id,
        actor_id=actor_id,
        action=f"suggestion_{answer}",
        claim_id=found.claim_id,
        detail={
            "suggestion": suggestion_id,
            "fact_check": found.fact_check_id,
            "matched_claim": found.matched_claim_id,
        },
    )
    return found
