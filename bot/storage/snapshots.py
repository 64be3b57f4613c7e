"""Snapshots of sources (migrations/0016_evidence_snapshots.sql, docs/evidence.md): kept once,
never updated, deleted only by the bounds; and the recheck state on the source's row.

Portable SQL only (a PostgreSQL backend takes the same statements).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from bot.core.records import NewSnapshot, SnapshotRecord
from bot.core.shards import ShardScope
from bot.core.snapshots import RecheckState, SnapshotBounds, stored_bytes
from bot.storage.connection import Store, fetch_all, fetch_one
from bot.storage.dialect import Connection, Row
from bot.storage.publishing import published_claim
from bot.storage.shards import shard_filter

_FIELDS = tuple(f.name for f in fields(SnapshotRecord))
_COLUMNS = ", ".join(_FIELDS)


def snapshot_record(row: Row) -> SnapshotRecord:
    values = {name: row[name] for name in _FIELDS}
    values["body_cut"] = bool(values["body_cut"])
    values["text_trimmed"] = bool(values["text_trimmed"])
    return SnapshotRecord(**values)


@dataclass(frozen=True, slots=True)
class DueSource:
    """An archived source a recheck fetches again, with what its outcome is compared to."""

    id: int
    guild_id: int
    claim_id: int
    url: str
    first_sha256: str
    latest_sha256: str  # the newest snapshot kept (the first, when it is the only one)
    recheck_state: str | None
    recheck_since: float | None


class SnapshotStore(Store):
    async def snapshots_of(self, evidence_id: int) -> list[SnapshotRecord]:
        """A source's snapshots, oldest first (the first is the one kept when it was added)."""
        rows = await self._read(
            fetch_all,
            f"SELECT {_COLUMNS} FROM evidence_snapshots WHERE evidence_id = ? ORDER BY id",
            (evidence_id,),
        )
        return [snapshot_record(row) for row in rows]

    async def snapshot_bytes(self, guild_id: int) -> int:
        """What a server's snapshots count against its bytes."""
        row = await self._read(
            fetch_one,
            "SELECT coalesce(sum(stored_bytes), 0) AS total FROM evidence_snapshots"
            " WHERE guild_id = ?",
            (guild_id,),
        )
        return int(row["total"]) if row else 0

    async def save_snapshot(
        self, evidence_id: int, snapshot: NewSnapshot, *, now: float, bounds: SnapshotBounds
    ) -> SnapshotRecord | None:
        """Keep a snapshot of a source, within the bounds (pruning what they allow first);
        None when the source is gone, removed, or its server's bytes are full of what may
        not be pruned. The first snapshot of a source marks it archived."""
        return await self._write(_save_snapshot, evidence_id, snapshot, now, bounds)

    async def sources_to_recheck(
        self,
        shards: ShardScope,
        *,
        checked_before: float,
        guild_id: int | None = None,
        limit: int | None = None,
    ) -> list[DueSource]:
        """Archived sources of the servers of `shards` (or of `guild_id`) not rechecked (or,
        never rechecked, archived) since `checked_before`, longest unchecked first."""
        owned, params = shard_filter(shards, "e.guild_id")
        where = f"e.archived_at IS NOT NULL AND e.removed_at IS NULL AND {owned}"
        values: list[float | int] = [*params]
        where += " AND coalesce(e.rechecked_at, e.archived_at) <= ?"
        values.append(checked_before)
        if guild_id is not None:
            where += " AND e.guild_id = ?"
            values.append(guild_id)
        sql = (
            "SELECT e.id, e.guild_id, e.claim_id, e.url, e.archived_sha256 AS first_sha256,"
            " (SELECT s.body_sha256 FROM evidence_snapshots s WHERE s.evidence_id = e.id"
            "  ORDER BY s.id DESC LIMIT 1) AS latest_sha256,"
            " e.recheck_state, e.recheck_since"
            f" FROM evidence e WHERE {where}"
            " ORDER BY coalesce(e.rechecked_at, e.archived_at), e.id"
        )
        if limit is not None:
            sql += " LIMIT ?"
            values.append(limit)
        rows = await self._read(fetch_all, sql, values)
        return [DueSource(**{f.name: row[f.name] for f in fields(DueSource)}) for row in rows]

    async def record_recheck(
        self,
        evidence_id: int,
        state: RecheckState,
        *,
        now: float,
        snapshot: NewSnapshot | None = None,
        bounds: SnapshotBounds | None = None,
    ) -> SnapshotRecord | None:
        """What a recheck found, in one transaction: the source's state, the time of the
        check and, when the body differs from the latest snapshot, the new snapshot (None
        when none was kept)."""
        return await self._write(_record_recheck, evidence_id, state, now, snapshot, bounds)


