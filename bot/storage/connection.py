"""The database connection, its thread, the migrations and the errors of opening it.

Every statement runs on one thread that owns the connection (a plain `sqlite3` one for
DATABASE_PATH, or psycopg's for DATABASE_URL: bot/storage/postgresql.py), so the event loop
never blocks. Storage methods pass a plain function of that connection to `_read` or
`_write`, which run it there in one round trip; `_write` wraps it in a write transaction
(BEGIN IMMEDIATE ... COMMIT on SQLite). The thread runs one function at a time, in order, so
two writes never mix their statements and a read never sees half a write.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import queue
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Self, TypeVar

from bot.storage.dialect import Connection, Dialect, Params, Row, is_postgres_url, redact_url

log = logging.getLogger("claimbot.storage")

_MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
BUSY_TIMEOUT_MS = 10_000
_T = TypeVar("_T")


class DatabaseUnusable(Exception):
    """DATABASE_PATH or DATABASE_URL cannot be opened or read; the message is one line that
    says why (never a password)."""


class DatabaseUnreachable(DatabaseUnusable):
    """The database server did not answer, or cannot serve yet: trying again later may work,
    so `claimbot` exits 3, which a service manager restarts, unlike 2."""


class SchemaError(DatabaseUnusable):
    """The database cannot be used by this version of claimbot; the message says why."""


class DatabaseInUse(Exception):
    """Another claimbot process runs a shard this one would run on this database
    (bot/storage/shards.py); the message is one line naming it and its pid."""


def describe_database_failure(path: Path, error: OSError | sqlite3.Error) -> DatabaseUnusable:
    """One line naming the path and the cause, for a failure to create, open or read it."""
    if path.is_dir():
        reason = "it is a directory, not a database file"
    elif isinstance(error, (FileExistsError, NotADirectoryError)):
        reason = f"{_file_in_the_way(path) or path.parent} is a file, not a directory"
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


def require_folder(path: Path) -> None:
    """The database's folder must exist: claimbot creates the file, never its folder, so a
    mistyped DATABASE_PATH is refused instead of silently starting an empty database."""
    folder = path.parent
    if folder.is_dir():
        return
    file = _file_in_the_way(path)
    if file is not None:
        reason = f"{file} is a file, not a directory"
    else:
        reason = f"the folder {folder} does not exist (claimbot does not create folders)"
    raise DatabaseUnusable(f"Cannot use the database {path}: {reason}.")


def _file_in_the_way(path: Path) -> Path | None:
    """The file that stands where a folder of `path` should be, if any."""
    return next((p for p in path.parents if p.exists() and not p.is_dir()), None)


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


def load_migrations(dialect: Dialect = "sqlite") -> list[Migration]:
    """The numbered SQL files shipped in the `migrations` package, in order: SQLite's, or
    their PostgreSQL twins in `migrations/postgresql` (same numbers and names)."""
    found: list[Migration] = []
    folder = resources.files("migrations")
    if dialect == "postgresql":
        folder = folder / "postgresql"
    for entry in folder.iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if versions != list(range(1, len(found) + 1)):
        raise SchemaError(f"migrations are not numbered 1..n without gaps: {versions}")
    return found


class DatabaseThread(threading.Thread):
    """One thread that runs submitted functions in order and hands each result back to the
    caller's event loop: what aiosqlite does, minus a private API to reach it (and lighter
    per call than a ThreadPoolExecutor, whose futures take locks)."""

    def __init__(self) -> None:
        super().__init__(name="claimbot-db", daemon=True)
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()

    def submit(self, work: Callable[..., _T], *args: Any) -> asyncio.Future[_T]:
        future: asyncio.Future[_T] = asyncio.get_running_loop().create_future()
        self._jobs.put((future, work, args))
        return future

    def stop(self) -> None:
        """The jobs already submitted still run, then the thread ends."""
        self._jobs.put(None)

    def run(self) -> None:
        while (job := self._jobs.get()) is not None:
            future, work, args = job
            if future.cancelled():
                continue
            try:
                outcome: tuple[Any, BaseException | None] = (work(*args), None)
            except BaseException as exc:
                outcome = (None, exc)
            # RuntimeError: the caller's loop is closed, so nobody waits any more.
            with contextlib.suppress(RuntimeError):
                future.get_loop().call_soon_threadsafe(_settle, future, *outcome)


_Job = tuple["asyncio.Future[Any]", Callable[..., Any], tuple[Any, ...]]


def _settle(future: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    if future.cancelled():
        return
    if error is None:
        future.set_result(result)
    else:
        future.set_exception(error)


class SqliteConnection(sqlite3.Connection):
    """sqlite3's connection with the few methods a backend provides
    (bot/storage/dialect.py): its dialect, and how a write transaction starts and ends."""

    dialect: Dialect = "sqlite"

    def run_script(self, script: str) -> None:
        """Statement by statement, in the open transaction (executescript would COMMIT)."""
        for statement in _sql_statements(script):
            self.execute(statement)

    def begin_write(self) -> None:
        self.execute("BEGIN IMMEDIATE")

    def rollback(self) -> None:
        if self.in_transaction:
            self.execute("ROLLBACK")

    def reopen_if_lost(self) -> None:
        """A file is never lost the way a server's session is."""

    def lost(self, error: BaseException) -> bool:
        return False

    def reconnect(self) -> None:
        raise AssertionError("an SQLite connection is never lost")


