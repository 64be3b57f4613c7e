"""The one module that speaks SQL, and the one owner of the database connection.

aiosqlite runs every statement on its own thread, so the event loop never blocks.
Writes go through `transaction()`, which serialises them with an asyncio lock: SQLite
allows one writer, and interleaved BEGINs from two coroutines on one connection would
otherwise mix their statements.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite

from bot.models import GuildConfig

log = logging.getLogger("claimbot.storage")

_MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
BUSY_TIMEOUT_MS = 10_000


class SchemaError(Exception):
    """The database cannot be used by this version of claimbot; the message says why."""


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

    @classmethod
    async def open(cls, path: Path | str, *, migrate: bool = True) -> Database:
        path = Path(path)
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(path, isolation_level=None)
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
        except BaseException:
            await conn.close()
            raise
        return db

    async def close(self) -> None:
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

    # -- schema -----------------------------------------------------------------------

    async def _applied_versions(self) -> list[int]:
        await self._conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at REAL NOT NULL)"
        )
        async with self._conn.execute("SELECT version FROM schema_migrations ORDER BY 1") as cur:
            return [int(row[0]) for row in await cur.fetchall()]

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
            async with self._write_lock:
                # executescript would COMMIT first; keep the script and its record atomic.
                script = (
                    "BEGIN IMMEDIATE;\n"
                    f"{migration.sql}\n;"
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES "
                    f"({migration.version}, '{migration.name}', {time.time()});\n"
                    "COMMIT;"
                )
                try:
                    await self._conn.executescript(script)
                except BaseException:
                    if self._conn.in_transaction:
                        await self._conn.execute("ROLLBACK")
                    raise
            log.info("applied migration %04d_%s", migration.version, migration.name)
            done.append(migration.version)
        return done

    async def schema_version(self) -> int:
        applied = await self._applied_versions()
        return applied[-1] if applied else 0

    async def integrity_check(self) -> str:
        async with self._conn.execute("PRAGMA integrity_check") as cur:
            row = await cur.fetchone()
        return str(row[0]) if row else "no answer"

    # -- guild settings ---------------------------------------------------------------

    async def get_guild_config(self, guild_id: int) -> GuildConfig | None:
        async with self._conn.execute(
            "SELECT guild_id, review_channel_id, reviewer_role_id, moderator_role_id, options"
            " FROM guild_settings WHERE guild_id = ?",
            (guild_id,),
        ) as cur:
            row = await cur.fetchone()
        if row is None:
            return None
        return GuildConfig(
            guild_id=row["guild_id"],
            review_channel_id=row["review_channel_id"],
            reviewer_role_id=row["reviewer_role_id"],
            moderator_role_id=row["moderator_role_id"],
            options=json.loads(row["options"]),
        )

    async def save_guild_config(self, config: GuildConfig, *, actor_id: int) -> None:
        """Upsert a guild's setup and write who changed it to the audit log."""
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
                action="setup",
                detail={
                    "review_channel_id": config.review_channel_id,
                    "reviewer_role_id": config.reviewer_role_id,
                    "moderator_role_id": config.moderator_role_id,
                    "options": config.options,
                },
            )

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
        async with self._conn.execute(
            "SELECT id, actor_id, action, claim_id, detail, created_at FROM audit_log"
            " WHERE guild_id = ? ORDER BY id DESC LIMIT ?",
            (guild_id, limit),
        ) as cur:
            rows = await cur.fetchall()
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
