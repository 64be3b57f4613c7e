"""Evidence: links for and against a claim, and what fetching them found."""

from __future__ import annotations

import time
from dataclasses import fields

from bot.core.records import EvidenceRecord
from bot.core.shards import ShardScope
from bot.storage.audit import write_audit
from bot.storage.connection import Store, execute_many, fetch_all, fetch_for_ids, fetch_one
from bot.storage.dialect import Connection, Row
from bot.storage.shards import shard_filter

_FIELDS = tuple(f.name for f in fields(EvidenceRecord))
_COLUMNS = ", ".join(_FIELDS)


def evidence_record(row: Row) -> EvidenceRecord:
    """By column name: the record's fields are the evidence table's columns."""
    return EvidenceRecord(**{name: row[name] for name in _FIELDS})


class EvidenceStore(Store):
    async def evidence_for(self, claim_id: int) -> list[EvidenceRecord]:
        return (await self.evidence_for_claims([claim_id]))[claim_id]

    async def evidence_for_claims(self, claim_ids: list[int]) -> dict[int, list[EvidenceRecord]]:
        found: dict[int, list[EvidenceRecord]] = {cid: [] for cid in claim_ids}
        for row in await self._read(
            fetch_for_ids,
            f"SELECT {_COLUMNS} FROM evidence WHERE claim_id IN ({{ids}})"
            " AND removed_at IS NULL ORDER BY id",
            claim_ids,
        ):
            found[row["claim_id"]].append(evidence_record(row))
        return found

    async def _one_evidence(
        self, where: str, params: tuple[int | str, ...]
    ) -> EvidenceRecord | None:
        row = await self._read(
            fetch_one,
            f"SELECT {_COLUMNS} FROM evidence WHERE {where} AND removed_at IS NULL",
            params,
        )
        return evidence_record(row) if row else None

    async def evidence_by_url(self, claim_id: int, normalized_url: str) -> EvidenceRecord | None:
        return await self._one_evidence(
            "claim_id = ? AND normalized_url = ?", (claim_id, normalized_url)
        )

    async def get_evidence(self, guild_id: int, evidence_id: int) -> EvidenceRecord | None:
        return await self._one_evidence("guild_id = ? AND id = ?", (guild_id, evidence_id))

    async def evidence_by_number(self, claim_id: int, number: int) -> EvidenceRecord | None:
        """The source a member means by `#number` on a claim; None when there is none."""
        return await self._one_evidence("claim_id = ? AND number = ?", (claim_id, number))

    async def add_evidence(
        self,
        *,
        guild_id: int,
        claim_id: int,
        url: str,
        normalized_url: str,
        stance: str,
        note: str | None,
        added_by: int,
        origin: str,
        may_change_others: bool = False,
    ) -> tuple[EvidenceRecord, bool]:
        """Record a link for a claim; the same normalised URL is one piece of evidence.

        Returns (the evidence, True if it is new). For a known URL from a command by its
        adder (or, with `may_change_others`, a moderator) the stance and note are updated,
        which is how a thread link's stance gets set; anyone else changes nothing."""
        return await self._write(
            _add_evidence,
            guild_id,
            claim_id,
            url,
            normalized_url,
            stance,
            note,
            added_by,
            origin,
            may_change_others,
        )

    async def pending_evidence(
        self, shards: ShardScope, *, created_before: float
    ) -> list[EvidenceRecord]:
        """Links of the servers of `shards` whose fetch never finished (the bot stopped
        first), oldest first."""
        owned, params = shard_filter(shards)
        rows = await self._read(
            fetch_all,
            f"SELECT {_COLUMNS} FROM evidence WHERE fetch_status = 'pending'"
            f" AND removed_at IS NULL AND created_at < ? AND {owned} ORDER BY id",
            (created_before, *params),
        )
        return [evidence_record(row) for row in rows]

    async def save_evidence_fetch(
        self,
        evidence_id: int,
        *,
        ok: bool,
        error: str | None = None,
        title: str | None = None,
        site_name: str | None = None,
        canonical_url: str | None = None,
        published_at: str | None = None,
        description: str | None = None,
    ) -> None:
        await self._write(
            execute_many,
            "UPDATE evidence SET fetch_status = ?, fetch_error = ?, title = ?, site_name = ?,"
            " canonical_url = ?, published_at = ?, description = ? WHERE id = ?",
            [
                (
                    "ok" if ok else "unreachable",
                    error,
                    title,
                    site_name,
                    canonical_url,
                    published_at,
                    description,
                    evidence_id,
                )
            ],
        )

    async def remove_evidence(self, guild_id: int, evidence_id: int, *, actor_id: int) -> None:
        """Soft delete: the row stays for the record, the status stops counting it."""
        await self._write(_remove_evidence, guild_id, evidence_id, actor_id)


# -- functions run on the database thread -------------------------------------------------


def _add_evidence(
    conn: Connection,
    guild_id: int,
    claim_id: int,
    url: str,
    normalized_url: str,
    stance: str,
    note: str | None,
    added_by: int,
    origin: str,
    may_change_others: bool,
) -> tuple[EvidenceRecord, bool]:
    row = fetch_one(
        conn,
        "SELECT id, stance, note, added_by FROM evidence"
        " WHERE claim_id = ? AND normalized_url = ? AND removed_at IS NULL",
        (claim_id, normalized_url),
    )
    if row is None:
        # The claim's next number, removed sources counted: a number is never reused.
        cur = conn.execute(
            "INSERT INTO evidence (guild_id, claim_id, number, url, normalized_url, stance, note,"
            " added_by, origin, created_at) VALUES (?, ?,"
            " (SELECT coalesce(max(number), 0) + 1 FROM evidence WHERE claim_id = ?),"
            " ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (
                guild_id,
                claim_id,
                claim_id,
                url,
                normalized_url,
                stance,
                note,
                added_by,
                origin,
                time.time(),
            ),
        )
        evidence_id, created = int(cur.fetchone()["id"]), True
        cur.close()
    else:
        evidence_id, created = row["id"], False
        note_changed = note is not None and note != row["note"]
        allowed = row["added_by"] == added_by or may_change_others
        if origin == "command" and allowed and (row["stance"] != stance or note_changed):
            conn.execute(
                "UPDATE evidence SET stance = ?, note = coalesce(?, note) WHERE id = ?",
                (stance, note, evidence_id),
            )
            detail = {"evidence_id": evidence_id, "from": row["stance"], "to": stance}
            write_audit(
                conn,
                guild_id=guild_id,
                actor_id=added_by,
                action="evidence_stance",
                claim_id=claim_id,
                detail=detail | ({"note": note} if note_changed else {}),
            )
    record = fetch_one(conn, f"SELECT {_COLUMNS} FROM evidence WHERE id = ?", (evidence_id,))
    assert record is not None
    return evidence_record(record), created


def _remove_evidence(conn: Connection, guild_id: int, evidence_id: int, actor_id: int) -> None:
    row = fetch_one(
        conn,
        "SELECT claim_id, number FROM evidence WHERE guild_id = ? AND id = ?"
        " AND removed_at IS NULL",
        (guild_id, evidence_id),
    )
    if row is None:  # another server's row, or removed meanwhile: nothing to do or audit
        return
    conn.execute(
        "UPDATE evidence SET removed_at = ?, removed_by = ? WHERE guild_id = ? AND id = ?",
        (time.time(), actor_id, guild_id, evidence_id),
    )
    write_audit(
        conn,
        guild_id=guild_id,
        actor_id=actor_id,
        action="evidence_remove",
        claim_id=row["claim_id"],
        detail={"source": row["number"], "evidence_id": evidence_id},
    )
