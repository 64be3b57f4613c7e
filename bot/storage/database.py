"""The one module that speaks SQL, and the one owner of the database connection.

aiosqlite runs every statement on its own thread, so the event loop never blocks.
Writes go through `transaction()`, which serialises them with an asyncio lock: SQLite
allows one writer, and interleaved BEGINs from two coroutines on one connection would
otherwise mix their statements.
"""

from __future__ import annotations

import asyncio
import fcntl
import json
import logging
import os
import re
import sqlite3
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from bot.core.records import (
    ClaimRecord,
    EvidenceRecord,
    GuildConfig,
    NewClaim,
    NewDocument,
    ReviewMessage,
)
from bot.core.search import index_document, match_expression

log = logging.getLogger("claimbot.storage")

_EVIDENCE_COLUMNS = (
    "id, claim_id, url, stance, note, added_by, fetch_status, fetch_error, title,"
    " site_name, canonical_url, published_at, description, created_at"
)
_MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
BUSY_TIMEOUT_MS = 10_000
_T = TypeVar("_T")
# (guild, claim, reviewer, verdict or None for a retraction, origin, at): one vote event.
VoteEventRow = tuple[int, int, int, str | None, str, float]


class DatabaseUnusable(Exception):
    """DATABASE_PATH cannot be opened or read; the message is one line that says why."""


class SchemaError(DatabaseUnusable):
    """The database cannot be used by this version of claimbot; the message says why."""


class DatabaseInUse(Exception):
    """Another claimbot process holds the instance lock of this database."""


def describe_database_failure(path: Path, error: OSError | sqlite3.Error) -> DatabaseUnusable:
    """One line naming the path and the cause, for a failure to create, open or read it."""
    if path.is_dir():
        reason = "it is a directory, not a database file"
    elif isinstance(error, (FileExistsError, NotADirectoryError)):
        file = next((p for p in path.parents if p.exists() and not p.is_dir()), path.parent)
        reason = f"{file} is a file, not a directory"
    elif isinstance(error, OSError):
        cause = error.strerror or str(error)
        where = error.filename
        if where and Path(where) != path:
            reason = f"{where}: {cause}"
        else:
            reason = f"it cannot be opened for writing ({cause})"
    else:
        code = getattr(error, "sqlite_errorcode", 0) & 0xFF
        if code in (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT):
            reason = "it is not an SQLite database, or it is damaged"
        elif code == sqlite3.SQLITE_READONLY:
            reason = "it is read-only (claimbot needs to write to it and to its directory)"
        elif code == sqlite3.SQLITE_CANTOPEN and not os.access(path.parent, os.W_OK | os.X_OK):
            needs = "its -wal and -shm files" if path.exists() else "it"
            reason = f"{path.parent} is not writable, and SQLite must create {needs} there"
        elif code == sqlite3.SQLITE_CANTOPEN:
            reason = "it cannot be opened or created"
        else:
            reason = str(error)
    return DatabaseUnusable(f"Cannot use the database {path}: {reason}.")


class InstanceLock:
    """An exclusive flock on `<database>.lock` while the bot runs, so two bots never answer
    the same interactions. The kernel releases it when the process ends, however it ends,
    so a crash never leaves a stale lock; the file itself stays (deleting it would race)."""

    def __init__(self, database_path: Path) -> None:
        self.database_path = database_path
        self.path = database_path.with_name(database_path.name + ".lock")
        self._fd: int | None = None

    def acquire(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            raise describe_database_failure(self.database_path, exc) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 32).decode("ascii", "replace").strip()
            os.close(fd)
            pid = f" (pid {holder})" if holder.isdigit() else ""
            raise DatabaseInUse(
                f"another claimbot is running on {self.database_path}{pid}."
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode("ascii"))
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> InstanceLock:
        self.acquire()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