@dataclass(frozen=True, slots=True)
class _Backend:
    """How to open one database and word its failures."""

    name: str  # the path, or the URL with its password hidden: what messages show
    connect: Callable[[], Any]
    errors: tuple[type[BaseException], ...]
    describe: Callable[[Any], DatabaseUnusable]


def _sqlite_backend(path: Path) -> _Backend:
    if str(path) != ":memory:":
        require_folder(path)
    try:
        if path.is_file():  # else SQLite quietly opens it read-only; the first write fails
            os.close(os.open(path, os.O_RDWR | os.O_CLOEXEC))
    except OSError as exc:
        raise describe_database_failure(path, exc) from None
    return _Backend(
        name=str(path),
        connect=lambda: _connect(path),
        errors=(OSError, sqlite3.Error),
        describe=lambda exc: describe_database_failure(path, exc),
    )


def _postgresql_backend(url: str) -> _Backend:
    try:
        from bot.storage import postgresql
    except ImportError:
        raise DatabaseUnusable(
            f"Cannot use the database {redact_url(url)}: DATABASE_URL needs psycopg "
            "(pip install 'claimbot[postgresql]')."
        ) from None
    return _Backend(
        name=redact_url(url),
        connect=lambda: postgresql.connect(url),
        errors=postgresql.ERRORS,
        describe=lambda exc: postgresql.unusable(url, exc),
    )


