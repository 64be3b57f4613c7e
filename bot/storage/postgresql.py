"""PostgreSQL (DATABASE_URL): a psycopg 3 connection that speaks the concern modules' SQL on
the same database thread as SQLite's (bot/storage/connection.py), so every concern function
keeps one body for both backends (bot/storage/dialect.py).

Writes keep SQLite's contract: one writer at a time on the whole database. Each write
transaction first takes one advisory transaction lock (`WRITE_LOCK_KEY`), as BEGIN IMMEDIATE
takes SQLite's write lock, so what the concern modules read inside a write (the server's next
claim number, the next vote id, whether a migration is applied) cannot change under them,
from this process or any other host. Reads run outside transactions, each statement on its
own snapshot, as on SQLite.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import psycopg
from psycopg import pq
from psycopg.adapt import Dumper

from bot.storage.connection import DatabaseUnreachable, DatabaseUnusable
from bot.storage.dialect import Dialect, Params, redact_url, to_format_placeholders

log = logging.getLogger("claimbot.storage")

#: server_version_num of the oldest server accepted: 13 made `unaccent` trusted, so the bot's
#: own role (no superuser) can create it in migration 0004. Nothing the migrations or queries
#: use is newer: GIN over tsvector, websearch_to_tsquery (11), identity columns (10), FOR
#: UPDATE SKIP LOCKED (9.5), ON CONFLICT (9.5), advisory locks.
MINIMUM_SERVER_VERSION = 130000

#: The advisory lock key of claimbot's locks: "CLBT" in the high 32 bits of every key.
_NAMESPACE = int.from_bytes(b"CLBT", "big") << 32
#: Held by every write transaction (and so by every migration): one writer at a time.
WRITE_LOCK_KEY = _NAMESPACE | 0xFFFF_FFFF

#: How long connecting may take before it counts as unreachable, unless the URL says.
CONNECT_TIMEOUT_SECONDS = 10


def shard_lock_key(count: int, shard_id: int) -> int:
    """The session advisory lock of shard `shard_id` of `count`; count 0 is the database-wide
    lock (held exclusively by an unsharded bot, shared by sharded ones)."""
    return _NAMESPACE | (count << 16) | shard_id


def shard_of_lock_key(key: int) -> tuple[int, int] | None:
    """(count, shard id) of a shard lock key, None for any other key."""
    if key >> 32 != _NAMESPACE >> 32 or key == WRITE_LOCK_KEY:
        return None
    return (key >> 16) & 0xFFFF, key & 0xFFFF


def application_name() -> str:
    """How this process names its sessions, so a refusal can name the pid holding a lock."""
    return f"claimbot pid {os.getpid()}"


def pid_of(application: str | None) -> str:
    """` (pid N)` from another session's application_name, or ""."""
    match = re.fullmatch(r"claimbot pid (\d+)", application or "")
    return f" (pid {match[1]})" if match else ""


class _BoolAsInteger(Dumper):
    """Flags are INTEGER 0/1 columns in both schemas; a Python bool is bound as one."""

    oid = psycopg.postgres.types["int8"].oid

    def dump(self, obj: Any) -> bytes:
        return b"1" if obj else b"0"


@functools.lru_cache(maxsize=512)
def _row_class(names: tuple[str, ...]) -> type[tuple[Any, ...]]:
    """A tuple read by index or by column name, like sqlite3.Row; one class per column list."""
    index = {name: i for i, name in enumerate(names)}
    get = tuple.__getitem__

    def getitem(self: tuple[Any, ...], key: Any) -> Any:
        return get(self, index[key]) if isinstance(key, str) else get(self, key)

    def keys(self: tuple[Any, ...]) -> list[str]:
        return list(names)

    return type("Row", (tuple,), {"__slots__": (), "__getitem__": getitem, "keys": keys})


def _rows(cursor: Any) -> Callable[[Sequence[Any]], Any]:
    description = cursor.description
    if description is None:
        return tuple
    return _row_class(tuple(column.name for column in description))


@functools.lru_cache(maxsize=2048)
def _translated(sql: str) -> str:
    return to_format_placeholders(sql)


