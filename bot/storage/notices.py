"""The verdict notice outbox: queued in the transaction that saves a status, taken by the
sender (bot/services/verdict_notices.py) when due."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from bot.core.notices import Announced, PendingNotice, next_pending
from bot.core.shards import ShardScope
from bot.storage.connection import Store, execute_many, fetch_one
from bot.storage.dialect import Connection, Row
from bot.storage.shards import shard_filter

# (claim, guild, state before the save, state after it)
NoticeChange = tuple[int, int, Announced, Announced]


class NoticeStore(Store):
    async def claim_due_notices(
        self, shards: ShardScope, now: float, *, limit: int
    ) -> list[PendingNotice]:
        """Take the pending notices of the servers of `shards` due by `now` for sending, the
        longest waiting first: the one step where a sender claims its work.

        On SQLite every row has one owner, the process running its server's shard, so reading
        its own shards' rows is the claim. PostgreSQL, where processes on several machines
        share the outbox, reads them `FOR UPDATE SKIP LOCKED` and takes each with a session
        advisory lock (`notice_lock_key`), held until the notice is sent, retried or dropped:
        a process that took over a shard while the old one still sends (cut off from the
        server, its shard locks gone) skips the notices the old one holds; the server drops
        a dead process's locks with its session, and its notices are due again at once."""
        if self.dialect == "postgresql":
            rows = await self._read(_take_due_notices, shards, now, limit, self._sending)
        else:
            rows = await self._read(_due_notices, shards, now, limit, "")
        return [
            PendingNotice(
                claim_id=int(row["claim_id"]),
                guild_id=int(row["guild_id"]),
                status=str(row["status"]),
                final=bool(row["final"]),
                attempts=int(row["attempts"]),
                thread_done=bool(row["thread_done"]),
            )
            for row in rows
        ]

    async def pending_notice_count(self, shards: ShardScope) -> int:
        """Notices of the servers of `shards` waiting to be sent, parked ones included (the
        outbox depth of /metrics; counted from the partial index of pending notices)."""
        owned, params = shard_filter(shards)
        row = await self._read(
            fetch_one,
            f"SELECT count(*) AS n FROM verdict_notices WHERE status IS NOT NULL AND {owned}",
            params,
        )
        return int(row["n"]) if row is not None else 0

    async def next_notice_due(self, shards: ShardScope) -> float | None:
        """When the next notice of the servers of `shards` is due."""
        owned, params = shard_filter(shards)
        row = await self._read(
            fetch_one,
            f"SELECT min(due_at) AS due FROM verdict_notices WHERE status IS NOT NULL AND {owned}",
            params,
        )
        return float(row["due"]) if row is not None and row["due"] is not None else None

    async def last_notice(self, claim_id: int) -> Announced | None:
        """The state the last notice sent for a claim announced; None if none was sent."""
        row = await self._read(
            fetch_one,
            "SELECT sent_status, sent_final FROM verdict_notices WHERE claim_id = ?",
            (claim_id,),
        )
        if row is None or row["sent_status"] is None:
            return None
        return Announced(str(row["sent_status"]), bool(row["sent_final"]))

    async def notice_origin(self, claim_id: int) -> tuple[str | None, str | None]:
        """(kind, url) of the document a claim was submitted with."""
        row = await self._read(
            fetch_one,
            "SELECT d.kind, d.url FROM claims c JOIN documents d ON d.id = c.document_id"
            " WHERE c.id = ?",
            (claim_id,),
        )
        return (row["kind"], row["url"]) if row is not None else (None, None)

    @functools.cached_property
    def _sending(self) -> set[int]:
        """Claims whose notice this process has taken on PostgreSQL (their locks held)."""
        return set()

    async def _done_with(self, claim_id: int, work: Callable[..., None], *args: Any) -> None:
        """`work` in a write; then, on PostgreSQL, the notice's lock is let go."""
        await self._write(work, *args)
        if claim_id in self._sending:
            await self._read(_let_go, claim_id, self._sending)

    async def notice_sent(self, claim_id: int, announced: Announced, now: float) -> None:
        """`announced` was posted. The pending notice is done unless a newer status
        replaced it meanwhile."""
        await self._done_with(claim_id, _notice_sent, claim_id, announced, now)

    async def still_taken(self, notice: PendingNotice, *, thread_done: bool) -> bool:
        """Whether this process may still post `notice` (asked right before each post, with
        whether its thread post is recorded done). On PostgreSQL the notice's lock goes with a lost
        session (a server restart): it is then taken again on the new session, and the row
        must still wait for this very notice; False when another process took or sent it
        meanwhile. A post made and not yet recorded when the session went can still be made
        twice (docs/reliability.md)."""
        if self.dialect != "postgresql":
            return True
        return bool(await self._read(_still_taken, notice, thread_done, self._sending))

    async def notice_thread_done(self, notice: PendingNotice) -> None:
        await self._write(
            execute_many,
            "UPDATE verdict_notices SET thread_done = 1"
            " WHERE claim_id = ? AND status = ? AND final = ?",
            [(notice.claim_id, notice.status, int(notice.final))],
        )

    async def drop_notice(self, notice: PendingNotice) -> None:
        """Nothing to send for this pending notice (notices off, no longer wanted)."""
        await self._done_with(
            notice.claim_id,
            execute_many,
            "UPDATE verdict_notices SET status = NULL, due_at = NULL, attempts = 0,"
            " thread_done = 0 WHERE claim_id = ? AND status = ? AND final = ?",
            [(notice.claim_id, notice.status, int(notice.final))],
        )

    async def retry_notice(self, notice: PendingNotice, due_at: float | None) -> None:
        """A send failed on Discord's side: try again at `due_at` (None: at the next
        start). A newer status queued meanwhile keeps its own schedule."""
        await self._done_with(
            notice.claim_id,
            execute_many,
            "UPDATE verdict_notices SET attempts = attempts + 1, due_at = ?"
            " WHERE claim_id = ? AND status = ? AND final = ?",
            [(due_at, notice.claim_id, notice.status, int(notice.final))],
        )

    async def release_parked_notices(self, shards: ShardScope, now: float) -> int:
        """At start: notices of the servers of `shards` whose retries ran out are due again."""
        return await self._write(_release_parked, shards, now)