class Store:
    """The connection and its thread; the concern modules add the queries."""

    def __init__(self, conn: Any, thread: DatabaseThread, backend: _Backend) -> None:
        self._conn = conn
        self._thread = thread
        self._backend = backend
        self.dialect: Dialect = conn.dialect
        #: What messages call the database: its path, or its URL without the password.
        self.name = backend.name
        self.path = Path(backend.name) if self.dialect == "sqlite" else None
        self._closed = False
        # Called with ("read" | "write", seconds) after each round trip: the metrics'
        # database latency (bot/services/metrics.py); None costs nothing.
        self.on_round_trip: Callable[[str, float], None] | None = None

    @classmethod
    async def open(cls, location: Path | str, *, migrate: bool = True) -> Self:
        """Open and migrate or check the schema: an SQLite file at `location` (created,
        never its folder: see `require_folder`), or the PostgreSQL server of a
        `postgresql://` URL. Any way it is unusable raises DatabaseUnusable with a one-line
        reason."""
        if is_postgres_url(location):
            backend = _postgresql_backend(str(location))
        else:
            backend = _sqlite_backend(Path(location))
        thread = DatabaseThread()
        thread.start()
        try:
            conn = await thread.submit(backend.connect)
        except backend.errors as exc:
            thread.stop()
            raise backend.describe(exc) from None
        db = cls(conn, thread, backend)
        try:
            if migrate:
                await db.migrate()
            else:
                await db.check_schema()
        except backend.errors as exc:
            await db.close()
            raise backend.describe(exc) from None
        except BaseException:
            await db.close()
            raise
        return db

    def describe_failure(self, error: BaseException) -> DatabaseUnusable | None:
        """The one line for a database error met after opening (damage, a server gone);
        None for an error that is not the database's."""
        if isinstance(error, self._backend.errors) and not isinstance(error, OSError):
            return self._backend.describe(error)
        return None  # an OSError after opening is a file the command writes, not the database

    async def close(self) -> None:
        """Idempotent: shutdown paths may call it more than once."""
        if not self._closed:
            self._closed = True
            try:
                await self._read(_close)
            finally:
                self._thread.stop()

    async def _read(self, work: Callable[..., _T], *args: Any) -> _T:
        """`work(connection, *args)` on the database thread, in one round trip; once more
        on a new session if the server's was lost (a restart), since a read changes nothing."""
        return await self._round_trip("read", _read_reconnecting, work, *args)

    async def _write(self, work: Callable[..., _T], *args: Any) -> _T:
        """`work(connection, *args)` inside a write transaction (BEGIN IMMEDIATE on SQLite,
        where other processes wait on the busy timeout; the write lock on PostgreSQL:
        bot/storage/postgresql.py), rolled back on any error, in one round trip."""
        return await self._round_trip("write", _in_write_transaction, work, *args)

    async def _round_trip(self, kind: str, work: Callable[..., _T], *args: Any) -> _T:
        observe = self.on_round_trip
        if observe is None:
            return await self._thread.submit(work, self._conn, *args)
        start = time.perf_counter()
        try:
            return await self._thread.submit(work, self._conn, *args)
        finally:
            observe(kind, time.perf_counter() - start)

    async def ping(self) -> bool:
        """Whether the database thread answers a trivial query now (the health check asks,
        with its own deadline); False once closed, without asking."""
        if self._closed:
            return False
        await self._read(fetch_one, "SELECT 1")
        return True

    async def trace_statements(self, callback: Callable[[str], object] | None) -> None:
        """Call `callback` with each SQL statement run (on SQLite with its parameters
        bound; benchmarks use it to EXPLAIN exactly what the bot runs); None stops tracing."""
        await self._read(_set_trace, callback)

    # -- schema -----------------------------------------------------------------------

    async def check_schema(self) -> int:
        """The schema version; refuses a database written by a newer claimbot."""
        known = load_migrations(self.dialect)
        # A write: it may create the table, and under the write lock a concurrent opener
        # waits instead of failing at once (SQLite's "database is locked").
        applied = await self._write(_read_applied_versions)
        newest_known = known[-1].version if known else 0
        current = applied[-1] if applied else 0
        if current > newest_known:
            raise SchemaError(
                f"{self.name} has schema version {current}, but this claimbot only knows up to "
                f"{newest_known}: upgrade claimbot before using this database."
            )
        return current

    async def migrate(self) -> list[int]:
        """Apply pending migrations, each in its own transaction; returns the versions applied."""
        await self.check_schema()
        applied = set(await self._write(_read_applied_versions))
        done: list[int] = []
        for migration in load_migrations(self.dialect):
            if migration.version in applied:
                continue
            # Another process may have applied it since: _apply_migration looks again
            # inside the write transaction, which holds the database's one write lock.
            if await self._write(_apply_migration, migration):
                log.info("applied migration %04d_%s", migration.version, migration.name)
                done.append(migration.version)
        await self._after_migrations()
        return done

    async def _after_migrations(self) -> None:
        """Derived data a migration leaves to be filled (the search index does)."""

    async def schema_version(self) -> int:
        applied = await self._read(_read_applied_versions)
        return applied[-1] if applied else 0

    async def integrity_check(self) -> str:
        """SQLite's check of every page; "ok" on PostgreSQL, which checks its pages itself."""
        if self.dialect != "sqlite":
            return "ok"
        row = await self._read(fetch_one, "PRAGMA integrity_check")
        return str(row["integrity_check"]) if row else "no answer"


