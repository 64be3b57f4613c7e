"""Recompute a claim's status from what storage holds and save it: the glue between the
append-only tables and the pure status model."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable

from bot.core.records import EvidenceRecord, GuildConfig
from bot.core.status import (
    EvidenceItem,
    StatusResult,
    StatusSettings,
    compute_status,
    current_resolution,
)
from bot.storage.database import Database

# The option of a server's setup that holds its thresholds (`/claimbot thresholds`).
STATUS_OPTION = "status"


def status_settings(config: GuildConfig | None) -> StatusSettings:
    raw = config.options.get(STATUS_OPTION, {}) if config else {}
    return StatusSettings.from_mapping(raw if isinstance(raw, dict) else {})


def evidence_items(records: list[EvidenceRecord]) -> list[EvidenceItem]:
    return [
        EvidenceItem(
            stance=record.stance,
            reachable=record.fetch_status != "unreachable",
            added_by=record.added_by,
        )
        for record in records
    ]


SettingsFor = Callable[[int], Awaitable[StatusSettings]]
# Told which claims changed (votes, sources, a resolution), so statuses and messages follow.
ClaimsChanged = Callable[[set[int]], Awaitable[None]]


async def compute_statuses(
    db: Database, claim_ids: list[int], settings_for: SettingsFor
) -> dict[int, StatusResult]:
    """Statuses of many claims from a handful of queries (a burst of votes touches
    hundreds of claims at once). Claims that do not exist are left out; `settings_for`
    gives a guild's status settings."""
    guilds = await db.claim_guilds(claim_ids)
    settings = {guild_id: await settings_for(guild_id) for guild_id in set(guilds.values())}
    present = [claim_id for claim_id in claim_ids if claim_id in guilds]
    votes = await db.current_votes_for(present)
    evidence = await db.evidence_for_claims(present)
    moderation = await db.moderation_events_for(present)
    return {
        claim_id: compute_status(
            votes[claim_id],
            evidence_items(evidence[claim_id]),
            current_resolution(moderation[claim_id]),
            settings[guilds[claim_id]],
        )
        for claim_id in present
    }


async def refresh_statuses(
    db: Database,
    claim_ids: list[int],
    settings_for: SettingsFor,
    *,
    notices_due: float | None = None,
) -> dict[int, StatusResult]:
    """Recompute and save the statuses of `claim_ids` in one commit, with the verdict
    notices they call for (due at `notices_due`, see bot/services/verdict_notices.py)."""
    results = await compute_statuses(db, claim_ids, settings_for)
    await db.save_statuses(
        [
            (claim_id, r.status, r.confidence, r.explanation, r.final, r.rule)
            for claim_id, r in results.items()
        ],
        notices_due=notices_due,
    )
    return results


class StatusUpdates:
    """What follows a change to a claim's votes, sources or resolution: its status computed
    again and saved (with the verdict notice it calls for), then its review message edited.
    One path for votes, evidence, moderation and new thresholds alike."""

    def __init__(
        self,
        db: Database,
        settings_for: SettingsFor,
        *,
        notices_due: Callable[[], float],
        edit: Callable[[Iterable[int]], None],
    ) -> None:
        """`notices_due`: when a notice queued now is due; `edit`: the live edits of these
        claims' review messages."""
        self._db = db
        self._settings_for = settings_for
        self._notices_due = notices_due
        self._edit = edit

    async def changed(self, claim_ids: set[int]) -> None:
        await refresh_statuses(
            self._db, sorted(claim_ids), self._settings_for, notices_due=self._notices_due()
        )
        self._edit(claim_ids)

    async def recompute_open(self, guild_id: int) -> int:
        """The server's open claims under its thresholds (just changed); returns how many
        changed status. Only claims whose status or confidence moved are edited."""
        before = await self._db.open_claim_statuses(guild_id)
        after = await refresh_statuses(
            self._db, sorted(before), self._settings_for, notices_due=self._notices_due()
        )
        moved = {
            claim_id
            for claim_id, result in after.items()
            if (result.status, round(result.confidence, 6))
            != (before[claim_id][0], round(before[claim_id][1], 6))
        }
        self._edit(moved)
        return sum(1 for claim_id in moved if after[claim_id].status != before[claim_id][0])


RECOMPUTE_CHUNK = 2_000

# A claim's status as `Database.statuses` holds it: (status, confidence, explanation, final).
StoredStatus = tuple[str, float, str, bool]


def stored_form(result: StatusResult) -> StoredStatus:
    return (result.status, result.confidence, result.explanation, result.final)


def settings_from_configs(db: Database) -> SettingsFor:
    """Each server's status settings from its setup, read once per server."""
    configs: dict[int, StatusSettings] = {}

    async def settings_for(guild_id: int) -> StatusSettings:
        if guild_id not in configs:
            configs[guild_id] = status_settings(await db.get_guild_config(guild_id))
        return configs[guild_id]

    return settings_for


async def recompute_all(db: Database) -> tuple[int, int]:
    """Rebuild current votes from the vote log (each reviewer's highest event id, the rule of
    `status.current_votes`), then every status from the event tables.

    Returns (claims recomputed, statuses that differed from the stored ones)."""
    await db.rebuild_current_votes()
    before = await db.statuses()
    settings_for = settings_from_configs(db)
    claims = await db.claim_ids()
    changed = 0
    ids = [claim_id for claim_id, _ in claims]
    for start in range(0, len(ids), RECOMPUTE_CHUNK):
        results = await refresh_statuses(db, ids[start : start + RECOMPUTE_CHUNK], settings_for)
        for claim_id, result in results.items():
            if before.get(claim_id) != stored_form(result):
                changed += 1
    return len(claims), changed


StatusDifference = tuple[int, StoredStatus, StoredStatus]  # (claim id, stored, computed)


async def status_differences(db: Database) -> tuple[int, list[StatusDifference]]:
    """`recompute_all` without writing: every claim's status computed from the stored votes,
    sources and resolutions, and compared with the stored one (`claimbot db copy` checks a
    copy with it). Returns (claims computed, [(claim id, stored, computed)] that differ)."""
    before = await db.statuses()
    settings_for = settings_from_configs(db)
    ids = [claim_id for claim_id, _ in await db.claim_ids()]
    differ: list[StatusDifference] = []
    for start in range(0, len(ids), RECOMPUTE_CHUNK):
        results = await compute_statuses(db, ids[start : start + RECOMPUTE_CHUNK], settings_for)
        for claim_id, result in results.items():
            stored = before.get(claim_id)
            if stored is not None and stored != stored_form(result):
                differ.append((claim_id, stored, stored_form(result)))
    return len(ids), differ
