"""Who may do what, decided in code (Discord's command permissions are only a UI hint)."""

from __future__ import annotations

from collections.abc import Collection

from bot.core.records import GuildConfig


def may_vote(role_ids: Collection[int], config: GuildConfig | None) -> bool:
    """Everyone votes unless a reviewer role is set; then only its members."""
    if config is None or config.reviewer_role_id is None:
        return True
    return config.reviewer_role_id in role_ids


def is_moderator(
    role_ids: Collection[int], *, manage_guild: bool, config: GuildConfig | None
) -> bool:
    """Manage Server always counts; the moderator role, when set, counts too."""
    if manage_guild:
        return True
    return bool(
        config and config.moderator_role_id is not None and config.moderator_role_id in role_ids
    )


def may_add_evidence(
    role_ids: Collection[int], *, manage_guild: bool, config: GuildConfig | None
) -> bool:
    """Reviewers add evidence, wherever they post it (a command or a thread link); moderators
    always may, so both paths answer the same for the same member."""
    return may_vote(role_ids, config) or is_moderator(
        role_ids, manage_guild=manage_guild, config=config
    )
