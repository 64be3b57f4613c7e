"""Claims: submissions, lookups, review messages, search and the saved status."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from bot.core.notices import NOTICE_WINDOW_SECONDS, Announced
from bot.core.records import (
    ClaimRecord,
    HeldBatch,
    HeldClaim,
    NewClaim,
    NewDocument,
    ReviewMessage,
)
from bot.core.shards import ShardScope
from bot.core.status import Status
from bot.core.vocabulary import AWAITING_VERDICT
from bot.storage import search
from bot.storage.connection import Store, execute_many, fetch_all, fetch_for_ids, fetch_one
from bot.storage.dialect import Connection, Row
from bot.storage.held_claims import HeldTaken, insert_held, read_held, take_held
from bot.storage.notices import queue_notices
from bot.storage.shards import shard_filter

log = logging.getLogger("claimbot.storage")

#: Claims still waiting for a verdict (`vocabulary.AWAITING_VERDICT`), as an SQL condition.
AWAITING_SQL = "status IN ({})".format(", ".join(f"'{status}'" for status in AWAITING_VERDICT))
#: A server's claims waiting for a verdict, oldest first; parameters (guild_id, limit).
OLDEST_AWAITING_SQL = (
    f"SELECT * FROM claims WHERE guild_id = ? AND {AWAITING_SQL} ORDER BY id LIMIT ?"
)

# (claim, status, confidence, explanation, final, rule that decided it); the status is
# `str` while StatusResult.status is.
StatusRow = tuple[int, str, float, str, bool, str]


class ClaimStore(Store):
    async def _after_migrations(self) -> None:
        """Fill the search index when it does not hold every claim: right after migration
        0004 created it, or if the process stopped before that filling was committed."""
        await super()._after_migrations()
        if await self._read(search.unindexed_claims):
            indexed = await self.rebuild_search_index()
            log.info("search index rebuilt: %d claims", indexed)

    async def rebuild_search_index(self) -> int:
        """Index every claim again from its text and speaker; returns how many."""
        return await self._write(search.rebuild_index)

    async def store_submission(
        self,
        document: NewDocument,
        claims: list[NewClaim],
        *,
        origin_url: str | None,
        origin_title: str | None,
        held: list[HeldClaim] | None = None,
    ) -> tuple[int, list[ClaimRecord], list[ClaimRecord]]:
        """Store a document, its new claims and the claims its cap `held` back (best first)
        in one transaction.

        Returns (document id, claims created, claims that already existed in the guild
        with the same normalized wording).
        """
        return await self._write(
            _store_submission, document, claims, origin_url, origin_title, held or []
        )

    async def held_batch(self, guild_id: int, document_id: int, *, limit: int) -> HeldBatch | None:
        """The next `limit` held claims of a document of this guild, best first; None when
        the guild has no such document."""
        return await self._read(read_held, guild_id, document_id, limit)

    async def store_held(
        self, guild_id: int, batch: HeldBatch, claims: list[NewClaim]
    ) -> tuple[list[ClaimRecord], list[ClaimRecord]] | None:
        """The held claims of `batch` leave the table and `claims` (what is new of them) are
        stored with their document, in one transaction. Returns (created, already existing
        with the same wording), or None when another press took the batch first."""
        try:
            return await self._write(_store_held, guild_id, batch, claims)
        except HeldTaken:
            return None

    async def recent_claim_texts(self, guild_id: int, limit: int) -> list[tuple[int, str]]:
        """(id, normalized text) of a guild's newest claims, for near-duplicate checks."""
        rows = await self._read(
            fetch_all,
            "SELECT id, normalized FROM claims WHERE guild_id = ? ORDER BY id DESC LIMIT ?",
            (guild_id, limit),
        )
        return [(int(row["id"]), str(row["normalized"])) for row in rows]

    async def open_claim_statuses(self, guild_id: int) -> dict[int, tuple[Status, float]]:
        """(status, confidence) of each claim of a guild that no moderator has resolved."""
        rows = await self._read(
            fetch_all,
            "SELECT id, status, confidence FROM claims WHERE guild_id = ? AND is_final = 0",
            (guild_id,),
        )
        return {int(row["id"]): (row["status"], float(row["confidence"])) for row in rows}

    async def claim_by_number(self, guild_id: int, number: int) -> ClaimRecord | None:
        """The claim a member means by `#number` in their server; None when there is none."""
        return await self._one_claim("guild_id = ? AND number = ?", (guild_id, number))

    async def get_claim(self, guild_id: int, claim_id: int) -> ClaimRecord | None:
        found = await self.get_claims(guild_id, [claim_id])
        return found[0] if found else None

    async def get_claims(self, guild_id: int, claim_ids: list[int]) -> list[ClaimRecord]:
        """Claims of one guild by id, in the order asked; ids of other guilds are not found."""
        if not claim_ids:
            return []
        return await self._read(_claims_by_id, guild_id, claim_ids)

    async def _one_claim(self, where: str, params: tuple[int, ...]) -> ClaimRecord | None:
        row = await self._read(fetch_one, f"SELECT * FROM claims WHERE {where}", params)
        return claim_record(row) if row else None

    async def get_claim_any_guild(self, claim_id: int) -> ClaimRecord | None:
        """For internal jobs only (message refresh, recompute); commands use get_claim."""
        return await self._one_claim("id = ?", (claim_id,))

    async def claim_for_message(self, message_id: int) -> ClaimRecord | None:
        return await self._one_claim("message_id = ?", (message_id,))

    async def claim_for_thread(self, thread_id: int) -> ClaimRecord | None:
        return await self._one_claim("thread_id = ?", (thread_id,))

    async def set_review_message(
        self, claim_id: int, *, channel_id: int, message_id: int, thread_id: int | None
    ) -> None:
        now = time.time()
        await self._write(
            execute_many,
            "UPDATE claims SET channel_id = ?, message_id = ?, thread_id = ?, updated_at = ?,"
            " rendered_at = ? WHERE id = ?",
            [(channel_id, message_id, thread_id, now, now, claim_id)],
        )

    async def mark_rendered(self, claim_id: int, updated_at: float) -> None:
        """The claim's review message now shows its state as of `updated_at`."""
        await self._write(
            execute_many,
            "UPDATE claims SET rendered_at = ? WHERE id = ?"
            " AND (rendered_at IS NULL OR rendered_at < ?)",
            [(updated_at, claim_id, updated_at)],
        )

    async def stale_review_messages(self, shards: ShardScope, *, limit: int) -> list[int]:
        """Claims of the servers of `shards` whose review message shows an older state than
        the database (an edit was still pending when the bot stopped): open ones first,
        newest first."""
        owned, params = shard_filter(shards)
        rows = await self._read(
            fetch_all,
            "SELECT id FROM claims WHERE message_id IS NOT NULL"
            f" AND (rendered_at IS NULL OR rendered_at < updated_at) AND {owned}"
            " ORDER BY is_final, id DESC LIMIT ?",
            (*params, limit),
        )
        return [int(row["id"]) for row in rows]

    async def unposted_claims(self, shards: ShardScope, *, limit: int) -> list[int]:
        """Claims of the servers of `shards` whose post did not finish (Discord refused or
        failed it, or the bot stopped before the thread, its last step), oldest first so they
        reach the channel in order."""
        owned, params = shard_filter(shards)
        rows = await self._read(
            fetch_all,
            f"SELECT id FROM claims WHERE thread_id IS NULL AND {owned} ORDER BY id LIMIT ?",
            (*params, limit),
        )
        return [int(row["id"]) for row in rows]

    async def review_messages(self, shards: ShardScope, *, limit: int) -> list[ReviewMessage]:
        """Posted claims of the servers of `shards`, for catch-up: open ones first, newest
        first, at most `limit`."""
        owned, params = shard_filter(shards)
        rows = await self._read(
            fetch_all,
            "SELECT id, guild_id, channel_id, message_id FROM claims"
            f" WHERE message_id IS NOT NULL AND {owned} ORDER BY is_final, id DESC LIMIT ?",
            (*params, limit),
        )
        return [
            ReviewMessage(
                claim_id=row["id"],
                guild_id=row["guild_id"],
                channel_id=row["channel_id"],
                message_id=row["message_id"],
            )
            for row in rows
        ]

    async def search_claims(
        self, guild_id: int, terms: list[str], *, limit: int
    ) -> list[ClaimRecord]:
        """Claims of one guild holding every term (from bot.search), best match first."""
        rows = await self._read(search.search, guild_id, terms, limit)
        return [claim_record(row) for row in rows]

    async def autocomplete_claims(
        self, guild_id: int, *, number: int | None, terms: list[str] | None, limit: int
    ) -> list[tuple[int, str, str]]:
        """(number, text, status) for an autocomplete box: the claim with the typed number
        first, then claims holding the typed words (the last one as a prefix), else the
        newest claims; open claims before resolved ones. Matches are read newest first
        straight from the index and stop at `limit`, so a common word costs no more than a
        rare one."""
        found: list[Row] = []
        if number is not None:
            found += await self._read(
                fetch_all,
                "SELECT number, text, status FROM claims WHERE guild_id = ? AND number = ?",
                (guild_id, number),
            )
        if terms:
            found += await self._read(
                search.autocomplete_matches, guild_id, terms, limit - len(found)
            )
        elif number is None:
            found += await self._read(
                fetch_all,
                "SELECT number, text, status FROM claims WHERE guild_id = ?"
                " ORDER BY is_final, id DESC LIMIT ?",
                (guild_id, limit),
            )
        unique = {row["number"]: (row["number"], row["text"], row["status"]) for row in found}
        return list(unique.values())[:limit]

    async def list_claims(
        self,
        guild_id: int,
        *,
        status: str | None,
        submitter_id: int | None,
        offset: int,
        limit: int,
    ) -> tuple[list[ClaimRecord], int]:
        """A page of a guild's claims, newest first, and how many there are in all."""
        where = ["guild_id = ?"]
        params: list[Any] = [guild_id]
        if status is not None:
            where.append("status = ?")
            params.append(status)
        if submitter_id is not None:
            where.append("submitter_id = ?")
            params.append(submitter_id)
        clause = " AND ".join(where)
        row = await self._read(
            fetch_one, f"SELECT count(*) AS n FROM claims WHERE {clause}", params
        )
        total = int(row["n"]) if row else 0
        rows = await self._read(
            fetch_all,
            f"SELECT * FROM claims WHERE {clause} ORDER BY id DESC LIMIT ? OFFSET ?",
            (*params, limit, offset),
        )
        return [claim_record(r) for r in rows], total

    async def all_claims(self, guild_id: int | None) -> list[ClaimRecord]:
        """Every claim of one guild in number order (or all guilds, for the CLI), oldest
        first."""
        query = "SELECT * FROM claims ORDER BY id"
        params: tuple[int, ...] = ()
        if guild_id is not None:
            query, params = "SELECT * FROM claims WHERE guild_id = ? ORDER BY number", (guild_id,)
        rows = await self._read(fetch_all, query, params)
        return [claim_record(r) for r in rows]

    async def claim_guilds(self, claim_ids: list[int]) -> dict[int, int]:
        """{claim: guild} for the claims that exist."""
        rows = await self._read(
            fetch_for_ids, "SELECT id, guild_id FROM claims WHERE id IN ({ids})", claim_ids
        )
        return {int(r["id"]): int(r["guild_id"]) for r in rows}

    async def claim_ids(self) -> list[tuple[int, int]]:
        """(claim id, guild id) of every claim."""
        rows = await self._read(fetch_all, "SELECT id, guild_id FROM claims ORDER BY id")
        return [(int(r["id"]), int(r["guild_id"])) for r in rows]

    async def statuses(self) -> dict[int, tuple[Status, float, str, bool]]:
        rows = await self._read(
            fetch_all, "SELECT id, status, confidence, explanation, is_final FROM claims"
        )
        return {
            int(r["id"]): (
                r["status"],
                float(r["confidence"]),
                str(r["explanation"]),
                bool(r["is_final"]),
            )
            for r in rows
        }

    async def save_statuses(
        self, rows: list[StatusRow], *, notices_due: float | None = None
    ) -> None:
        """(claim, status, confidence, explanation, final, rule) for many claims, one commit;
        the verdict notices they call for are queued in it, due at `notices_due` (default:
        a notice window from now)."""
        due = time.time() + NOTICE_WINDOW_SECONDS if notices_due is None else notices_due
        await self._write(_save_statuses, rows, time.time(), due)