# -- functions run on the database thread -------------------------------------------------


def _due_notices(
    conn: Connection, shards: ShardScope, now: float, limit: int, lock: str
) -> list[Row]:
    owned, params = shard_filter(shards)
    return list(
        conn.execute(
            "SELECT claim_id, guild_id, status, final, attempts, thread_done"
            f" FROM verdict_notices WHERE status IS NOT NULL AND due_at <= ? AND {owned}"
            f" ORDER BY due_at, claim_id LIMIT ?{lock}",
            (now, *params, limit),
        )
    )


def _take_due_notices(
    conn: Connection, shards: ShardScope, now: float, limit: int, sending: set[int]
) -> list[Row]:
    """PostgreSQL: the due notices no other session has taken, each now taken by this one."""
    taken = []
    for row in _due_notices(conn, shards, now, limit, " FOR UPDATE SKIP LOCKED"):
        claim_id = int(row["claim_id"])
        if (
            claim_id in sending
            or conn.execute(
                "SELECT pg_try_advisory_lock(?)", (notice_lock_key(claim_id),)
            ).fetchone()[0]
        ):
            sending.add(claim_id)
            taken.append(row)
    return taken


def _still_taken(
    conn: Connection, notice: PendingNotice, thread_done: bool, sending: set[int]
) -> bool:
    key = notice_lock_key(notice.claim_id)
    held = conn.execute(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
        " AND pid = pg_backend_pid() AND objsubid = 1"
        " AND ((classid::bigint << 32) | objid::bigint) = ?",
        (key,),
    ).fetchone()[0]
    if not held:
        if not conn.execute("SELECT pg_try_advisory_lock(?)", (key,)).fetchone()[0]:
            sending.discard(notice.claim_id)
            return False
        sending.add(notice.claim_id)
    waiting = conn.execute(
        "SELECT count(*) FROM verdict_notices"
        " WHERE claim_id = ? AND status = ? AND final = ? AND thread_done = ?",
        (notice.claim_id, notice.status, int(notice.final), int(thread_done)),
    ).fetchone()[0]
    if not waiting:
        _let_go(conn, notice.claim_id, sending)
    return bool(waiting)


def _let_go(conn: Connection, claim_id: int, sending: set[int]) -> None:
    conn.execute("SELECT pg_advisory_unlock(?)", (notice_lock_key(claim_id),)).fetchall()
    sending.discard(claim_id)


def notice_lock_key(claim_id: int) -> int:
    """The advisory lock of a claim's pending notice: "NOTC" in the high 32 bits (claimbot's
    other locks use "CLBT": bot/storage/postgresql.py)."""
    return (int.from_bytes(b"NOTC", "big") << 32) | (claim_id & 0xFFFF_FFFF)


def queue_notices(conn: Connection, changes: list[NoticeChange], due_at: float) -> None:
    """Inside the status save's transaction: the outbox after each claim's change. A new
    pending notice is due at `due_at`; one already pending keeps its time and takes the
    newest status (so a claim gets at most one notice per window)."""
    for claim_id, guild_id, before, after in changes:
        row = fetch_one(
            conn,
            "SELECT status, final, due_at, sent_status, sent_final FROM verdict_notices"
            " WHERE claim_id = ?",
            (claim_id,),
        )
        sent = None
        if row is not None and row["sent_status"] is not None:
            sent = Announced(str(row["sent_status"]), bool(row["sent_final"]))
        pending = next_pending(before, after, sent)
        if pending == "keep":
            continue
        if pending is None:
            if row is not None and row["status"] is not None:
                conn.execute(
                    "UPDATE verdict_notices SET status = NULL, due_at = NULL, attempts = 0,"
                    " thread_done = 0 WHERE claim_id = ?",
                    (claim_id,),
                )
            continue
        waiting = row is not None and row["status"] is not None and row["due_at"] is not None
        conn.execute(
            "INSERT INTO verdict_notices (claim_id, guild_id, status, final, due_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (claim_id) DO UPDATE SET"
            " status = excluded.status, final = excluded.final, attempts = 0, thread_done = 0,"
            " due_at = CASE WHEN ? = 1 THEN verdict_notices.due_at ELSE excluded.due_at END",
            (claim_id, guild_id, pending.status, int(pending.final), due_at, int(waiting)),
        )


def _notice_sent(conn: Connection, claim_id: int, announced: Announced, now: float) -> None:
    conn.execute(
        "UPDATE verdict_notices SET sent_status = ?, sent_final = ?, sent_at = ?"
        " WHERE claim_id = ?",
        (announced.status, int(announced.final), now, claim_id),
    )
    conn.execute(
        "UPDATE verdict_notices SET status = NULL, due_at = NULL, attempts = 0, thread_done = 0"
        " WHERE claim_id = ? AND status = ? AND final = ?",
        (claim_id, announced.status, int(announced.final)),
    )


def _release_parked(conn: Connection, shards: ShardScope, now: float) -> int:
    owned, params = shard_filter(shards)
    return conn.execute(
        "UPDATE verdict_notices SET due_at = ?, attempts = 0"
        f" WHERE status IS NOT NULL AND due_at IS NULL AND {owned}",
        (now, *params),
    ).rowcount