def load_migrations() -> list[Migration]:
    """The numbered SQL files shipped in the `migrations` package, in order."""
    found: list[Migration] = []
    for entry in resources.files("migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if versions != list(range(1, len(found) + 1)):
        raise SchemaError(f"migrations are not numbered 1..n without gaps: {versions}")
    return found


class Database:
    """Owns the aiosqlite connection; every query of the application is a method here."""

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path
        self._write_lock = asyncio.Lock()
        self._closed = False

    @classmethod
    async def open(cls, path: Path | str, *, migrate: bool = True) -> Database:
        """Open (creating it and its directory if need be) and migrate or check the schema;
        any way the path is unusable raises DatabaseUnusable with a one-line reason."""
        path = Path(path)
        try:
            if str(path) != ":memory:":
                path.parent.mkdir(parents=True, exist_ok=True)
            if path.is_file():  # else SQLite quietly opens it read-only; the first write fails
                os.close(os.open(path, os.O_RDWR | os.O_CLOEXEC))
        except OSError as exc:
            raise describe_database_failure(path, exc) from None
        connecting = aiosqlite.connect(path, isolation_level=None)
        try:
            conn = await connecting
        except sqlite3.Error as exc:
            # aiosqlite stops its thread without waiting; let it finish while the loop runs,
            # or it prints "Event loop is closed" tracebacks after asyncio.run returns.
            await asyncio.to_thread(connecting._thread.join)
            raise describe_database_failure(path, exc) from None
        conn.row_factory = aiosqlite.Row
        db = cls(conn, path)
        try:
            await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            await conn.execute("PRAGMA journal_mode = WAL")
            await conn.execute("PRAGMA synchronous = NORMAL")
            await conn.execute("PRAGMA foreign_keys = ON")
            if migrate:
                await db.migrate()
            else:
                await db.check_schema()
        except (OSError, sqlite3.Error) as exc:
            await conn.close()
            raise describe_database_failure(path, exc) from None
        except BaseException:
            await conn.close()
            raise
        return db

    async def close(self) -> None:
        """Idempotent: shutdown paths may call it more than once."""
        if not self._closed:
            self._closed = True
            await self._conn.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any error; one writer at a time."""
        async with self._write_lock:
            await self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                await self._conn.execute("ROLLBACK")
                raise
            else:
                await self._conn.execute("COMMIT")

    async def trace_statements(self, callback: Callable[[str], object] | None) -> None:
        """Call `callback` with each SQL statement run, parameters bound (benchmarks use it
        to EXPLAIN exactly what the bot runs); None stops tracing."""
        await self._conn.set_trace_callback(callback)  # type: ignore[arg-type]  # None: off

    async def _rows_for_ids(self, sql: str, ids: list[int]) -> list[aiosqlite.Row]:
        """All rows of `sql`, whose `IN ({ids})` is bound 500 ids at a time (SQLite limits
        bound parameters); one round trip to the database thread per 500."""
        rows: list[aiosqlite.Row] = []
        for chunk in _chunks(ids):
            marks = ",".join("?" * len(chunk))
            rows.extend(await self._conn.execute_fetchall(sql.replace("{ids}", marks), chunk))
        return rows

    async def _fetch_one(self, sql: str, params: tuple[Any, ...] = ()) -> aiosqlite.Row | None:
        """The first row of a query, in one round trip to the database thread (a cursor
        costs three: execute, fetch, close)."""
        return await self._on_database_thread(_first_row, sql, params)

    async def _fetch_all(self, sql: str, params: tuple[Any, ...] = ()) -> list[aiosqlite.Row]:
        """Every row of a query, in one round trip to the database thread."""
        return list(await self._conn.execute_fetchall(sql, params))

    # -- schema -----------------------------------------------------------------------

    async def _applied_versions(self) -> list[int]:
        return await self._on_database_thread(_read_applied_versions)

    async def check_schema(self) -> int:
        """The schema version; refuses a database written by a newer claimbot."""
        known = load_migrations()
        applied = await self._applied_versions()
        newest_known = known[-1].version if known else 0
        current = applied[-1] if applied else 0
        if current > newest_known:
            raise SchemaError(
                f"{self.path} has schema version {current}, but this claimbot only knows up to "
                f"{newest_known}: upgrade claimbot before using this database."
            )
        return current

    async def migrate(self) -> list[int]:
        """Apply pending migrations, each in its own transaction; returns the versions applied."""
        await self.check_schema()
        applied = set(await self._applied_versions())
        done: list[int] = []
        for migration in load_migrations():
            if migration.version in applied:
                continue
            # Another process may have applied it since: _apply_migration looks again
            # inside the write transaction, which holds SQLite's one write lock.
            if await self._write_on_database_thread(_apply_migration, migration):
                log.info("applied migration %04d_%s", migration.version, migration.name)
                done.append(migration.version)
        await self._ensure_search_index()
        return done

    async def _ensure_search_index(self) -> None:
        """Fill the search index when it does not hold every claim: right after migration
        0004 created it, or if the process stopped before that filling was committed."""
        if not await self._fetch_one(
            "SELECT 1 FROM sqlite_master WHERE name = 'claims_search_docsize'"
        ):
            return  # an older schema (tests of the upgrade path stop before 0004)
        row = await self._fetch_one(
            "SELECT (SELECT count(*) FROM claims), (SELECT count(*) FROM claims_search_docsize)"
        )
        if row is not None and row[0] != row[1]:
            indexed = await self.rebuild_search_index()
            log.info("search index rebuilt: %d claims", indexed)

    async def rebuild_search_index(self) -> int:
        """Index every claim again from its text and attribution; returns how many."""
        rows = await self._fetch_all(
            "SELECT id, guild_id, text, attribution FROM claims ORDER BY id"
        )
        async with self.transaction() as conn:
            await conn.execute("INSERT INTO claims_search (claims_search) VALUES ('delete-all')")
            await conn.executemany(
                "INSERT INTO claims_search (rowid, terms) VALUES (?, ?)",
                [(r[0], index_document(r[1], r[2], r[3])) for r in rows],
            )
        return len(rows)

    async def schema_version(self) -> int:
        applied = await self._applied_versions()
        return applied[-1] if applied else 0

    async def integrity_check(self) -> str:
        row = await self._fetch_one("PRAGMA integrity_check")
        return str(row[0]) if row else "no answer"

    # -- guild settings ---------------------------------------------------------------

    async def get_guild_config(self, guild_id: int) -> GuildConfig | None:
        row = await self._fetch_one(
            "SELECT guild_id, review_channel_id, reviewer_role_id, moderator_role_id, options"
            " FROM guild_settings WHERE guild_id = ?",
            (guild_id,),
        )
        if row is None:
            return None
        return GuildConfig(
            guild_id=row["guild_id"],
            review_channel_id=row["review_channel_id"],
            reviewer_role_id=row["reviewer_role_id"],
            moderator_role_id=row["moderator_role_id"],
            options=json.loads(row["options"]),
        )

    async def save_guild_config(
        self, config: GuildConfig, *, actor_id: int, action: str = "setup"
    ) -> None:
        """Upsert a guild's setup and write who changed it, and how, to the audit log."""
        now = time.time()
        async with self.transaction() as conn:
            await conn.execute(
                "INSERT INTO guild_settings (guild_id, review_channel_id, reviewer_role_id,"
                " moderator_role_id, options, updated_at) VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (guild_id) DO UPDATE SET"
                " review_channel_id = excluded.review_channel_id,"
                " reviewer_role_id = excluded.reviewer_role_id,"
                " moderator_role_id = excluded.moderator_role_id,"
                " options = excluded.options, updated_at = excluded.updated_at",
                (
                    config.guild_id,
                    config.review_channel_id,
                    config.reviewer_role_id,
                    config.moderator_role_id,
                    json.dumps(config.options, sort_keys=True),
                    now,
                ),
            )
            await self._audit(
                conn,
                guild_id=config.guild_id,
                actor_id=actor_id,
                action=action,
                detail={
                    "review_channel_id": config.review_channel_id,
                    "reviewer_role_id": config.reviewer_role_id,
                    "moderator_role_id": config.moderator_role_id,
                    "options": config.options,
                },
            )

    # -- submissions and claims --------------------------------------------------------

    async def find_document(self, guild_id: int, content_hash: str) -> int | None:
        row = await self._fetch_one(
            "SELECT id FROM documents WHERE guild_id = ? AND content_hash = ? ORDER BY id LIMIT 1",
            (guild_id, content_hash),
        )
        return int(row[0]) if row else None

    async def store_submission(
        self,
        document: NewDocument,
        claims: list[NewClaim],
        *,
        source_url: str | None,
        source_title: str | None,
    ) -> tuple[int, list[ClaimRecord], list[ClaimRecord]]:
        """Store a document and its new claims in one transaction.

        Returns (document id, claims created, claims that already existed in the guild
        with the same normalized wording).
        """
        now = time.time()
        created_ids: list[int] = []
        existing_ids: list[int] = []
        async with self.transaction() as conn:
            cur = await conn.execute(
                "INSERT INTO documents (guild_id, submitter_id, kind, url, title, content_hash,"
                " language, char_count, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    document.guild_id,
                    document.submitter_id,
                    document.kind,
                    document.url,
                    document.title,
                    document.content_hash,
                    document.language,
                    document.char_count,
                    now,
                ),
            )
            document_id = cur.lastrowid
            assert document_id is not None
            for claim in claims:
                cur = await conn.execute(
                    # The server's next number, read and taken under BEGIN IMMEDIATE: no
                    # other writer (process or coroutine) can take it meanwhile.
                    "INSERT INTO claims (guild_id, number, document_id, text, normalized,"
                    " attribution, language, score, reasons, span_start, span_end,"
                    " submitter_id, source_url, source_title, status, confidence, explanation,"
                    " created_at, updated_at) VALUES (?, (SELECT coalesce(max(number), 0) + 1"
                    " FROM claims WHERE guild_id = ?), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                    " ?, ?, ?, ?) ON CONFLICT (guild_id, normalized) DO NOTHING",
                    (
                        document.guild_id,
                        document.guild_id,
                        document_id,
                        claim.text,
                        claim.normalized,
                        claim.attribution,
                        claim.language,
                        claim.score,
                        json.dumps(list(claim.reasons)),
                        claim.span_start,
                        claim.span_end,
                        document.submitter_id,
                        source_url,
                        source_title,
                        claim.status,
                        claim.confidence,
                        claim.explanation,
                        now,
                        now,
                    ),
                )
                if cur.rowcount == 1 and cur.lastrowid is not None:
                    created_ids.append(cur.lastrowid)
                    await conn.execute(
                        "INSERT INTO claims_search (rowid, terms) VALUES (?, ?)",
                        (
                            cur.lastrowid,
                            index_document(document.guild_id, claim.text, claim.attribution),
                        ),
                    )
                else:
                    async with conn.execute(
                        "SELECT id FROM claims WHERE guild_id = ? AND normalized = ?",
                        (document.guild_id, claim.normalized),
                    ) as found:
                        row = await found.fetchone()
                    if row is not None and row[0] not in existing_ids:
                        existing_ids.append(int(row[0]))
        created = await self.get_claims(document.guild_id, created_ids)
        existing = await self.get_claims(document.guild_id, existing_ids)
        return document_id, created, existing

    async def recent_claim_texts(self, guild_id: int, limit: int) -> list[tuple[int, str]]:
        """(id, normalized text) of a guild's newest claims, for near-duplicate checks."""
        rows = await self._fetch_all(
            "SELECT id, normalized FROM claims WHERE guild_id = ? ORDER BY id DESC LIMIT ?",
            (guild_id, limit),
        )
        return [(int(row[0]), str(row[1])) for row in rows]

    async def open_claim_statuses(self, guild_id: int) -> dict[int, tuple[str, float]]:
        """(status, confidence) of each claim of a guild that no moderator has resolved."""
        rows = await self._fetch_all(
            "SELECT id, status, confidence FROM claims WHERE guild_id = ? AND is_final = 0",
            (guild_id,),
        )
        return {int(row[0]): (str(row[1]), float(row[2])) for row in rows}

    async def claim_by_number(self, guild_id: int, number: int) -> ClaimRecord | None:
        """The claim a member means by `#number` in their server; None when there is none."""
        row = await self._fetch_one(
            "SELECT * FROM claims WHERE guild_id = ? AND number = ?", (guild_id, number)
        )
        return _claim(row) if row else None

    async def get_claim(self, guild_id: int, claim_id: int) -> ClaimRecord | None:
        found = await self.get_claims(guild_id, [claim_id])
        return found[0] if found else None

    async def get_claims(self, guild_id: int, claim_ids: list[int]) -> list[ClaimRecord]:
        """Claims of one guild by id, in the order asked; ids of other guilds are not found."""
        if not claim_ids:
            return []
        marks = ",".join("?" * len(claim_ids))
        rows = await self._fetch_all(
            f"SELECT * FROM claims WHERE guild_id = ? AND id IN ({marks})",
            (guild_id, *claim_ids),
        )
        by_id = {row["id"]: _claim(row) for row in rows}
        return [by_id[i] for i in claim_ids if i in by_id]

    async def _one_claim(self, where: str, value: int) -> ClaimRecord | None:
        row = await self._fetch_one(f"SELECT * FROM claims WHERE {where} = ?", (value,))
        return _claim(row) if row else None

    async def get_claim_any_guild(self, claim_id: int) -> ClaimRecord | None:
        """For internal jobs only (message refresh, recompute); commands use get_claim."""
        return await self._one_claim("id", claim_id)

    async def claim_for_message(self, message_id: int) -> ClaimRecord | None:
        return await self._one_claim("message_id", message_id)

    async def claim_for_thread(self, thread_id: int) -> ClaimRecord | None:
        return await self._one_claim("thread_id", thread_id)

    async def set_review_message(
        self, claim_id: int, *, channel_id: int, message_id: int, thread_id: int | None
    ) -> None:
        now = time.time()
        async with self.transaction() as conn:
            await conn.execute(
                "UPDATE claims SET channel_id = ?, message_id = ?, thread_id = ?, updated_at = ?,"
                " rendered_at = ? WHERE id = ?",
                (channel_id, message_id, thread_id, now, now, claim_id),
            )

    async def mark_rendered(self, claim_id: int, updated_at: float) -> None:
        """The claim's review message now shows its state as of `updated_at`."""
        await self._write_on_database_thread(
            _execute_many,
            "UPDATE claims SET rendered_at = ? WHERE id = ?"
            " AND (rendered_at IS NULL OR rendered_at < ?)",
            [(updated_at, claim_id, updated_at)],
        )

    async def stale_review_messages(self, *, limit: int) -> list[int]:
        """Claims whose review message shows an older state than the database (an edit was
        still pending when the bot stopped): open ones first, newest first."""
        rows = await self._fetch_all(
            "SELECT id FROM claims WHERE message_id IS NOT NULL"
            " AND (rendered_at IS NULL OR rendered_at < updated_at)"
            " ORDER BY is_final, id DESC LIMIT ?",
            (limit,),
        )
        return [int(row[0]) for row in rows]

    async def unposted_claims(self, *, limit: int) -> list[int]:
        """Claims whose post did not finish (Discord refused or failed it, or the bot stopped
        before the thread, its last step), oldest first so they reach the channel in order."""
        rows = await self._fetch_all(
            "SELECT id FROM claims WHERE thread_id IS NULL ORDER BY id LIMIT ?", (limit,)
        )
        return [int(row[0]) for row in rows]

    async def review_messages(self, *, limit: int) -> list[ReviewMessage]:
        """Posted claims for catch-up: open ones first, newest first, at most `limit`."""
        rows = await self._fetch_all(
            "SELECT id, guild_id, channel_id, message_id FROM claims"
            " WHERE message_id IS NOT NULL ORDER BY is_final, id DESC LIMIT ?",
            (limit,),
        )
        return [ReviewMessage(row[0], row[1], row[2], row[3]) for row in rows]

    # -- votes ------------------------------------------------------------------------

    async def current_votes(self, claim_id: int) -> dict[int, str]:
        rows = await self._fetch_all(
            "SELECT reviewer_id, verdict FROM claim_votes WHERE claim_id = ?", (claim_id,)
        )
        return {int(row[0]): str(row[1]) for row in rows}

    async def vote_event_ids(self, claim_id: int) -> dict[int, int]:
        """Each reviewer's current vote's event id (what catch-up compares with the floor)."""
        rows = await self._fetch_all(
            "SELECT reviewer_id, event_id FROM claim_votes WHERE claim_id = ?", (claim_id,)
        )
        return {int(row[0]): int(row[1]) for row in rows}

    async def carry_votes(self, claim_id: int) -> int:
        """Mark every vote so far as cast on an earlier message of the claim."""
        async with self.transaction() as conn:
            await conn.execute(
                "UPDATE claims SET carried_votes_until ="
                " (SELECT coalesce(max(id), 0) FROM vote_events WHERE claim_id = ?) WHERE id = ?",
                (claim_id, claim_id),
            )
            async with conn.execute(
                "SELECT carried_votes_until FROM claims WHERE id = ?", (claim_id,)
            ) as cur:
                row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def last_audit(self, guild_id: int, action: str) -> dict[str, Any] | None:
        """The latest audit entry of `action` in a guild, with its claim's number (what a
        member may be shown; `claim_id` is internal)."""
        row = await self._fetch_one(
            "SELECT a.actor_id, a.claim_id, a.detail, a.created_at, c.number FROM audit_log a"
            " LEFT JOIN claims c ON c.id = a.claim_id"
            " WHERE a.guild_id = ? AND a.action = ? ORDER BY a.id DESC LIMIT 1",
            (guild_id, action),
        )
        if row is None:
            return None
        return {
            "actor_id": row[0],
            "claim_id": row[1],
            "claim_number": row[4],
            "detail": json.loads(row[2]),
            "created_at": row[3],
        }

    async def vote_counts(self, claim_id: int) -> dict[str, int]:
        rows = await self._fetch_all(
            "SELECT verdict, count(*) FROM claim_votes WHERE claim_id = ? GROUP BY verdict",
            (claim_id,),
        )
        return {str(row[0]): int(row[1]) for row in rows}

    async def current_votes_for(self, claim_ids: list[int]) -> dict[int, dict[int, str]]:
        """Each claim's current votes, {claim: {reviewer: verdict}}, in one round trip."""
        return await self._on_database_thread(_current_votes, claim_ids)

    async def append_vote_events(self, events: list[VoteEventRow]) -> list[int]:
        """Append (guild, claim, reviewer, verdict or None, origin, at) events in order and
        keep `claim_votes` in step, all in one transaction. Returns the event ids."""
        if not events:
            return []
        return await self._write_on_database_thread(_insert_vote_events, events)

    async def record_votes(
        self, claim_ids: list[int], plan: Callable[[dict[int, dict[int, str]]], list[VoteEventRow]]
    ) -> list[int]:
        """Read the current votes of `claim_ids` ({claim: {reviewer: verdict}}), append the
        events `plan` makes of them, and return their ids: one transaction, so nothing can
        change a vote between the read and the write.

        This is the hot path of vote ingest, so it is one call on the database thread
        (`plan` runs there too, and must be quick and pure): each separate statement
        would cost a round trip between the event loop and that thread, several times
        the statement itself, and queue behind whatever else the bot is reading."""
        return await self._write_on_database_thread(_plan_and_insert_votes, claim_ids, plan)

    async def _write_on_database_thread(self, work: Callable[..., _T], *args: Any) -> _T:
        """`work(sqlite3_connection, *args)` inside BEGIN IMMEDIATE ... COMMIT, in one round
        trip, holding the write lock."""
        async with self._write_lock:
            return await self._on_database_thread(_in_write_transaction, work, *args)

    async def _on_database_thread(self, work: Callable[..., _T], *args: Any) -> _T:
        """Run `work(sqlite3_connection, *args)` on aiosqlite's thread, in one round trip.
        (aiosqlite has no public API for this; its `_execute` and `_conn` are stable
        across the versions pyproject.toml allows, and the tests exercise this path.)"""
        raw = self._conn._conn
        result: _T = await self._conn._execute(work, raw, *args)  # type: ignore[no-untyped-call]
        return result

    async def vote_events(self, claim_id: int) -> list[tuple[int, int, str | None, float]]:
        """(event id, reviewer, verdict, at) in log order."""
        rows = await self._fetch_all(
            "SELECT id, reviewer_id, verdict, created_at FROM vote_events WHERE claim_id = ?"
            " ORDER BY id",
            (claim_id,),
        )
        return [(row[0], row[1], row[2], row[3]) for row in rows]

    # -- evidence ---------------------------------------------------------------------

    async def evidence_for(self, claim_id: int) -> list[EvidenceRecord]:
        rows = await self._fetch_all(
            f"SELECT {_EVIDENCE_COLUMNS} FROM evidence"
            " WHERE claim_id = ? AND removed_at IS NULL ORDER BY id",
            (claim_id,),
        )
        return [EvidenceRecord(*row) for row in rows]

    async def _one_evidence(self, where: str, params: tuple[Any, ...]) -> EvidenceRecord | None:
        row = await self._fetch_one(
            f"SELECT {_EVIDENCE_COLUMNS} FROM evidence WHERE {where} AND removed_at IS NULL",
            params,
        )
        return EvidenceRecord(*row) if row else None

    async def evidence_by_url(self, claim_id: int, normalized_url: str) -> EvidenceRecord | None:
        return await self._one_evidence(
            "claim_id = ? AND normalized_url = ?", (claim_id, normalized_url)
        )

    async def add_evidence(
        self,
        *,
        guild_id: int,
        claim_id: int,
        url: str,
        normalized_url: str,
        stance: str,
        note: str | None,
        added_by: int,
        origin: str,
        may_change_others: bool = False,
    ) -> tuple[EvidenceRecord, bool]:
        """Record a link for a claim; the same normalised URL is one piece of evidence.

        Returns (the evidence, True if it is new). For a known URL from a command by its
        adder (or, with `may_change_others`, a moderator) the stance and note are updated,
        which is how a thread link's stance gets set; anyone else changes nothing."""
        async with self.transaction() as conn:
            async with conn.execute(
                "SELECT id, stance, note, added_by FROM evidence"
                " WHERE claim_id = ? AND normalized_url = ? AND removed_at IS NULL",
                (claim_id, normalized_url),
            ) as cur:
                row = await cur.fetchone()
            if row is None:
                cur = await conn.execute(
                    "INSERT INTO evidence (guild_id, claim_id, url, normalized_url, stance, note,"
                    " added_by, origin, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        guild_id,
                        claim_id,
                        url,
                        normalized_url,
                        stance,
                        note,
                        added_by,
                        origin,
                        time.time(),
                    ),
                )
                evidence_id, created = cur.lastrowid, True
            else:
                evidence_id, created = row[0], False
                note_changed = note is not None and note != row[2]
                allowed = row[3] == added_by or may_change_others
                if origin == "command" and allowed and (row[1] != stance or note_changed):
                    await conn.execute(
                        "UPDATE evidence SET stance = ?, note = coalesce(?, note) WHERE id = ?",
                        (stance, note, evidence_id),
                    )
                    detail = {"evidence_id": evidence_id, "from": row[1], "to": stance}
                    await self._audit(
                        conn,
                        guild_id=guild_id,
                        actor_id=added_by,
                        action="evidence_stance",
                        claim_id=claim_id,
                        detail=detail | ({"note": note} if note_changed else {}),
                    )
        record = await self.get_evidence(guild_id, int(evidence_id))  # type: ignore[arg-type]
        assert record is not None
        return record, created

    async def pending_evidence(self, *, created_before: float) -> list[EvidenceRecord]:
        """Links whose fetch never finished (the bot stopped first), oldest first."""
        rows = await self._fetch_all(
            f"SELECT {_EVIDENCE_COLUMNS} FROM evidence WHERE fetch_status = 'pending'"
            " AND removed_at IS NULL AND created_at < ? ORDER BY id",
            (created_before,),
        )
        return [EvidenceRecord(*row) for row in rows]

    async def get_evidence(self, guild_id: int, evidence_id: int) -> EvidenceRecord | None:
        return await self._one_evidence("guild_id = ? AND id = ?", (guild_id, evidence_id))

    async def save_evidence_fetch(
        self,
        evidence_id: int,
        *,
        ok: bool,
        error: str | None = None,
        title: str | None = None,
        site_name: str | None = None,
        canonical_url: str | None = None,
        published_at: str | None = None,
        description: str | None = None,
    ) -> None:
        async with self.transaction() as conn:
            await conn.execute(
                "UPDATE evidence SET fetch_status = ?, fetch_error = ?, title = ?, site_name = ?,"
                " canonical_url = ?, published_at = ?, description = ? WHERE id = ?",
                (
                    "ok" if ok else "unreachable",
                    error,
                    title,
                    site_name,
                    canonical_url,
                    published_at,
                    description,
                    evidence_id,
                ),
            )

    async def remove_evidence(self, guild_id: int, evidence_id: int, *, actor_id: int) -> None:
        """Soft delete: the row stays for the record, the status stops counting it."""
        async with self.transaction() as conn:
            await conn.execute(
                "UPDATE evidence SET removed_at = ?, removed_by = ? WHERE guild_id = ? AND id = ?",
                (time.time(), actor_id, guild_id, evidence_id),
            )
            await self._audit(
                conn,
                guild_id=guild_id,
                actor_id=actor_id,
                action="evidence_remove",
                detail={"evidence_id": evidence_id},
            )

    # -- moderation -------------------------------------------------------------------

    async def add_moderation_event(
        self,
        *,
        guild_id: int,
        claim_id: int,
        actor_id: int,
        action: str,
        status: str | None,
        note: str | None,
    ) -> None:
        """A resolve or reopen, with its audit entry, in one transaction."""
        now = time.time()
        async with self.transaction() as conn:
            await conn.execute(
                "INSERT INTO moderation_events (guild_id, claim_id, actor_id, action, status,"
                " note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (guild_id, claim_id, actor_id, action, status, note, now),
            )
            await self._audit(
                conn,
                guild_id=guild_id,
                actor_id=actor_id,
                action=action,
                claim_id=claim_id,
                detail={"status": status, "note": note},
            )

    # -- derived status ---------------------------------------------------------------

    async def save_statuses(self, rows: list[tuple[int, str, float, str, bool]]) -> None:
        """(claim, status, confidence, explanation, final) for many claims, one commit."""
        now = time.time()
        await self._write_on_database_thread(
            _execute_many,
            "UPDATE claims SET status = ?, confidence = ?, explanation = ?, is_final = ?,"
            " updated_at = ? WHERE id = ?",
            [
                (status, confidence, explanation, int(final), now, claim_id)
                for claim_id, status, confidence, explanation, final in rows
            ],
        )

    # -- queries ----------------------------------------------------------------------

    async def search_claims(
        self, guild_id: int, terms: list[str], *, limit: int
    ) -> list[ClaimRecord]:
        """Claims of one guild holding every term (from bot.search), best match first."""
        rows = await self._fetch_all(
            # Rank inside the index, then read only the winning rows of claims.
            "SELECT c.* FROM (SELECT rowid AS id, bm25(claims_search) AS score"
            " FROM claims_search WHERE claims_search MATCH ? ORDER BY score, rowid DESC LIMIT ?)"
            " AS hits JOIN claims c ON c.id = hits.id WHERE c.guild_id = ?"
            " ORDER BY hits.score, c.id DESC",
            (match_expression(guild_id, terms), limit, guild_id),
        )
        return [_claim(row) for row in rows]

    async def autocomplete_claims(
        self, guild_id: int, *, number: int | None, terms: list[str] | None, limit: int
    ) -> list[tuple[int, str, str]]:
        """(number, text, status) for an autocomplete box: the claim with the typed number
        first, then claims holding the typed words (the last one as a prefix), else the
        newest claims; open claims before resolved ones. Matches are read newest first
        straight from the index and stop at `limit`, so a common word costs no more than a
        rare one."""
        found: list[tuple[int, str, str]] = []
        if number is not None:
            rows = await self._fetch_all(
                "SELECT number, text, status FROM claims WHERE guild_id = ? AND number = ?",
                (guild_id, number),
            )
            found.extend((r[0], r[1], r[2]) for r in rows)
        if terms:
            match = match_expression(guild_id, terms, prefix_last=True)
            for final in (0, 1):
                rows = await self._fetch_all(
                    "SELECT c.number, c.text, c.status FROM claims_search CROSS JOIN claims c"
                    " ON c.id = claims_search.rowid WHERE claims_search MATCH ?"
                    " AND c.guild_id = ? AND c.is_final = ?"
                    " ORDER BY claims_search.rowid DESC LIMIT ?",
                    (match, guild_id, final, limit - len(found)),
                )
                found.extend((r[0], r[1], r[2]) for r in rows)
                if len(found) >= limit:
                    break
        elif number is None:
            rows = await self._fetch_all(
                "SELECT number, text, status FROM claims WHERE guild_id = ?"
                " ORDER BY is_final, id DESC LIMIT ?",
                (guild_id, limit),
            )
            found.extend((r[0], r[1], r[2]) for r in rows)
        unique = {row[0]: row for row in found}
        return list(unique.values())[:limit]

    async def list_claims(
        self,
        guild_id: int,
        *,
        status: str | None,
        submitter_id: int | None,
        offset: int,
        limit: int,
    ) -> tuple[list[ClaimRecord], int]:
        """A page of a guild's claims, newest first, and how many there are in all."""
        where = ["guild_id = ?"]
        params: list[Any] = [guild_id]
        if status is not None:
            where.append("status = ?")
            params.append(status)
        if submitter_id is not None:
            where.append("submitter_id = ?")
            params.append(submitter_id)
        clause = " AND ".join(where)
        row = await self._fetch_one(f"SELECT count(*) FROM claims WHERE {clause}", tuple(params))
        total = int(row[0]) if row else 0
        rows = await self._fetch_all(
            f"SELECT * FROM claims WHERE {clause} ORDER BY id DESC LIMIT ? OFFSET ?",
            (*params, limit, offset),
        )
        return [_claim(r) for r in rows], total

    async def status_counts(self, guild_id: int) -> dict[str, int]:
        rows = await self._fetch_all(
            "SELECT status, count(*) FROM claims WHERE guild_id = ? GROUP BY status",
            (guild_id,),
        )
        return {str(r[0]): int(r[1]) for r in rows}

    async def oldest_awaiting(self, guild_id: int, *, limit: int) -> list[ClaimRecord]:
        rows = await self._fetch_all(
            "SELECT * FROM claims WHERE guild_id = ? AND status IN ('unreviewed', 'needs_review')"
            " ORDER BY id LIMIT ?",
            (guild_id, limit),
        )
        return [_claim(r) for r in rows]

    async def top_reviewers(self, guild_id: int, *, limit: int) -> list[tuple[int, int]]:
        """(reviewer, claims voted on) by current votes."""
        rows = await self._fetch_all(
            "SELECT v.reviewer_id, count(*) AS n FROM claim_votes v JOIN claims c"
            " ON c.id = v.claim_id WHERE c.guild_id = ? GROUP BY v.reviewer_id"
            " ORDER BY n DESC, v.reviewer_id LIMIT ?",
            (guild_id, limit),
        )
        return [(int(r[0]), int(r[1])) for r in rows]

    async def vote_distribution(self, guild_id: int) -> list[dict[str, int]]:
        """Per claim with votes: counts per verdict (for the agreement figure)."""
        rows = await self._fetch_all(
            "SELECT v.claim_id, v.verdict, count(*) FROM claim_votes v JOIN claims c"
            " ON c.id = v.claim_id WHERE c.guild_id = ? GROUP BY v.claim_id, v.verdict",
            (guild_id,),
        )
        per_claim: dict[int, dict[str, int]] = {}
        for claim_id, verdict, count in rows:
            per_claim.setdefault(claim_id, {})[verdict] = count
        return list(per_claim.values())

    async def all_claims(self, guild_id: int | None) -> list[ClaimRecord]:
        """Every claim of one guild in number order (or all guilds, for the CLI), oldest
        first."""
        query = "SELECT * FROM claims ORDER BY id"
        params: tuple[int, ...] = ()
        if guild_id is not None:
            query, params = "SELECT * FROM claims WHERE guild_id = ? ORDER BY number", (guild_id,)
        rows = await self._fetch_all(query, params)
        return [_claim(r) for r in rows]

    async def vote_counts_for(self, claim_ids: list[int]) -> dict[int, dict[str, int]]:
        counts: dict[int, dict[str, int]] = {cid: {} for cid in claim_ids}
        for claim_id, verdict, n in await self._rows_for_ids(
            "SELECT claim_id, verdict, count(*) FROM claim_votes WHERE claim_id IN ({ids})"
            " GROUP BY claim_id, verdict",
            claim_ids,
        ):
            counts[claim_id][verdict] = n
        return counts

    async def evidence_for_claims(self, claim_ids: list[int]) -> dict[int, list[EvidenceRecord]]:
        found: dict[int, list[EvidenceRecord]] = {cid: [] for cid in claim_ids}
        for row in await self._rows_for_ids(
            f"SELECT {_EVIDENCE_COLUMNS} FROM evidence WHERE claim_id IN ({{ids}})"
            " AND removed_at IS NULL ORDER BY id",
            claim_ids,
        ):
            found[row[1]].append(EvidenceRecord(*row))
        return found

    async def moderation_events_for(
        self, claim_ids: list[int]
    ) -> dict[int, list[tuple[int, str, str | None, str | None, int, float]]]:
        """Each claim's (event id, action, status, note, actor, at), in log order."""
        found: dict[int, list[tuple[int, str, str | None, str | None, int, float]]] = {
            cid: [] for cid in claim_ids
        }
        for claim_id, *event in await self._rows_for_ids(
            "SELECT claim_id, id, action, status, note, actor_id, created_at"
            " FROM moderation_events WHERE claim_id IN ({ids}) ORDER BY id",
            claim_ids,
        ):
            found[claim_id].append(tuple(event))
        return found

    async def claim_guilds(self, claim_ids: list[int]) -> dict[int, int]:
        """{claim: guild} for the claims that exist."""
        rows = await self._rows_for_ids(
            "SELECT id, guild_id FROM claims WHERE id IN ({ids})", claim_ids
        )
        return {int(r[0]): int(r[1]) for r in rows}

    async def resolutions_for(self, claim_ids: list[int]) -> dict[int, tuple[float, str | None]]:
        """(time, note) of the latest moderation event of each final claim."""
        found: dict[int, tuple[float, str | None]] = {}
        for claim_id, at, note in await self._rows_for_ids(
            "SELECT claim_id, created_at, note FROM moderation_events"
            " WHERE claim_id IN ({ids}) ORDER BY id",
            claim_ids,
        ):
            found[claim_id] = (at, note)
        return found

    # -- recompute --------------------------------------------------------------------

    async def rebuild_current_votes(self) -> int:
        """Derive claim_votes again from the vote log: each reviewer's latest event."""
        async with self.transaction() as conn:
            await conn.execute("DELETE FROM claim_votes")
            await conn.execute(
                "INSERT INTO claim_votes (claim_id, reviewer_id, verdict, event_id, updated_at)"
                " SELECT e.claim_id, e.reviewer_id, e.verdict, e.id, e.created_at"
                " FROM vote_events e JOIN ("
                "   SELECT claim_id, reviewer_id, max(id) AS last_id FROM vote_events"
                "   GROUP BY claim_id, reviewer_id"
                " ) latest ON latest.last_id = e.id WHERE e.verdict IS NOT NULL"
            )
            async with conn.execute("SELECT count(*) FROM claim_votes") as cur:
                row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def claim_ids(self) -> list[tuple[int, int]]:
        """(claim id, guild id) of every claim."""
        rows = await self._fetch_all("SELECT id, guild_id FROM claims ORDER BY id")
        return [(int(r[0]), int(r[1])) for r in rows]

    async def statuses(self) -> dict[int, tuple[str, float, str, bool]]:
        rows = await self._fetch_all(
            "SELECT id, status, confidence, explanation, is_final FROM claims"
        )
        return {int(r[0]): (str(r[1]), float(r[2]), str(r[3]), bool(r[4])) for r in rows}

    # -- audit ------------------------------------------------------------------------

    @staticmethod
    async def _audit(
        conn: aiosqlite.Connection,
        *,
        guild_id: int,
        actor_id: int,
        action: str,
        claim_id: int | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        await conn.execute(
            "INSERT INTO audit_log (guild_id, actor_id, action, claim_id, detail, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (guild_id, actor_id, action, claim_id, json.dumps(detail or {}), time.time()),
        )

    async def record_audit(
        self,
        *,
        guild_id: int,
        actor_id: int,
        action: str,
        claim_id: int | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        async with self.transaction() as conn:
            await self._audit(
                conn,
                guild_id=guild_id,
                actor_id=actor_id,
                action=action,
                claim_id=claim_id,
                detail=detail,
            )

    async def audit_entries(self, guild_id: int, *, limit: int = 50) -> list[dict[str, Any]]:
        rows = await self._fetch_all(
            "SELECT id, actor_id, action, claim_id, detail, created_at FROM audit_log"
            " WHERE guild_id = ? ORDER BY id DESC LIMIT ?",
            (guild_id, limit),
        )
        return [
            {
                "id": row["id"],
                "actor_id": row["actor_id"],
                "action": row["action"],
                "claim_id": row["claim_id"],
                "detail": json.loads(row["detail"]),
                "created_at": row["created_at"],
            }
            for row in rows
        ]


def _read_applied_versions(conn: sqlite3.Connection) -> list[int]:
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at REAL NOT NULL)"
    )
    rows = conn.execute("SELECT version FROM schema_migrations ORDER BY 1")
    return [int(row[0]) for row in rows]


