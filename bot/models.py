"""Plain records passed between storage, the pure core and the cogs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class GuildConfig:
    """One server's setup; `options` holds per-guild overrides (limits, emoji, thresholds)."""

    guild_id: int
    review_channel_id: int | None = None
    reviewer_role_id: int | None = None
    moderator_role_id: int | None = None
    options: dict[str, Any] = field(default_factory=dict)