# -- functions run on the database thread -------------------------------------------------


def claim_record(row: Row) -> ClaimRecord:
    return ClaimRecord(
        id=row["id"],
        guild_id=row["guild_id"],
        number=row["number"],
        text=row["text"],
        speaker=row["speaker"],
        language=row["language"],
        score=row["score"],
        reasons=tuple(json.loads(row["reasons"])),
        submitter_id=row["submitter_id"],
        origin_url=row["origin_url"],
        origin_title=row["origin_title"],
        channel_id=row["channel_id"],
        message_id=row["message_id"],
        thread_id=row["thread_id"],
        status=row["status"],
        confidence=row["confidence"],
        explanation=row["explanation"],
        is_final=bool(row["is_final"]),
        carried_votes_until=row["carried_votes_until"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        document_id=row["document_id"],
        status_rule=row["status_rule"],
    )


def _claims_by_id(conn: Connection, guild_id: int, claim_ids: list[int]) -> list[ClaimRecord]:
    marks = ",".join("?" * len(claim_ids))
    rows = conn.execute(
        f"SELECT * FROM claims WHERE guild_id = ? AND id IN ({marks})", (guild_id, *claim_ids)
    )
    by_id = {row["id"]: claim_record(row) for row in rows}
    return [by_id[i] for i in claim_ids if i in by_id]


def _save_statuses(conn: Connection, rows: list[StatusRow], now: float, notices_due: float) -> None:
    before = {
        int(row["id"]): (int(row["guild_id"]), Announced(row["status"], bool(row["is_final"])))
        for row in fetch_for_ids(
            conn,
            "SELECT id, guild_id, status, is_final FROM claims WHERE id IN ({ids})",
            [row[0] for row in rows],
        )
    }
    conn.executemany(
        "UPDATE claims SET status = ?, confidence = ?, explanation = ?, is_final = ?,"
        " status_rule = ?, updated_at = ? WHERE id = ?",
        [
            (status, confidence, explanation, int(final), rule, now, claim_id)
            for claim_id, status, confidence, explanation, final, rule in rows
        ],
    )
    changes = [
        (claim_id, before[claim_id][0], before[claim_id][1], Announced(status, final))
        for claim_id, status, _, _, final, _ in rows
        if claim_id in before
    ]
    queue_notices(conn, changes, notices_due)


def _store_submission(
    conn: Connection,
    document: NewDocument,
    claims: list[NewClaim],
    origin_url: str | None,
    origin_title: str | None,
    held: list[HeldClaim],
) -> tuple[int, list[ClaimRecord], list[ClaimRecord]]:
    now = time.time()
    cur = conn.execute(
        "INSERT INTO documents (guild_id, submitter_id, kind, url, title, content_hash,"
        " language, char_count, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (
            document.guild_id,
            document.submitter_id,
            document.kind,
            document.url,
            document.title,
            document.content_hash,
            document.language,
            document.char_count,
            now,
        ),
    )
    document_id = int(cur.fetchone()["id"])
    cur.close()
    insert_held(conn, document.guild_id, document_id, held)
    created, existing = _insert_claims(
        conn,
        document.guild_id,
        document_id,
        document.submitter_id,
        claims,
        origin_url,
        origin_title,
        now,
    )
    return document_id, created, existing


