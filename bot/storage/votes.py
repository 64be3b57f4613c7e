"""Votes: the append-only vote log and `claim_votes`, each reviewer's current vote.

One rule, here only: a reviewer's current vote on a claim is their vote event with the
highest id (the order the log recorded them), or none when that event is a retraction.
Timestamps do not decide: catch-up and live events can carry skewed clocks.
`_apply_latest_events` is that rule in SQL, for the ingest and for `claimbot recompute`.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.core.status import Vote
from bot.storage.connection import Store, fetch_all, fetch_for_ids, fetch_one
from bot.storage.dialect import Connection

# (guild, claim, reviewer, vote or None for a retraction, origin, at): one vote event.
VoteEventRow = tuple[int, int, int, Vote | None, str, float]
CurrentVotes = dict[int, dict[int, Vote]]


class VoteStore(Store):
    async def current_votes(self, claim_id: int) -> dict[int, Vote]:
        return (await self.current_votes_for([claim_id]))[claim_id]

    async def current_votes_for(self, claim_ids: list[int]) -> CurrentVotes:
        """Each claim's current votes, {claim: {reviewer: vote}}, in one round trip."""
        return await self._read(_current_votes, claim_ids)

    async def vote_event_ids(self, claim_id: int) -> dict[int, int]:
        """Each reviewer's current vote's event id (what catch-up compares with the floor)."""
        rows = await self._read(
            fetch_all,
            "SELECT reviewer_id, event_id FROM claim_votes WHERE claim_id = ?",
            (claim_id,),
        )
        return {int(row["reviewer_id"]): int(row["event_id"]) for row in rows}

    async def carry_votes(self, claim_id: int) -> int:
        """Mark every vote so far as cast on an earlier message of the claim."""
        return await self._write(_carry_votes, claim_id)

    async def vote_counts(self, claim_id: int) -> dict[str, int]:
        return (await self.vote_counts_for([claim_id]))[claim_id]

    async def vote_counts_for(self, claim_ids: list[int]) -> dict[int, dict[str, int]]:
        counts: dict[int, dict[str, int]] = {cid: {} for cid in claim_ids}
        for row in await self._read(
            fetch_for_ids,
            "SELECT claim_id, vote, count(*) AS n FROM claim_votes WHERE claim_id IN ({ids})"
            " GROUP BY claim_id, vote",
            claim_ids,
        ):
            counts[row["claim_id"]][row["vote"]] = row["n"]
        return counts

    async def record_votes(
        self, claim_ids: list[int], plan: Callable[[CurrentVotes], list[VoteEventRow]]
    ) -> list[int]:
        """Read the current votes of `claim_ids` ({claim: {reviewer: vote}}), append the
        events `plan` makes of them, and return their ids: one transaction, so nothing can
        change a vote between the read and the write.

        This is the hot path of vote ingest, so it is one call on the database thread
        (`plan` runs there too, and must be quick and pure): each separate statement
        would cost a round trip between the event loop and that thread, several times
        the statement itself, and queue behind whatever else the bot is reading."""
        return await self._write(_plan_and_insert_votes, claim_ids, plan)

    async def vote_events(self, claim_id: int) -> list[tuple[int, int, Vote | None, float]]:
        """(event id, reviewer, vote, at): the claim's vote log, in the order recorded."""
        rows = await self._read(
            fetch_all,
            "SELECT id, reviewer_id, vote, created_at FROM vote_events WHERE claim_id = ?"
            " ORDER BY id",
            (claim_id,),
        )
        return [(row["id"], row["reviewer_id"], row["vote"], row["created_at"]) for row in rows]

    async def rebuild_current_votes(self) -> int:
        """Derive claim_votes again from the whole vote log; returns how many votes."""
        return await self._write(_rebuild_current_votes)


# -- functions run on the database thread -------------------------------------------------


def _current_votes(conn: Connection, claim_ids: list[int]) -> CurrentVotes:
    current: CurrentVotes = {claim_id: {} for claim_id in claim_ids}
    # Unpacked in the order of the SELECT right here: the hot path of every vote batch
    # reads thousands of rows, and a lookup by name costs about as much as the row.
    for claim_id, reviewer_id, vote in fetch_for_ids(
        conn,
        "SELECT claim_id, reviewer_id, vote FROM claim_votes WHERE claim_id IN ({ids})",
        claim_ids,
    ):
        current[claim_id][reviewer_id] = vote
    return current


