"""Digests: each server's schedule and stale age, what was sent, and the figures a digest
shows."""

from __future__ import annotations

import time
from typing import Any

from bot.core.digest import (
    DIGEST_ROWS,
    DigestFigures,
    DigestSchedule,
    DigestState,
)
from bot.core.records import ClaimRecord
from bot.core.shards import ShardScope
from bot.storage.audit import write_audit
from bot.storage.claims import AWAITING_SQL, OLDEST_AWAITING_SQL, claim_record
from bot.storage.connection import Store, fetch_all, fetch_one
from bot.storage.dialect import Connection, Row
from bot.storage.shards import shard_filter


class DigestStore(Store):
    async def digest_state(self, guild_id: int) -> DigestState:
        """The server's digest; off with the default stale age when it never set one."""
        row = await self._read(
            fetch_one, "SELECT * FROM digest_schedules WHERE guild_id = ?", (guild_id,)
        )
        return digest_state(row) if row else DigestState(guild_id, DigestSchedule())

    async def active_digests(self, shards: ShardScope) -> list[DigestState]:
        """The digests scheduled in the servers of `shards`."""
        owned, params = shard_filter(shards)
        rows = await self._read(
            fetch_all,
            f"SELECT * FROM digest_schedules WHERE cadence <> 'off' AND {owned} ORDER BY guild_id",
            params,
        )
        return [digest_state(row) for row in rows]

    async def save_digest_schedule(
        self,
        guild_id: int,
        schedule: DigestSchedule,
        *,
        actor_id: int,
        last_sent_for: float | None,
    ) -> None:
        """Store a server's schedule and audit who changed it, in one transaction.
        `last_sent_for` is the latest scheduled time already past, so a new schedule never
        sends for a time before it existed; a first digest covers the period since then.
        Turning the digest off forgets the period covered: a digest turned on again starts
        with one period."""
        await self._write(_save_schedule, guild_id, schedule, actor_id, last_sent_for)

    async def claim_digest_slot(self, guild_id: int, slot: float) -> bool:
        """Take the digest due at `slot` for sending; False when it was taken already. Taken
        before the send, so a digest is posted at most once."""
        return await self._write(_claim_slot, guild_id, slot)

    async def digest_delivered(self, guild_id: int, slot: float) -> None:
        """Discord took the digest of `slot`: the next one starts its period there."""
        await self._write(
            _execute,
            "UPDATE digest_schedules SET covered_until = ? WHERE guild_id = ?",
            (slot, guild_id),
        )

    async def digest_figures(
        self, guild_id: int, *, start: float, end: float, stale_before: float
    ) -> DigestFigures:
        """What a digest of [start, end) shows, in one round trip: new claims, verdicts
        reached (claims whose status changed to a verdict in the period, by their status),
        the claims waiting longest, the stale ones (created before `stale_before` and still
        waiting) and the members who voted on the most claims in the period."""
        return await self._read(_figures, guild_id, start, end, stale_before)

    async def stale_claims(
        self,
        guild_id: int,
        *,
        created_before: float,
        submitter_id: int | None,
        offset: int,
        limit: int,
    ) -> tuple[list[ClaimRecord], int]:
        """A page of the claims still waiting for a verdict that were created before
        `created_before`, oldest first, and how many there are in all."""
        where = f"guild_id = ? AND {AWAITING_SQL} AND created_at < ?"
        params: list[Any] = [guild_id, created_before]
        if submitter_id is not None:
            where += " AND submitter_id = ?"
            params.append(submitter_id)
        row = await self._read(fetch_one, f"SELECT count(*) AS n FROM claims WHERE {where}", params)
        rows = await self._read(
            fetch_all,
            f"SELECT * FROM claims WHERE {where} ORDER BY id LIMIT ? OFFSET ?",
            (*params, limit, offset),
        )
        return [claim_record(r) for r in rows], int(row["n"]) if row else 0


# -- functions run on the database thread -------------------------------------------------


def digest_state(row: Row) -> DigestState:
    return DigestState(
        guild_id=row["guild_id"],
        schedule=DigestSchedule(
            cadence=row["cadence"],
            time_of_day=row["time_of_day"],
            timezone=row["timezone"],
            weekday=row["weekday"],
            stale_after_days=row["stale_after_days"],
        ),
        last_sent_for=row["last_sent_for"],
        covered_until=row["covered_until"],
    )