# -- functions run on the database thread -------------------------------------------------


def _record_recheck(
    conn: Connection,
    evidence_id: int,
    state: RecheckState,
    now: float,
    snapshot: NewSnapshot | None,
    bounds: SnapshotBounds | None,
) -> SnapshotRecord | None:
    conn.execute(
        "UPDATE evidence SET recheck_state = ?, recheck_since = ?, rechecked_at = ?"
        " WHERE id = ? AND removed_at IS NULL",
        (state.state, state.since, now, evidence_id),
    )
    if snapshot is None:
        return None
    return _save_snapshot(conn, evidence_id, snapshot, now, bounds or SnapshotBounds())


def _save_snapshot(
    conn: Connection,
    evidence_id: int,
    snapshot: NewSnapshot,
    now: float,
    bounds: SnapshotBounds,
) -> SnapshotRecord | None:
    source = fetch_one(
        conn,
        "SELECT guild_id, archived_at FROM evidence WHERE id = ? AND removed_at IS NULL",
        (evidence_id,),
    )
    if source is None:
        return None
    guild_id = source["guild_id"]
    size = stored_bytes(snapshot)
    # The server's room first: a snapshot not kept prunes nothing, of its source either.
    if not _make_room(conn, guild_id, size, bounds.guild_bytes):
        return None
    _keep_per_source(conn, evidence_id, bounds.per_source)
    row = fetch_one(
        conn,
        "INSERT INTO evidence_snapshots (guild_id, evidence_id, fetched_at, final_url,"
        " http_status, title, body_sha256, body_bytes, body_cut, text, text_trimmed,"
        " stored_bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        f" RETURNING {_COLUMNS}",
        (
            guild_id,
            evidence_id,
            now,
            snapshot.final_url,
            snapshot.http_status,
            snapshot.title,
            snapshot.body_sha256,
            snapshot.body_bytes,
            int(snapshot.body_cut),
            snapshot.text,
            int(snapshot.text_trimmed),
            size,
        ),
    )
    if source["archived_at"] is None:
        conn.execute(
            "UPDATE evidence SET archived_at = ?, archived_sha256 = ? WHERE id = ?",
            (now, snapshot.body_sha256, evidence_id),
        )
    assert row is not None
    return snapshot_record(row)


def _keep_per_source(conn: Connection, evidence_id: int, per_source: int) -> None:
    """Room for one more snapshot of the source: its oldest snapshots after the first go, so
    the first and (with the one about to be kept) the latest always stay."""
    ids = [
        row["id"]
        for row in fetch_all(
            conn,
            "SELECT id FROM evidence_snapshots WHERE evidence_id = ? ORDER BY id",
            (evidence_id,),
        )
    ]
    excess = len(ids) + 1 - max(per_source, 2)
    if excess > 0:
        _delete(conn, ids[1 : 1 + excess])


def _make_room(conn: Connection, guild_id: int, size: int, guild_bytes: int) -> bool:
    """Prune the server's snapshots, oldest first, until `size` more bytes fit; whether they
    do. Removed sources' snapshots go first; then those after a source's first, except the
    sources of published claims. A source's first snapshot (what was cited) is never pruned
    while the source is linked: once those alone fill the bytes, new ones are not kept."""
    total_row = fetch_one(
        conn,
        "SELECT coalesce(sum(stored_bytes), 0) AS total FROM evidence_snapshots WHERE guild_id = ?",
        (guild_id,),
    )
    over = (int(total_row["total"]) if total_row else 0) + size - guild_bytes
    if over <= 0:
        return True
    candidates = fetch_all(
        conn,
        "SELECT s.id, s.stored_bytes FROM evidence_snapshots s"
        " JOIN evidence e ON e.id = s.evidence_id"
        " JOIN claims ON claims.id = e.claim_id"
        " WHERE s.guild_id = ? AND (e.removed_at IS NOT NULL OR ("
        "  s.id <> (SELECT min(f.id) FROM evidence_snapshots f WHERE f.evidence_id = s.evidence_id)"
        f"  AND NOT ({published_claim('claims')})))"
        " ORDER BY CASE WHEN e.removed_at IS NULL THEN 1 ELSE 0 END, s.fetched_at, s.id",
        (guild_id,),
    )
    pruned: list[int] = []
    for row in candidates:
        if over <= 0:
            break
        pruned.append(row["id"])
        over -= row["stored_bytes"]
    if over > 0:  # it would not fit even so: prune nothing for a snapshot not kept
        return False
    _delete(conn, pruned)
    return True


def _delete(conn: Connection, ids: list[int]) -> None:
    conn.executemany("DELETE FROM evidence_snapshots WHERE id = ?", [(i,) for i in ids])