def _carry_votes(conn: Connection, claim_id: int) -> int:
    conn.execute(
        "UPDATE claims SET carried_votes_until ="
        " (SELECT coalesce(max(id), 0) FROM vote_events WHERE claim_id = ?) WHERE id = ?",
        (claim_id, claim_id),
    )
    row = fetch_one(conn, "SELECT carried_votes_until FROM claims WHERE id = ?", (claim_id,))
    return int(row["carried_votes_until"]) if row else 0


_INSERT_EVENTS_UNNEST = (
    "INSERT INTO vote_events (id, guild_id, claim_id, reviewer_id, vote, origin, created_at)"
    " SELECT * FROM unnest(?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::text[],"
    " ?::text[], ?::double precision[])"
)


def _plan_and_insert_votes(
    conn: Connection,
    claim_ids: list[int],
    plan: Callable[[CurrentVotes], list[VoteEventRow]],
) -> list[int]:
    events = plan(_current_votes(conn, claim_ids))
    if not events:
        return []
    # Ids are assigned here, inside BEGIN IMMEDIATE: no other writer can take them.
    last = conn.execute("SELECT coalesce(max(id), 0) AS last FROM vote_events").fetchone()["last"]
    ids = list(range(last + 1, last + 1 + len(events)))
    if conn.dialect == "postgresql":
        # One statement for the whole batch: executemany costs PostgreSQL a statement (bind,
        # execute, its own overhead) per row, which was most of the batch's server time.
        columns = [list(column) for column in zip(*events, strict=True)]
        conn.execute(_INSERT_EVENTS_UNNEST, (ids, *columns))
    else:
        conn.executemany(
            "INSERT INTO vote_events (id, guild_id, claim_id, reviewer_id, vote, origin,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(event_id, *event) for event_id, event in zip(ids, events, strict=True)],
        )
    _apply_latest_events(conn, after_id=last, retractions=any(e[3] is None for e in events))
    return ids


def _rebuild_current_votes(conn: Connection) -> int:
    conn.execute("DELETE FROM claim_votes")
    _apply_latest_events(conn, after_id=0, retractions=False)
    row = fetch_one(conn, "SELECT count(*) AS n FROM claim_votes")
    return int(row["n"]) if row else 0


# Each (claim, reviewer) with an event after `after_id`, and that pair's event with the
# highest id. Its highest-id event is among those after `after_id`, as ids only grow.
# NOT INDEXED keeps it a range of ids: else SQLite walks all of vote_events_by_claim for
# its claim order, and every batch would cost as much as the whole log.
_LATEST_EVENTS = (
    "SELECT max(id) FROM vote_events NOT INDEXED WHERE id > :after GROUP BY claim_id, reviewer_id"
)


def _apply_latest_events(conn: Connection, *, after_id: int, retractions: bool) -> None:
    """Bring claim_votes in step with the events after `after_id`: the rule of the module
    docstring, in two statements whatever the number of events (one when none of them is a
    retraction, or claim_votes was just emptied)."""
    params = {"after": after_id}
    if retractions:
        conn.execute(
            "DELETE FROM claim_votes WHERE (claim_id, reviewer_id) IN ("
            f" SELECT claim_id, reviewer_id FROM vote_events WHERE id IN ({_LATEST_EVENTS})"
            " AND vote IS NULL)",
            params,
        )
    conn.execute(
        "INSERT INTO claim_votes (claim_id, reviewer_id, vote, event_id, updated_at)"
        " SELECT claim_id, reviewer_id, vote, id, created_at FROM vote_events"
        f" WHERE id IN ({_LATEST_EVENTS}) AND vote IS NOT NULL"
        " ON CONFLICT (claim_id, reviewer_id) DO UPDATE SET vote = excluded.vote,"
        " event_id = excluded.event_id, updated_at = excluded.updated_at",
        params,
    )
