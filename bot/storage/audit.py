"""Who did what: the audit log, moderator resolutions and each server's setup."""

from __future__ import annotations

import json
import time
from typing import Any

from bot.core.records import GuildConfig
from bot.core.status import ModerationEvent
from bot.storage.connection import Store, fetch_all, fetch_for_ids, fetch_one
from bot.storage.dialect import Connection


class AuditStore(Store):
    async def record_audit(
        self,
        *,
        guild_id: int,
        actor_id: int,
        action: str,
        claim_id: int | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        await self._write(_record_audit, guild_id, actor_id, action, claim_id, detail)

    async def audit_entries(self, guild_id: int, *, limit: int = 50) -> list[dict[str, Any]]:
        rows = await self._read(
            fetch_all,
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

    async def last_audit(self, guild_id: int, action: str) -> dict[str, Any] | None:
        """The latest audit entry of `action` in a guild, with its claim's number (what a
        member may be shown; `claim_id` is internal)."""
        row = await self._read(
            fetch_one,
            "SELECT a.actor_id, a.claim_id, a.detail, a.created_at, c.number FROM audit_log a"
            " LEFT JOIN claims c ON c.id = a.claim_id"
            " WHERE a.guild_id = ? AND a.action = ? ORDER BY a.id DESC LIMIT 1",
            (guild_id, action),
        )
        if row is None:
            return None
        return {
            "actor_id": row["actor_id"],
            "claim_id": row["claim_id"],
            "claim_number": row["number"],
            "detail": json.loads(row["detail"]),
            "created_at": row["created_at"],
        }

    async def get_guild_config(self, guild_id: int) -> GuildConfig | None:
        row = await self._read(
            fetch_one,
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
        await self._write(_save_guild_config, config, actor_id, action)

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
        await self._write(_add_moderation_event, guild_id, claim_id, actor_id, action, status, note)

    async def moderation_events_for(self, claim_ids: list[int]) -> dict[int, list[ModerationEvent]]:
        """Each claim's resolves and reopens, in log order."""
        found: dict[int, list[ModerationEvent]] = {cid: [] for cid in claim_ids}
        for row in await self._read(
            fetch_for_ids,
            "SELECT claim_id, id, action, status, note, actor_id, created_at"
            " FROM moderation_events WHERE claim_id IN ({ids}) ORDER BY id",
            claim_ids,
        ):
            found[row["claim_id"]].append(
                ModerationEvent(
                    event_id=row["id"],
                    action=row["action"],
                    status=row["status"],
                    note=row["note"],
                    actor_id=row["actor_id"],
                    at=row["created_at"],
                )
            )
        return found

    async def resolutions_for(self, claim_ids: list[int]) -> dict[int, tuple[float, str | None]]:
        """(time, note) of the latest moderation event of each final claim."""
        found: dict[int, tuple[float, str | None]] = {}
        for row in await self._read(
            fetch_for_ids,
            "SELECT claim_id, created_at, note FROM moderation_events"
            " WHERE claim_id IN ({ids}) ORDER BY id",
            claim_ids,
        ):
            found[row["claim_id"]] = (row["created_at"], row["note"])
        return found


# -- functions run on the database thread -------------------------------------------------


def write_audit(
    conn: Connection,
    *,
    guild_id: int,
    actor_id: int,
    action: str,
    claim_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """One audit entry, inside the caller's transaction."""
    conn.execute(
        "INSERT INTO audit_log (guild_id, actor_id, action, claim_id, detail, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (guild_id, actor_id, action, claim_id, json.dumps(detail or {}), time.time()),
    )


def _record_audit(
    conn: Connection,
    guild_id: int,
    actor_id: int,
    action: str,
    claim_id: int | None,
    detail: dict[str, Any] | None,
) -> None:
    write_audit(
        conn, guild_id=guild_id, actor_id=actor_id, action=action, claim_id=claim_id, detail=detail
    )


def _save_guild_config(conn: Connection, config: GuildConfig, actor_id: int, action: str) -> None:
    conn.execute(
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
            time.time(),
        ),
    )
    write_audit(
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


def _add_moderation_event(
    conn: Connection,
    guild_id: int,
    claim_id: int,
    actor_id: int,
    action: str,
    status: str | None,
    note: str | None,
) -> None:
    conn.execute(
        "INSERT INTO moderation_events (guild_id, claim_id, actor_id, action, status,"
        " note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (guild_id, claim_id, actor_id, action, status, note, time.time()),
    )
    write_audit(
        conn,
        guild_id=guild_id,
        actor_id=actor_id,
        action=action,
        claim_id=claim_id,
        detail={"status": status, "note": note},
    )
