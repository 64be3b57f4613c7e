"""Who may do what, decided in code (Discord's command permissions are only a UI hint)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from bot.core.records import GuildConfig


@dataclass(frozen=True, slots=True)
class Member:
    """Who is acting, in which server, as the rules below see them (read from Discord by the
    app layer, so services decide without it)."""

    guild_id: int
    id: int
    role_ids: tuple[int, ...] = ()
    manage_guild: bool = False

    @property
    def key(self) -> tuple[int, int]:
        """(server, member): whose share or rate it is."""
        return (self.guild_id, self.id)

    def may_review(self, config: GuildConfig | None) -> bool:
        return may_review(self.role_ids, manage_guild=self.manage_guild, config=config)


def is_moderator(
    role_ids: Collection[int], *, manage_guild: bool, config: GuildConfig | None
) -> bool:
    """Manage Server always counts; the moderator role, when set, counts too."""
    if manage_guild:
        return True
    return bool(
        config and config.moderator_role_id is not None and config.moderator_role_id in role_ids
    )


def may_review(
    role_ids: Collection[int], *, manage_guild: bool, config: GuildConfig | None
) -> bool:
    """Who reviews claims, by every path: a vote reaction (live or caught up after a
    restart), `/claim next`, a source (command or thread link), a suggestion's buttons.

    Everyone unless a reviewer role is set; then its members, and moderators, who may
    resolve a claim outright anyway.  One rule, so no path offers what another refuses
    (the queue used to show moderators claims whose vote reactions were then removed).
    """
    if config is None or config.reviewer_role_id is None:
        return True
    return config.reviewer_role_id in role_ids or is_moderator(
        role_ids, manage_guild=manage_guild, config=config
    )
