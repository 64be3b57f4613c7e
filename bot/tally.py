"""Recompute a claim's status from what storage holds and save it: the glue between the
append-only tables and the pure status model."""

from __future__ import annotations

from bot.models import EvidenceRecord, GuildConfig
from bot.status import (
    EvidenceItem,
    ModerationEvent,
    StatusResult,
    StatusSettings,
    compute_status,
    current_resolution,
)
from bot.storage import Database


def status_settings(config: GuildConfig | None) -> StatusSettings:
    raw = config.options.get("status", {}) if config else {}
    return StatusSettings.from_mapping(raw if isinstance(raw, dict) else {})


def evidence_items(records: list[EvidenceRecord]) -> list[EvidenceItem]:
    return [
        EvidenceItem(
            stance=record.stance,  # type: ignore[arg-type]
            reachable=record.fetch_status != "unreachable",
            added_by=record.added_by,
        )
        for record in records
    ]


async def compute_claim_status(
    db: Database, claim_id: int, settings: StatusSettings
) -> StatusResult:
    votes = await db.current_votes(claim_id)
    evidence = await db.evidence_for(claim_id)
    moderation = [
        ModerationEvent(event_id, action, status, note, actor_id, at)  # type: ignore[arg-type]
        for event_id, action, status, note, actor_id, at in await db.moderation_events(claim_id)
    ]
    return compute_status(
        votes,  # type: ignore[arg-type]
        evidence_items(evidence),
        current_resolution(moderation),
        settings,
    )


async def refresh_claim_status(
    db: Database, claim_id: int, settings: StatusSettings
) -> StatusResult:
    result = await compute_claim_status(db, claim_id, settings)
    await db.save_status(
        claim_id,
        status=result.status,
        confidence=result.confidence,
        explanation=result.explanation,
        final=result.final,
    )
    return result


async def recompute_all(db: Database) -> tuple[int, int]:
    """Rebuild current votes from the vote log, then every status from the event tables.

    Returns (claims recomputed, statuses that differed from the stored ones)."""
    await db.rebuild_current_votes()
    before = await db.statuses()
    configs: dict[int, StatusSettings] = {}
    changed = 0
    claims = await db.claim_ids()
    for claim_id, guild_id in claims:
        if guild_id not in configs:
            configs[guild_id] = status_settings(await db.get_guild_config(guild_id))
        result = await refresh_claim_status(db, claim_id, configs[guild_id])
        old = before.get(claim_id)
        new = (result.status, result.confidence, result.explanation, result.final)
        if old != new:
            changed += 1
    return len(claims), changed