# -- functions run on the database thread -------------------------------------------------


def _connect(path: Path) -> SqliteConnection:
    conn = sqlite3.connect(path, isolation_level=None, factory=SqliteConnection)
    try:
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        _use_wal(conn)
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
    except BaseException:
        conn.close()
        raise
    return conn


def _use_wal(conn: sqlite3.Connection) -> None:
    """Switch a fresh file to WAL. The switch needs the file to itself, and SQLite answers
    "database is locked" at once, without waiting out the busy timeout, when another new
    connection is switching it too: so wait here, up to the same timeout."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _close(conn: Any) -> None:
    conn.close()


def _set_trace(conn: Any, callback: Callable[[str], object] | None) -> None:
    if isinstance(conn, sqlite3.Connection):
        conn.set_trace_callback(callback)
    else:
        conn.trace = callback


def _read_reconnecting(conn: Any, work: Callable[..., _T], *args: Any) -> _T:
    conn.reopen_if_lost()
    try:
        return work(conn, *args)
    except Exception as exc:
        if not conn.lost(exc):
            raise
    conn.reconnect()
    return work(conn, *args)


def _in_write_transaction(conn: Any, work: Callable[..., _T], *args: Any) -> _T:
    """`work` in one write transaction. A session found lost before the transaction began
    is replaced and the write runs there, once; lost after, the write is reported failed,
    never run a second time (its COMMIT may have been applied), and the next call starts on
    a new session."""
    conn.reopen_if_lost()
    try:
        conn.begin_write()
    except Exception as exc:
        if not conn.lost(exc):
            raise
        conn.reconnect()
        conn.begin_write()
    try:
        result = work(conn, *args)
        conn.commit()
    except BaseException:
        conn.rollback()
        raise
    return result


def fetch_one(conn: Connection, sql: str, params: Params = ()) -> Row | None:
    """The first row of a query (rows are read by column name)."""
    cursor = conn.execute(sql, params)
    try:
        row: Row | None = cursor.fetchone()
    finally:
        cursor.close()
    return row


def fetch_all(conn: Connection, sql: str, params: Params = ()) -> list[Row]:
    """Every row of a query."""
    return list(conn.execute(sql, params))


def fetch_for_ids(conn: Connection, sql: str, ids: list[int]) -> list[Row]:
    """Every row of `sql`, whose `IN ({ids})` is bound 500 ids at a time (SQLite limits
    bound parameters)."""
    rows: list[Row] = []
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows.extend(conn.execute(sql.replace("{ids}", ",".join("?" * len(chunk))), chunk))
    return rows


def execute_many(conn: Connection, sql: str, rows: Iterable[Params]) -> None:
    conn.executemany(sql, rows)


def _read_applied_versions(conn: Connection) -> list[int]:
    seconds = "REAL" if conn.dialect == "sqlite" else "DOUBLE PRECISION"
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        f" version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at {seconds} NOT NULL)"
    )
    rows = conn.execute("SELECT version FROM schema_migrations ORDER BY 1")
    return [int(row["version"]) for row in rows]


def _apply_migration(conn: Any, migration: Migration) -> bool:
    """Inside the write transaction: apply `migration` and record it, unless a concurrent
    process already did."""
    if migration.version in _read_applied_versions(conn):
        return False
    conn.run_script(migration.sql)
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