def _execute(conn: Connection, sql: str, params: tuple[Any, ...]) -> None:
    conn.execute(sql, params)


def _save_schedule(
    conn: Connection,
    guild_id: int,
    schedule: DigestSchedule,
    actor_id: int,
    last_sent_for: float | None,
) -> None:
    conn.execute(
        "INSERT INTO digest_schedules (guild_id, cadence, time_of_day, timezone, weekday,"
        " stale_after_days, last_sent_for, covered_until, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (guild_id) DO UPDATE SET"
        " cadence = excluded.cadence, time_of_day = excluded.time_of_day,"
        " timezone = excluded.timezone, weekday = excluded.weekday,"
        " stale_after_days = excluded.stale_after_days, last_sent_for = excluded.last_sent_for,"
        " covered_until = CASE WHEN excluded.cadence = 'off' THEN NULL"
        " ELSE coalesce(covered_until, excluded.covered_until) END,"
        " updated_at = excluded.updated_at",
        (
            guild_id,
            schedule.cadence,
            schedule.time_of_day,
            schedule.timezone,
            schedule.weekday,
            schedule.stale_after_days,
            last_sent_for,
            last_sent_for,  # a first digest covers the period since the latest time past
            time.time(),
        ),
    )
    write_audit(
        conn,
        guild_id=guild_id,
        actor_id=actor_id,
        action="digest",
        detail={
            "cadence": schedule.cadence,
            "time_of_day": schedule.time_of_day,
            "timezone": schedule.timezone,
            "weekday": schedule.weekday,
            "stale_after_days": schedule.stale_after_days,
        },
    )


def _claim_slot(conn: Connection, guild_id: int, slot: float) -> bool:
    cur = conn.execute(
        "UPDATE digest_schedules SET last_sent_for = ? WHERE guild_id = ? AND cadence <> 'off'"
        " AND (last_sent_for IS NULL OR last_sent_for < ?)",
        (slot, guild_id, slot),
    )
    return cur.rowcount == 1


def _figures(
    conn: Connection, guild_id: int, start: float, end: float, stale_before: float
) -> DigestFigures:
    new = conn.execute(
        "SELECT count(*) FROM claims WHERE guild_id = ? AND created_at >= ? AND created_at < ?",
        (guild_id, start, end),
    ).fetchone()[0]
    verdicts = conn.execute(
        f"SELECT status, count(*) AS n FROM claims WHERE guild_id = ? AND NOT {AWAITING_SQL}"
        " AND status_since >= ? AND status_since < ? GROUP BY status",
        (guild_id, start, end),
    ).fetchall()
    waiting = conn.execute(OLDEST_AWAITING_SQL, (guild_id, DIGEST_ROWS)).fetchall()
    stale_count = conn.execute(
        f"SELECT count(*) FROM claims WHERE guild_id = ? AND {AWAITING_SQL} AND created_at < ?",
        (guild_id, stale_before),
    ).fetchone()[0]
    stale = conn.execute(
        f"SELECT * FROM claims WHERE guild_id = ? AND {AWAITING_SQL} AND created_at < ?"
        " ORDER BY id LIMIT ?",
        (guild_id, stale_before, DIGEST_ROWS),
    ).fetchall()
    # Claims each member voted on in the period: changing a vote three times is one claim.
    reviewers = conn.execute(
        "SELECT reviewer_id, count(DISTINCT claim_id) AS n FROM vote_events"
        " WHERE guild_id = ? AND vote IS NOT NULL AND created_at >= ? AND created_at < ?"
        " GROUP BY reviewer_id ORDER BY n DESC, reviewer_id LIMIT ?",
        (guild_id, start, end, DIGEST_ROWS),
    ).fetchall()
    return DigestFigures(
        start=start,
        end=end,
        new_claims=int(new),
        verdicts={row["status"]: int(row["n"]) for row in verdicts},
        waiting=tuple(claim_record(row) for row in waiting),
        stale_count=int(stale_count),
        stale=tuple(claim_record(row) for row in stale),
        reviewers=tuple((int(row["reviewer_id"]), int(row["n"])) for row in reviewers),
    )
