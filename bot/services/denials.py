"""A refused attempt, kept in the audit log: one home for the `denied_<action>` entries that
guards and services write before telling the member no."""

from __future__ import annotations

from typing import Any, NoReturn

from bot.core.errors import UserFacingError
from bot.storage.database import Database


async def deny(
    db: Database,
    *,
    guild_id: int,
    actor_id: int,
    action: str,
    claim_id: int | None,
    message: str,
    detail: dict[str, Any] | None = None,
) -> NoReturn:
    """Audit `denied_<action>`, then raise `message` for the member."""
    await db.record_audit(
        guild_id=guild_id,
        actor_id=actor_id,
        action=f"denied_{action}",
        claim_id=claim_id,
        detail=detail,
    )
    raise UserFacingError(message)