def _apply_migration(conn: sqlite3.Connection, migration: Migration) -> bool:
    """Inside the write transaction: apply `migration` and record it, unless a concurrent
    process already did. Statement by statement, as executescript would COMMIT first."""
    if migration.version in _read_applied_versions(conn):
        return False
    for statement in _sql_statements(migration.sql):
        conn.execute(statement)
    conn.execute(
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
        (migration.version, migration.name, time.time()),
    )
    return True


def _sql_statements(script: str) -> list[str]:
    """Split a script where SQLite itself sees a complete statement (strings, comments
    and trigger bodies keep their semicolons)."""
    statements: list[str] = []
    start = 0
    for end, char in enumerate(script):
        if char == ";" and sqlite3.complete_statement(script[start : end + 1]):
            statements.append(script[start : end + 1])
            start = end + 1
    if script[start:].strip():
        statements.append(script[start:])
    return statements


def _in_write_transaction(conn: sqlite3.Connection, work: Callable[..., _T], *args: Any) -> _T:
    """On the database thread: BEGIN IMMEDIATE (other processes wait on the busy
    timeout), the work, COMMIT; rolled back on any error."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        result = work(conn, *args)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return result


def _execute_many(conn: sqlite3.Connection, sql: str, rows: list[tuple[Any, ...]]) -> None:
    conn.executemany(sql, rows)


def _plan_and_insert_votes(
    conn: sqlite3.Connection,
    claim_ids: list[int],
    plan: Callable[[dict[int, dict[int, str]]], list[VoteEventRow]],
) -> list[int]:
    events = plan(_current_votes(conn, claim_ids))
    return _insert_vote_events(conn, events) if events else []


def _current_votes(conn: sqlite3.Connection, claim_ids: list[int]) -> dict[int, dict[int, str]]:
    """{claim: {reviewer: verdict}}, on the database thread, 500 ids per query."""
    current: dict[int, dict[int, str]] = {claim_id: {} for claim_id in claim_ids}
    for chunk in _chunks(claim_ids):
        marks = ",".join("?" * len(chunk))
        for claim_id, reviewer_id, verdict in conn.execute(
            f"SELECT claim_id, reviewer_id, verdict FROM claim_votes WHERE claim_id IN ({marks})",
            chunk,
        ):
            current[claim_id][reviewer_id] = verdict
    return current


def _insert_vote_events(conn: sqlite3.Connection, events: list[VoteEventRow]) -> list[int]:
    """Ids are assigned here: the caller holds the write lock and the transaction keeps
    other processes out. Only each reviewer's last event in the batch touches
    `claim_votes`."""
    (last,) = conn.execute("SELECT coalesce(max(id), 0) FROM vote_events").fetchone()
    ids = list(range(last + 1, last + 1 + len(events)))
    conn.executemany(
        "INSERT INTO vote_events (id, guild_id, claim_id, reviewer_id, verdict, origin,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(event_id, *event) for event_id, event in zip(ids, events, strict=True)],
    )
    latest: dict[tuple[int, int], tuple[int, str | None, float]] = {}
    for event_id, (_, claim_id, reviewer_id, verdict, _, at) in zip(ids, events, strict=True):
        latest[(claim_id, reviewer_id)] = (event_id, verdict, at)
    retracted = [key for key, (_, verdict, _) in latest.items() if verdict is None]
    if retracted:
        conn.executemany(
            "DELETE FROM claim_votes WHERE claim_id = ? AND reviewer_id = ?", retracted
        )
    conn.executemany(
        "INSERT INTO claim_votes (claim_id, reviewer_id, verdict, event_id, updated_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (claim_id, reviewer_id) DO UPDATE SET"
        " verdict = excluded.verdict, event_id = excluded.event_id,"
        " updated_at = excluded.updated_at",
        [
            (claim_id, reviewer_id, verdict, event_id, at)
            for (claim_id, reviewer_id), (event_id, verdict, at) in latest.items()
            if verdict is not None
        ],
    )
    return ids


def _first_row(conn: sqlite3.Connection, sql: str, params: tuple[Any, ...]) -> Any:
    cursor = conn.execute(sql, params)
    try:
        return cursor.fetchone()
    finally:
        cursor.close()


def _chunks(ids: list[int], size: int = 500) -> list[list[int]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def _claim(row: aiosqlite.Row) -> ClaimRecord:
    return ClaimRecord(
        id=row["id"],
        guild_id=row["guild_id"],
        number=row["number"],
        text=row["text"],
        attribution=row["attribution"],
        language=row["language"],
        score=row["score"],
        reasons=tuple(json.loads(row["reasons"])),
        submitter_id=row["submitter_id"],
        source_url=row["source_url"],
        source_title=row["source_title"],
        channel_id=row["channel_id"],
        message_id=row["message_id"],
        thread_id=row["thread_id"],
        status=row["status"],
        confidence=row["confidence"],
        explanation=row["explanation"],
        is_final=bool(row["is_final"]),
        carried_votes_until=row["carried_votes_until"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        document_id=row["document_id"],
    )
