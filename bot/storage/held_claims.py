"""Held claims (migration 0014): the check-worthy claims of a document over the server's
cap, kept until **Post the rest** posts them. These run on the database thread inside the
transactions of `ClaimStore` (bot/storage/claims.py) that store the document's claims, so a
held claim is written with its document and deleted as it becomes a claim."""

from __future__ import annotations

import json
from collections.abc import Sequence

from bot.core.records import HeldBatch, HeldClaim
from bot.storage.connection import fetch_all, fetch_one
from bot.storage.dialect import Connection, Row


class HeldTaken(Exception):
    """Another press took these held claims first: roll back, post nothing twice."""


def insert_held(
    conn: Connection, guild_id: int, document_id: int, held: Sequence[HeldClaim]
) -> None:
    """The claims the cap left out of a document, ranked in the order given (best first)."""
    conn.executemany(
        "INSERT INTO held_claims (document_id, rank, guild_id, text, speaker, language,"
        " score, reasons, span_start, span_end) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                document_id,
                rank,
                guild_id,
                claim.text,
                claim.speaker,
                claim.language,
                claim.score,
                json.dumps(list(claim.reasons)),
                claim.start if claim.start >= 0 else None,
                claim.end if claim.start >= 0 else None,
            )
            for rank, claim in enumerate(held, 1)
        ],
    )


def read_held(conn: Connection, guild_id: int, document_id: int, limit: int) -> HeldBatch | None:
    """The next `limit` held claims of a document of this server; None when the server has
    no such document (another server's id reads as none)."""
    document = fetch_one(
        conn,
        "SELECT submitter_id, url, title FROM documents WHERE id = ? AND guild_id = ?",
        (document_id, guild_id),
    )
    if document is None:
        return None
    where = "guild_id = ? AND document_id = ?"
    rows = fetch_all(
        conn,
        f"SELECT * FROM held_claims WHERE {where} ORDER BY rank LIMIT ?",
        (guild_id, document_id, limit),
    )
    count = fetch_one(
        conn, f"SELECT count(*) AS n FROM held_claims WHERE {where}", (guild_id, document_id)
    )
    return HeldBatch(
        document_id=document_id,
        submitter_id=int(document["submitter_id"]),
        url=document["url"],
        title=document["title"],
        claims=[_held_claim(row) for row in rows],
        held=int(count["n"]) if count else 0,
    )


def take_held(conn: Connection, guild_id: int, batch: HeldBatch) -> None:
    """Delete the held claims of `batch`, about to be stored as claims in this transaction;
    raises HeldTaken when another press deleted any of them first."""
    ranks = [claim.rank for claim in batch.claims]
    marks = ",".join("?" * len(ranks))
    deleted = conn.execute(
        f"DELETE FROM held_claims WHERE guild_id = ? AND document_id = ? AND rank IN ({marks})",
        (guild_id, batch.document_id, *ranks),
    ).rowcount
    if deleted != len(ranks):
        raise HeldTaken


def _held_claim(row: Row) -> HeldClaim:
    located = row["span_start"] is not None and row["span_end"] is not None
    return HeldClaim(
        text=row["text"],
        speaker=row["speaker"],
        language=row["language"],
        score=float(row["score"]),
        reasons=tuple(json.loads(row["reasons"])),
        start=int(row["span_start"]) if located else -1,
        end=int(row["span_end"]) if located else -1,
        rank=int(row["rank"]),
    )
