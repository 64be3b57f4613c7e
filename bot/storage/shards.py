"""Shards in storage: the SQL that keeps a process to its own servers' rows, and the lock that
lets one process at a time run each shard on a database.

The filter is the formula of bot/core/shards.py written once in SQL (tests/test_shards.py
holds the two equal over random snowflakes); SQLite and PostgreSQL both have `>>` and `%` on
integers. Every storage method that hands a process its background work (catch-up, unposted
claims, pending sources, verdict notices, digests) takes the process's `ShardScope` and adds
this filter, so a process never even reads another shard's rows.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path
from typing import Any, Self

from bot.core.shards import SHARD_SHIFT, ShardScope
from bot.storage.connection import (
    DatabaseInUse,
    describe_database_failure,
    require_folder,
)
from bot.storage.dialect import is_postgres_url, redact_url


def shard_lock(location: Path | str, shards: ShardScope) -> ShardLock | PostgresShardLock:
    """The lock of the shards a process runs on this database, whichever backend it is."""
    if is_postgres_url(location):
        return PostgresShardLock(str(location), shards)
    return ShardLock(Path(location), shards)


def shard_filter(shards: ShardScope, column: str = "guild_id") -> tuple[str, tuple[int, ...]]:
    """A WHERE condition true for the rows of the servers `shards` owns, and its parameters.
    The parentheses matter: `%` binds tighter than `>>` in SQLite and PostgreSQL alike."""
    if shards.everything:
        return "1 = 1", ()
    marks = ", ".join("?" * len(shards.ids))
    return f"(({column} >> {SHARD_SHIFT}) % ? IN ({marks}))", (shards.count, *shards.ids)


class _ShardRule:
    """The rule both locks keep, whatever holds the locks: an unsharded bot takes the
    database-wide lock exclusively; a sharded one takes it shared, then each of its shards
    exclusively, then looks for a held shard of another count (looked at after taking its
    own, so of two racing, at least one sees the other). All or none: a refusal releases
    what was taken and raises DatabaseInUse, one line naming who holds the lock."""

    shards: ShardScope
    name: str  # the database, as a refusal names it

    def acquire(self) -> None:
        """Take every lock, or none: raises DatabaseInUse naming who holds the one refused."""
        self._open()
        try:
            if self.shards.count == 1:
                self._take_whole(exclusive=True)
                return
            self._take_whole(exclusive=False)
            for shard_id in self.shards.ids:
                self._take_shard(shard_id)
            other = self._held_shard(other_than=self.shards.count)
            if other is not None:
                raise DatabaseInUse(
                    f"{self._runs(*other)}; every process on one database needs the same "
                    "CLAIMBOT_SHARD_COUNT."
                )
        except BaseException:
            self.release()
            raise

    def _refuse(self, pid: str, shard: str | None) -> DatabaseInUse:
        """The refusal of a lock held by another process (` (pid N)` when known): a shard's
        names it; the database-wide one held shared names no pid, and the shards say who
        runs."""
        if shard is not None:
            return DatabaseInUse(f"{self._runs(shard, pid)}.")
        running = None if pid else self._held_shard()
        if running is not None:
            return DatabaseInUse(f"{self._runs(*running)}.")
        return DatabaseInUse(f"another claimbot is running on {self.name}{pid}.")

    def _runs(self, shard: str, pid: str) -> str:
        return f"another claimbot runs {shard} on {self.name}{pid}"

    def _open(self) -> None:
        """Whatever must exist before the locks are taken."""

    def _take_whole(self, *, exclusive: bool) -> None:
        raise NotImplementedError

    def _take_shard(self, shard_id: int) -> None:
        raise NotImplementedError

    def _held_shard(self, *, other_than: int | None = None) -> tuple[str, str] | None:
        """(`shard k of n`, ` (pid N)`) of a shard another process holds, of any count but
        `other_than`; None when none is held."""
        raise NotImplementedError

    def release(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        self.acquire()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()


class ShardLock(_ShardRule):
    """flock(2) locks held while the bot runs, so two processes never run the same shard (they
    would both answer its interactions and send its notices). The kernel drops a flock when
    its process ends, however it ends, so a crashed process's shards can be taken over at
    once; the files stay (deleting them would race).

    The database-wide lock is `<database>.lock`; shard k of n is
    `<database>.shard-<k>-of-<n>.lock`. Each file a process holds exclusively names its pid,
    for the refusal. PostgreSQL (several machines) keeps the same rule with advisory locks:
    `PostgresShardLock`.
    """

    def __init__(self, database_path: Path, shards: ShardScope) -> None:
        self.database_path = database_path
        self.name = str(database_path)
        self.shards = shards
        self.path = self._file(".lock")
        self._fds: list[int] = []

    def _file(self, suffix: str) -> Path:
        return self.database_path.with_name(self.database_path.name + suffix)

    def shard_path(self, shard_id: int) -> Path:
        return self._file(f".shard-{shard_id}-of-{self.shards.count}.lock")

    def _open(self) -> None:
        require_folder(self.database_path)

    def _take_whole(self, *, exclusive: bool) -> None:
        self._take(self.path, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)

    def _take_shard(self, shard_id: int) -> None:
        self._take(self.shard_path(shard_id), fcntl.LOCK_EX, self.shards.name(shard_id))

    def _take(self, path: Path, kind: int, shard: str | None = None) -> None:
        """flock `path` (`kind`: shared or exclusive) without waiting; `shard` names it."""
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            raise describe_database_failure(self.database_path, exc) from None
        try:
            fcntl.flock(fd, kind | fcntl.LOCK_NB)
        except BlockingIOError:
            pid = _pid_in(fd)
            os.close(fd)
            raise self._refuse(pid, shard) from None
        # Shared, nobody holds it exclusively: an unsharded bot's old pid would mislead.
        os.ftruncate(fd, 0)
        if kind == fcntl.LOCK_EX:
            os.write(fd, f"{os.getpid()}\n".encode("ascii"))
        self._fds.append(fd)

    def _shard_files(self) -> list[tuple[Path, int, int]]:
        """(path, shard id, count) of every shard lock file beside the database."""
        prefix = self.database_path.name + ".shard-"
        found = []
        for path in self.database_path.parent.iterdir():
            name = path.name
            if not (name.startswith(prefix) and name.endswith(".lock")):
                continue
            shard, _, count = name[len(prefix) : -len(".lock")].partition("-of-")
            if shard.isdigit() and count.isdigit():
                found.append((path, int(shard), int(count)))
        return sorted(found, key=lambda item: (item[2], item[1]))

    def _held_shard(self, *, other_than: int | None = None) -> tuple[str, str] | None:
        for path, shard_id, count in self._shard_files():
            if count == other_than:
                continue
            try:
                fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
            except OSError:
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                return f"shard {shard_id} of {count}", _pid_in(fd)
            finally:
                os.close(fd)  # closing drops the probe's own lock
        return None

    def release(self) -> None:
        for fd in reversed(self._fds):
            os.close(fd)
        self._fds.clear()


class PostgresShardLock(_ShardRule):
    """ShardLock's rule on PostgreSQL, where the processes may run on several machines:
    session advisory locks, one per shard key (count, k) and one database-wide key, held on
    a connection of their own for the life of the process. The server drops a session's
    locks when the session ends, however the process ended, so a crashed process's shards
    can be taken over at once. Each session names its process's pid (application_name),
    for the refusal."""

    def __init__(self, url: str, shards: ShardScope) -> None:
        self.url = url
        self.name = redact_url(url)
        self.shards = shards
        self._session: Any = None

    def _open(self) -> None:
        from bot.storage import postgresql

        try:
            self._session = postgresql.connect(self.url).raw
        except postgresql.ERRORS as exc:
            raise postgresql.unusable(self.url, exc) from None

    def _take_whole(self, *, exclusive: bool) -> None:
        from bot.storage.postgresql import shard_lock_key

        self._take(shard_lock_key(0, 0), exclusive=exclusive)

    def _take_shard(self, shard_id: int) -> None:
        from bot.storage.postgresql import shard_lock_key

        key = shard_lock_key(self.shards.count, shard_id)
        self._take(key, exclusive=True, shard=self.shards.name(shard_id))

    def _take(self, key: int, *, exclusive: bool, shard: str | None = None) -> None:
        take = "pg_try_advisory_lock" if exclusive else "pg_try_advisory_lock_shared"
        if not self._session.execute(f"SELECT {take}(%s)", (key,)).fetchone()[0]:
            raise self._refuse(self._exclusive_holder(key), shard)

    def _locks(self) -> list[tuple[int, str | None]]:
        """(key, holder's application_name) of claimbot's exclusive advisory locks that
        other sessions hold."""
        rows = self._session.execute(
            "SELECT (l.classid::bigint << 32) | l.objid::bigint, a.application_name"
            " FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid"
            " WHERE l.locktype = 'advisory' AND l.objsubid = 1 AND l.granted"
            " AND l.mode = 'ExclusiveLock' AND l.pid <> pg_backend_pid()"
            " AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        ).fetchall()
        return [(int(row[0]), row[1]) for row in rows]

    def _exclusive_holder(self, key: int) -> str:
        from bot.storage.postgresql import pid_of

        return next((pid_of(app) for held, app in self._locks() if held == key), "")

    def _held_shard(self, *, other_than: int | None = None) -> tuple[str, str] | None:
        from bot.storage.postgresql import pid_of, shard_of_lock_key

        for key, app in sorted(self._locks()):
            found = shard_of_lock_key(key)
            if found is None or found[0] in (0, other_than):
                continue
            count, shard_id = found
            return f"shard {shard_id} of {count}", pid_of(app)
        return None

    def alive(self) -> bool:
        """Whether the session holding the locks still answers: the server drops a session's
        locks with it (a restart ends every session)."""
        from bot.storage import postgresql

        try:
            self._session.execute("SELECT 1").fetchone()
        except postgresql.ERRORS:
            return False
        return True

    def retake(self) -> None:
        """Every lock again, all or none, on a new session once the last one was lost: raises
        DatabaseInUse if another process took one meanwhile, DatabaseUnreachable if the
        server does not answer yet."""
        from bot.storage import postgresql

        self.release()
        try:
            self.acquire()
        except postgresql.ERRORS as exc:  # the server went away again mid-way
            raise postgresql.unusable(self.url, exc) from None

    def release(self) -> None:
        """Unlock, then end the session. The server drops a closed session's locks only once
        its backend has gone, after the client's close returns: a process taking the shard
        right after a clean stop would be refused without the explicit unlock."""
        from bot.storage import postgresql

        if self._session is not None:
            with contextlib.suppress(*postgresql.ERRORS):  # a lost session holds nothing
                self._session.execute("SELECT pg_advisory_unlock_all()")
            self._session.close()
            self._session = None


def _pid_in(fd: int) -> str:
    """` (pid N)` from a lock file, or "" when it holds none."""
    holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    return f" (pid {holder})" if holder.isdigit() else ""