def _store_held(
    conn: Connection, guild_id: int, batch: HeldBatch, claims: list[NewClaim]
) -> tuple[list[ClaimRecord], list[ClaimRecord]]:
    take_held(conn, guild_id, batch)
    return _insert_claims(
        conn,
        guild_id,
        batch.document_id,
        batch.submitter_id,
        claims,
        batch.url,
        batch.title,
        time.time(),
    )


def _insert_claims(
    conn: Connection,
    guild_id: int,
    document_id: int,
    submitter_id: int,
    claims: list[NewClaim],
    origin_url: str | None,
    origin_title: str | None,
    now: float,
) -> tuple[list[ClaimRecord], list[ClaimRecord]]:
    """A document's claims, each given the server's next number: (created, already in the
    server with the same normalized wording)."""
    created_ids: list[int] = []
    existing_ids: list[int] = []
    for claim in claims:
        # Looked up first, so a wording the server has takes no id: PostgreSQL's identity
        # would spend one on a conflicting insert, SQLite's would not.
        row = fetch_one(
            conn,
            "SELECT id FROM claims WHERE guild_id = ? AND normalized = ?",
            (guild_id, claim.normalized),
        )
        if row is not None:
            if row["id"] not in existing_ids:
                existing_ids.append(int(row["id"]))
            continue
        cur = conn.execute(
            # The server's next number, read and taken under the write lock: no other
            # writer (process or coroutine) can take it meanwhile.
            "INSERT INTO claims (guild_id, number, document_id, text, normalized,"
            " speaker, language, score, reasons, span_start, span_end,"
            " submitter_id, origin_url, origin_title, status, confidence, explanation,"
            " created_at, updated_at) VALUES (?, (SELECT coalesce(max(number), 0) + 1"
            " FROM claims WHERE guild_id = ?), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
            " ?, ?, ?, ?) ON CONFLICT (guild_id, normalized) DO NOTHING RETURNING id",
            (
                guild_id,
                guild_id,
                document_id,
                claim.text,
                claim.normalized,
                claim.speaker,
                claim.language,
                claim.score,
                json.dumps(list(claim.reasons)),
                claim.span_start,
                claim.span_end,
                submitter_id,
                origin_url,
                origin_title,
                claim.status,
                claim.confidence,
                claim.explanation,
                now,
                now,
            ),
        )
        inserted = cur.fetchone()
        cur.close()
        if inserted is not None:
            created_ids.append(int(inserted["id"]))
            search.index_claims(conn, [(created_ids[-1], guild_id, claim.text, claim.speaker)])
    created = _claims_by_id(conn, guild_id, created_ids) if created_ids else []
    existing = _claims_by_id(conn, guild_id, existing_ids) if existing_ids else []
    return created, existing