class PostgresConnection:
    """The psycopg connection as the concern modules use it (bot/storage/dialect.py)."""

    dialect: Dialect = "postgresql"

    def __init__(self, raw: psycopg.Connection[Any], url: str) -> None:
        self.raw = raw
        self.url = url
        self.trace: Callable[[str], object] | None = None

    def execute(self, sql: str, parameters: Params = (), /) -> psycopg.Cursor[Any]:
        query = _translated(sql)
        if self.trace is not None:
            self.trace(query)
        return self.raw.execute(query, parameters)

    def executemany(self, sql: str, seq_of_parameters: Iterable[Params], /) -> psycopg.Cursor[Any]:
        query = _translated(sql)
        if self.trace is not None:
            self.trace(query)
        cursor = self.raw.cursor()
        cursor.executemany(query, seq_of_parameters)
        return cursor

    def run_script(self, script: str) -> None:
        """A migration, as written (no placeholders), in the open transaction."""
        self.raw.execute(script.encode("utf-8"))

    def begin_write(self) -> None:
        self.raw.execute(f"BEGIN; SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})".encode())

    def commit(self) -> None:
        self.raw.execute(b"COMMIT")

    def rollback(self) -> None:
        if self.raw.broken or self.raw.closed:
            return  # the server ended the session, and its transaction with it
        if self.raw.info.transaction_status != pq.TransactionStatus.IDLE:
            self.raw.execute(b"ROLLBACK")

    def lost(self, error: BaseException) -> bool:
        """Whether `error` ended this session (the server restarted or the network broke),
        rather than being an error of the statement."""
        return isinstance(error, psycopg.OperationalError) and (self.raw.broken or self.raw.closed)

    def reopen_if_lost(self) -> None:
        """A new session if the last one was lost and a reconnect then failed."""
        if self.raw.broken or self.raw.closed:
            self.reconnect()

    def reconnect(self) -> None:
        """Replace the lost session with a new one; if the server does not answer yet, this
        raises, and the next call tries again (`reopen_if_lost`)."""
        with contextlib.suppress(psycopg.Error):
            self.raw.close()
        self.raw = _open(self.url)
        log.warning("reconnected to the database %s", redact_url(self.url))

    def close(self) -> None:
        self.raw.close()


def connect(url: str) -> PostgresConnection:
    """Open a session on the database thread; refuses a server older than the minimum."""
    return PostgresConnection(_open(url), url)


def _open(url: str) -> psycopg.Connection[Any]:
    options: dict[str, Any] = {"application_name": application_name()}
    if "connect_timeout" not in psycopg.conninfo.conninfo_to_dict(url):
        options["connect_timeout"] = CONNECT_TIMEOUT_SECONDS
    raw = psycopg.connect(url, autocommit=True, row_factory=_rows, **options)
    try:
        raw.adapters.register_dumper(bool, _BoolAsInteger)
        if raw.info.server_version < MINIMUM_SERVER_VERSION:
            version = raw.info.parameter_status("server_version") or str(raw.info.server_version)
            needed = _major(MINIMUM_SERVER_VERSION)
            raise TooOld(f"PostgreSQL {version} is too old (claimbot needs {needed} or newer)")
    except BaseException:
        raw.close()
        raise
    return raw


def _major(version_num: int) -> str:
    """`server_version_num` as people name the version: 130000 is 13, 90600 is 9.6."""
    major, minor = divmod(version_num // 100, 100)
    return f"{major}.{minor}" if major < 10 else str(major)


class TooOld(Exception):
    """The server is older than MINIMUM_SERVER_VERSION."""


# What a server that answered but cannot serve yet says (starting up, shutting down, in
# recovery, out of connections): no different from one that did not answer, for whoever
# decides whether to try again.
_NOT_SERVING_YET = ("the database system is", "too many clients", "remaining connection slots")


#: What a failure to connect to or use the server raises.
ERRORS: tuple[type[BaseException], ...] = (psycopg.Error, TooOld)


def is_unreachable(error: BaseException) -> bool:
    """Whether the server gave no answer (refused, no such host or socket, a timeout, the
    connection lost) or cannot serve yet: worth trying again later, unlike a refusal it sent
    (a wrong password, no such database or role, a version too old). libpq shows what the
    server sent after its severity, `FATAL:`; its own failures have none."""
    if not isinstance(error, psycopg.OperationalError):
        return False
    text = str(error)
    return "FATAL:" not in text or any(words in text for words in _NOT_SERVING_YET)


def unusable(url: str, error: BaseException) -> DatabaseUnusable:
    """The exception a failure raises: DatabaseUnreachable when trying again may work."""
    kind = DatabaseUnreachable if is_unreachable(error) else DatabaseUnusable
    return kind(describe_failure(url, error))


def describe_failure(url: str, error: BaseException) -> str:
    """One line naming the server (password never shown) and the cause: what the server said,
    or libpq's own words when it did not answer."""
    text = str(error).strip() or type(error).__name__
    first = text.splitlines()[0].strip()
    first = re.sub(r"^connection (failed|is bad):\s*", "", first)
    first = re.sub(r"^connection to server .* failed:\s+(?=FATAL:)", "", first)
    first = re.sub(r"^(FATAL|ERROR):\s+", "", first)
    password = _password(url)
    if password:
        first = first.replace(password, "***")
    return f"Cannot use the database {redact_url(url)}: {first.rstrip('.')}."


def _password(url: str) -> str | None:
    try:
        password = psycopg.conninfo.conninfo_to_dict(url).get("password")
    except psycopg.Error:
        return None
    return None if password is None else str(password)
