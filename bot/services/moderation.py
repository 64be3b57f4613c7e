"""What moderators do to claims: a final status and its undoing, and the server's claims as
a file. Who counts as a moderator is checked before these are called (bot/app/guards.py)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.errors import UserFacingError
from bot.core.records import ClaimRecord
from bot.services.export_files import ExportFormat, export_guild
from bot.services.status_refresh import ClaimsChanged
from bot.storage.database import Database


@dataclass(frozen=True, slots=True)
class ExportFile:
    name: str
    data: bytes
    claims: int


class Moderation:
    def __init__(self, db: Database, claims_changed: ClaimsChanged) -> None:
        self._db = db
        self._claims_changed = claims_changed

    async def resolve(
        self, claim: ClaimRecord, *, actor_id: int, status: str, note: str | None
    ) -> None:
        """A final status that votes no longer move, until `reopen`."""
        await self._moderate(claim, actor_id, "resolve", status, note)

    async def reopen(self, claim: ClaimRecord, *, actor_id: int) -> ClaimRecord:
        """Let votes move the claim again; returns it with the status they now give."""
        if not claim.is_final:
            raise UserFacingError(f"Claim #{claim.number} is not resolved; nothing to reopen.")
        await self._moderate(claim, actor_id, "reopen", None, None)
        return await self._db.get_claim(claim.guild_id, claim.id) or claim

    async def export(
        self, guild_id: int, fmt: ExportFormat, *, organization: str, actor_id: int
    ) -> ExportFile:
        """The server's claims as a file; every export is in the audit log."""
        name, data, count = await export_guild(self._db, guild_id, fmt, organization=organization)
        await self._db.record_audit(
            guild_id=guild_id,
            actor_id=actor_id,
            action="export",
            detail={"format": fmt, "claims": count},
        )
        return ExportFile(name, data, count)

    async def _moderate(
        self, claim: ClaimRecord, actor_id: int, action: str, status: str | None, note: str | None
    ) -> None:
        await self._db.add_moderation_event(
            guild_id=claim.guild_id,
            claim_id=claim.id,
            actor_id=actor_id,
            action=action,
            status=status,
            note=note,
        )
        await self._claims_changed({claim.id})
