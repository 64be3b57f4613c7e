"""The reviewer queue (`/claim next`): its candidates, read in queue order from indexes,
and the skips that hide a claim from one reviewer for a while.

A candidate is a claim of the server that is open (no moderator resolution) and posted to
the review channel, that the reviewer did not submit, has no current vote on (claim_votes,
the one current-vote rule of bot/storage/votes.py) and has not skipped until later than
`now`. The order is bot/core/queue.py's. Its parts are read by the claim's saved status,
each from its own partial index of migration 0009: below the quorum (`needs_review`, most
votes first), no vote yet (`unreviewed`), then a verdict; so a query reads the rows up to
the first candidate of its part, stepping only over the reviewer's own votes and skips
(and, below the quorum, the claims waiting there, whose votes it counts to sort them).
"""

from __future__ import annotations

from typing import Any

from bot.core.queue import QueueEntry
from bot.storage.connection import Store, execute_many, fetch_one
from bot.storage.dialect import Connection, Row

# A mark before every claim: no claim is older (a finite number, as the statement tracer
# writes the bound values into SQL, where -inf is not a literal).
_BEFORE_ANY = -1e300
_MORE_THAN_ANY = 1 << 62  # votes: a mark below the quorum with more votes than any claim
_VOTES = "(SELECT count(*) FROM claim_votes v WHERE v.claim_id = c.id)"
_COLUMNS = f"c.id, c.number, {_VOTES} AS votes, c.created_at"
_CANDIDATE = (
    "c.guild_id = :guild AND c.is_final = 0 AND c.message_id IS NOT NULL"
    " AND c.submitter_id <> :reviewer"
    " AND NOT EXISTS (SELECT 1 FROM claim_votes v"
    " WHERE v.claim_id = c.id AND v.reviewer_id = :reviewer)"
    " AND NOT EXISTS (SELECT 1 FROM queue_skips s"
    " WHERE s.reviewer_id = :reviewer AND s.claim_id = c.id AND s.until > :now)"
)
# Claims stored in one instant (one submission's) in id order: within a server, the order
# of their numbers, as bot/core/queue.py wants, and the order of the indexes' entries.
_AFTER_MARK = "(c.created_at, c.id) > (:mark_at, :mark_id)"
# Each part's statement: the index it reads and the status that puts a claim in it (the
# same terms as the index's WHERE, so SQLite can use it), its order after the mark.
_PARTS = {
    "needs_review": (
        f"SELECT {_COLUMNS} FROM claims c INDEXED BY claims_queue_needs_review"
        f" WHERE {_CANDIDATE} AND c.status = 'needs_review'"
        # The count written out, not its alias: PostgreSQL reads no alias in WHERE.
        f" AND ({_VOTES} < :mark_votes OR ({_VOTES} = :mark_votes AND {_AFTER_MARK}))"
        " ORDER BY votes DESC, c.created_at, c.id LIMIT 1"
    ),
    "unreviewed": (
        f"SELECT {_COLUMNS} FROM claims c INDEXED BY claims_queue_unreviewed"
        f" WHERE {_CANDIDATE} AND c.status = 'unreviewed' AND {_AFTER_MARK}"
        " ORDER BY c.created_at, c.id LIMIT 1"
    ),
    "verdict": (
        f"SELECT {_COLUMNS} FROM claims c INDEXED BY claims_queue_verdict"
        f" WHERE {_CANDIDATE} AND c.status NOT IN ('unreviewed', 'needs_review')"
        f" AND {_AFTER_MARK} ORDER BY c.created_at, c.id LIMIT 1"
    ),
}
_PART_ORDER = tuple(_PARTS)
_OPEN_COUNTS = " UNION ALL ".join(
    f"SELECT count(*) FROM claims INDEXED BY claims_queue_{part} WHERE guild_id = :guild"
    " AND is_final = 0 AND message_id IS NOT NULL AND "
    + (
        "status NOT IN ('unreviewed', 'needs_review')"
        if part == "verdict"
        else f"status = '{part}'"
    )
    for part in _PART_ORDER
)


class QueueStore(Store):
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
        start, so bot.core.queue.next_in_queue wraps around. At most three entries, read
        in one round trip."""
        return await self._read(_queue_candidates, guild_id, reviewer_id, quorum, now, after)

    async def queue_entry(self, guild_id: int, number: int) -> QueueEntry | None:
        """Claim #number of a server as the queue sees it (the mark of Next and Skip)."""
        row = await self._read(
            fetch_one,
            f"SELECT {_COLUMNS} FROM claims c WHERE c.guild_id = ? AND c.number = ?",
            (guild_id, number),
        )
        return _entry(row) if row else None

    async def skip_claim(
        self, guild_id: int, reviewer_id: int, claim_id: int, *, until: float, now: float
    ) -> None:
        """Hide a claim from the reviewer's queue until `until`; the reviewer's skips that
        have run out are deleted on the way, so one reviewer's rows never pile up."""
        await self._write(_skip, guild_id, reviewer_id, claim_id, until, now)

    async def open_claim_count(self, guild_id: int) -> int:
        """Open, posted claims of a server: the queue of a reviewer who has done nothing."""
        return await self._read(_open_claim_count, guild_id)


# -- functions run on the database thread -------------------------------------------------


def _entry(row: Row) -> QueueEntry:
    return QueueEntry(
        claim_id=int(row[0]),
        number=int(row[1]),
        votes=int(row[2]),
        created_at=float(row[3]),
    )


def _queue_candidates(
    conn: Connection,
    guild_id: int,
    reviewer_id: int,
    quorum: int,
    now: float,
    after: QueueEntry | None,
) -> list[QueueEntry]:
    base = {"guild": guild_id, "reviewer": reviewer_id, "now": now}
    found: dict[int, QueueEntry] = {}

    def first(part: str, mark: QueueEntry | None) -> None:
        """The first candidate of one part after `mark` (None: from the part's start)."""
        params: dict[str, Any] = base | {"mark_votes": _MORE_THAN_ANY, "mark_at": _BEFORE_ANY}
        params["mark_id"] = 0
        if mark is not None:
            params |= {"mark_votes": mark.votes, "mark_at": mark.created_at}
            params["mark_id"] = mark.claim_id
        for row in conn.execute(_PARTS[part], params):
            found[int(row[0])] = _entry(row)

    # The mark's part by its votes, as bot.core.queue orders it; the parts before it are
    # passed, the ones after it are read from their start.
    marked = None if after is None else _part_of(after, quorum)
    for part in _PART_ORDER[_PART_ORDER.index(marked) if marked else 0 :]:
        first(part, after if part == marked else None)
    if after is not None and not found:  # nothing after the mark: wrap around
        for part in _PART_ORDER:
            first(part, None)
    return list(found.values())


def _part_of(entry: QueueEntry, quorum: int) -> str:
    if entry.votes >= quorum:
        return "verdict"
    return "needs_review" if entry.votes else "unreviewed"


def _open_claim_count(conn: Connection, guild_id: int) -> int:
    return sum(int(row[0]) for row in conn.execute(_OPEN_COUNTS, {"guild": guild_id}))


def _skip(
    conn: Connection,
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
