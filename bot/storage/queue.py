"""The reviewer queue (`/claim next`): its candidates, read in queue order from indexes,
and the skips that hide a claim from one reviewer for a while.

A candidate is a claim of the server that is open (no moderator resolution) and posted to
the review channel, that the reviewer did not submit, has no current vote on (claim_votes,
the one current-vote rule of bot/storage/votes.py) and has not skipped until later than
`now`. The order is bot/core/queue.py's; each part of it (below the quorum, at or over it)
is one index of migration 0009 walked in that order, so a query reads only the rows up to
the first candidate: a reviewer's own votes and skips are what it steps over.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from bot.core.queue import QueueEntry
from bot.storage.connection import Store, execute_many, fetch_one

# A mark before every claim: no claim is older (a finite number, as the statement tracer
# writes the bound values into SQL, where -inf is not a literal).
_BEFORE_ANY = -1e300

_CANDIDATE = (
    "c.guild_id = :guild AND c.is_final = 0 AND c.message_id IS NOT NULL"
    " AND c.submitter_id <> :reviewer"
    " AND NOT EXISTS (SELECT 1 FROM claim_votes v"
    " WHERE v.claim_id = c.id AND v.reviewer_id = :reviewer)"
    " AND NOT EXISTS (SELECT 1 FROM queue_skips s"
    " WHERE s.reviewer_id = :reviewer AND s.claim_id = c.id AND s.until > :now)"
)
_COLUMNS = "c.id, c.number, c.vote_count, c.created_at"

# Below the quorum: most votes first (fewest missing), then oldest, then number. With a
# mark below the quorum, only what comes after it: fewer votes, or as many and younger.
_BELOW_QUORUM = (
    f"SELECT {_COLUMNS} FROM claims c INDEXED BY claims_queue_by_votes"
    f" WHERE {_CANDIDATE} AND c.vote_count < :quorum AND c.vote_count <= :mark_votes"
    " AND (c.vote_count < :mark_votes OR (c.created_at, c.number) > (:mark_at, :mark_number))"
    " ORDER BY c.vote_count DESC, c.created_at, c.number LIMIT 1"
)
# At or over the quorum: oldest first, then number; after the mark when it is in this part.
_AT_QUORUM = (
    f"SELECT {_COLUMNS} FROM claims c INDEXED BY claims_queue_by_age"
    f" WHERE {_CANDIDATE} AND c.vote_count >= :quorum"
    " AND (c.created_at, c.number) > (:mark_at, :mark_number)"
    " ORDER BY c.created_at, c.number LIMIT 1"
)


class ReviewQueue(Store):
    async def queue_candidates(
        self,
        guild_id: int,
        reviewer_id: int,
        *,
        quorum: int,
        now: float,
        after: QueueEntry | None = None,
    ) -> list[QueueEntry]:
        """The first candidate of each part of the queue after `after` (from the start
        when None); when no candidate comes after it, the first of each part from the
        start, so bot.core.queue.next_in_queue wraps around. At most two entries, read in
        one round trip."""
        return await self._read(_queue_candidates, guild_id, reviewer_id, quorum, now, after)

    async def queue_entry(self, guild_id: int, number: int) -> QueueEntry | None:
        """Claim #number of a server as the queue sees it (the mark of Next and Skip)."""
        row = await self._read(
            fetch_one,
            "SELECT id, number, vote_count, created_at FROM claims"
            " WHERE guild_id = ? AND number = ?",
            (guild_id, number),
        )
        return _entry(row) if row else None

    async def skip_claim(
        self, guild_id: int, reviewer_id: int, claim_id: int, *, until: float, now: float
    ) -> None:
        """Hide a claim from the reviewer's queue until `until`; the reviewer's skips that
        have run out are deleted on the way, so the table holds only live ones."""
        await self._write(_skip, guild_id, reviewer_id, claim_id, until, now)

    async def open_claim_count(self, guild_id: int) -> int:
        """Open, posted claims of a server: the queue of a reviewer who has done nothing."""
        row = await self._read(
            fetch_one,
            "SELECT count(*) AS n FROM claims INDEXED BY claims_queue_by_age"
            " WHERE guild_id = ? AND is_final = 0 AND message_id IS NOT NULL",
            (guild_id,),
        )
        return int(row["n"]) if row else 0


# -- functions run on the database thread -------------------------------------------------


def _entry(row: sqlite3.Row) -> QueueEntry:
    return QueueEntry(
        claim_id=int(row[0]),
        number=int(row[1]),
        votes=int(row[2]),
        created_at=float(row[3]),
    )


def _queue_candidates(
    conn: sqlite3.Connection,
    guild_id: int,
    reviewer_id: int,
    quorum: int,
    now: float,
    after: QueueEntry | None,
) -> list[QueueEntry]:
    base = {"guild": guild_id, "reviewer": reviewer_id, "quorum": quorum, "now": now}
    found: dict[int, QueueEntry] = {}

    def first(sql: str, mark: QueueEntry | None) -> None:
        """The first candidate of one part after `mark` (None: from the part's start)."""
        params: dict[str, Any] = base | {"mark_votes": quorum, "mark_at": _BEFORE_ANY}
        params["mark_number"] = 0
        if mark is not None:
            params |= {"mark_votes": mark.votes, "mark_at": mark.created_at}
            params["mark_number"] = mark.number
        for row in conn.execute(sql, params):
            found[int(row[0])] = _entry(row)

    if after is None or after.votes < quorum:
        first(_BELOW_QUORUM, after)
        first(_AT_QUORUM, None)  # the whole part comes after a mark below the quorum
    else:
        first(_AT_QUORUM, after)
    if after is not None and not found:  # nothing after the mark: wrap around
        first(_BELOW_QUORUM, None)
        first(_AT_QUORUM, None)
    return list(found.values())


def _skip(
    conn: sqlite3.Connection,
    guild_id: int,
    reviewer_id: int,
    claim_id: int,
    until: float,
    now: float,
) -> None:
    conn.execute("DELETE FROM queue_skips WHERE reviewer_id = ? AND until <= ?", (reviewer_id, now))
    execute_many(
        conn,
        "INSERT INTO queue_skips (reviewer_id, claim_id, guild_id, until) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (reviewer_id, claim_id) DO UPDATE SET until = excluded.until",
        [(reviewer_id, claim_id, guild_id, until)],
    )
