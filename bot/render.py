"""Text and embeds the bot shows, as plain strings and dicts (no discord import)."""

from __future__ import annotations

from bot.models import GuildConfig


def channel_mention(channel_id: int | None) -> str:
    return f"<#{channel_id}>" if channel_id else "not set"


def role_mention(role_id: int | None, fallback: str) -> str:
    return f"<@&{role_id}>" if role_id else fallback


def render_settings(config: GuildConfig) -> str:
    """The setup summary; mentions render as names and never ping (allowed mentions none)."""
    lines = [
        "**claimbot settings**",
        f"Review channel: {channel_mention(config.review_channel_id)}",
        f"Reviewer role: {role_mention(config.reviewer_role_id, 'everyone may vote')}",
        f"Moderator role: {role_mention(config.moderator_role_id, 'members with Manage Server')}",
    ]
    for key in sorted(config.options):
        lines.append(f"{key.replace('_', ' ').capitalize()}: {config.options[key]}")
    return "\n".join(lines)
