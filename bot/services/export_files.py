"""Exports as files: gather claims from storage and render them with the pure exporters.

Shared by `/claim export` and `claimbot export`.
"""

from __future__ import annotations

import json
import time
from typing import Literal

from bot.core.exports import (
    CSV_BOM,
    ExportClaim,
    ExportContext,
    claimreview_eligible,
    evidence_from_records,
    to_claimreview,
    to_csv,
    to_json,
)
from bot.core.vocabulary import VOTES
from bot.storage.database import Database

ExportFormat = Literal["csv", "json", "claimreview"]
EXPORT_FORMATS: tuple[ExportFormat, ...] = ("csv", "json", "claimreview")
FILE_SUFFIX = {"csv": "csv", "json": "json", "claimreview": "claimreview.jsonld"}


async def collect(db: Database, guild_id: int) -> list[ExportClaim]:
    """One guild's claims with their vote counts, evidence and resolution, oldest first."""
    claims = await db.all_claims(guild_id)
    ids = [claim.id for claim in claims]
    counts = await db.vote_counts_for(ids)
    evidence = await db.evidence_for_claims(ids)
    resolutions = await db.resolutions_for([c.id for c in claims if c.is_final])
    return [
        ExportClaim(
            claim=claim,
            votes={v: counts[claim.id].get(v, 0) for v in VOTES},
            evidence=evidence_from_records(evidence[claim.id]),
            resolved_at=resolutions[claim.id][0] if claim.id in resolutions else None,
            resolution_note=resolutions[claim.id][1] if claim.id in resolutions else None,
        )
        for claim in claims
    ]


def render(fmt: ExportFormat, claims: list[ExportClaim], context: ExportContext) -> str:
    if fmt == "csv":
        return to_csv(claims, context)
    if fmt == "json":
        return to_json(claims, context)
    return to_claimreview(claims, context)


async def export_guild(
    db: Database, guild_id: int, fmt: ExportFormat, *, organization: str
) -> tuple[str, bytes, int]:
    """(file name, file bytes, claims exported) for one guild."""
    claims = await collect(db, guild_id)
    context = ExportContext(
        organization=organization,
        organization_url=None,
        guild_id=guild_id,
        generated_at=time.time(),
    )
    text = render(fmt, claims, context)
    count = (
        sum(1 for item in claims if claimreview_eligible(item.claim))
        if fmt == "claimreview"
        else len(claims)
    )
    data = (CSV_BOM + text if fmt == "csv" else text).encode("utf-8")
    return f"claims-{guild_id}.{FILE_SUFFIX[fmt]}", data, count


async def export_all(db: Database, fmt: ExportFormat, *, organization: str) -> str:
    """Every guild in one document (the command line's default): one array, one header."""
    guild_ids = sorted({guild for _, guild in await db.claim_ids()})
    parts: list[str] = []
    for guild_id in guild_ids:
        context = ExportContext(
            organization=organization,
            organization_url=None,
            guild_id=guild_id,
            generated_at=time.time(),
        )
        parts.append(render(fmt, await collect(db, guild_id), context))
    if fmt == "csv":
        if not parts:
            return to_csv([], ExportContext(organization, None, 0, time.time()))
        header, *_ = parts[0].split("\r\n", 1)
        rows = [part.split("\r\n", 1)[1] for part in parts]
        return header + "\r\n" + "".join(rows)
    merged: list[object] = []
    for part in parts:
        merged.extend(json.loads(part))
    return json.dumps(merged, ensure_ascii=False, indent=2)
