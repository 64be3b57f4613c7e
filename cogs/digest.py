"""`/claimbot digest`: a server's daily or weekly digest and its stale age. A command of the
`/claimbot` group, whose one owner (cogs/server.py) puts it together with the others."""

from __future__ import annotations

import dataclasses
from typing import cast

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.client import ClaimBot
from bot.app.guards import require_moderator, server_of
from bot.core.digest import (
    CADENCES,
    STALE_AFTER_RANGE,
    WEEKDAYS,
    Cadence,
    parse_time_of_day,
    render_digest_settings,
    resolve_timezone,
    timezone_suggestions,
)

SCHEDULE_CHOICES = [app_commands.Choice(name=c.capitalize(), value=c) for c in CADENCES]
WEEKDAY_CHOICES = [app_commands.Choice(name=name, value=i) for i, name in enumerate(WEEKDAYS)]
REFUSAL = "Only moderators can change the digest (the moderator role or Manage Server)."


async def timezone_choices(
    interaction: discord.Interaction[ClaimBot], current: str
) -> list[app_commands.Choice[str]]:
    return [app_commands.Choice(name=name, value=name) for name in timezone_suggestions(current)]


class DigestCommands(commands.Cog):
    """The digest part of the `/claimbot` group (put together in cogs/server.py)."""

    @app_commands.command(
        name="digest", description="Moderators: a daily or weekly digest in the review channel"
    )
    @app_commands.describe(
        schedule="Daily, weekly, or off",
        time="Time of day, HH:MM on a 24-hour clock (default 09:00)",
        timezone="IANA timezone name, e.g. Europe/Paris (default UTC)",
        weekday="Day of a weekly digest (default Monday)",
        stale_after="Days after which a claim still waiting for a verdict is stale (default 7)",
    )
    @app_commands.choices(schedule=SCHEDULE_CHOICES)
    @app_commands.choices(weekday=WEEKDAY_CHOICES)
    @app_commands.autocomplete(timezone=timezone_choices)
    async def digest(
        self,
        interaction: discord.Interaction[ClaimBot],
        schedule: app_commands.Choice[str] | None = None,
        time: app_commands.Range[str, 1, 10] | None = None,
        timezone: app_commands.Range[str, 1, 64] | None = None,
        weekday: app_commands.Choice[int] | None = None,
        stale_after: app_commands.Range[int, *STALE_AFTER_RANGE] | None = None,
    ) -> None:
        """Moderators only (checked here); options left out keep their current value, and none
        at all shows the setting."""
        guild_id = server_of(interaction)
        bot = interaction.client
        await bot.services.configs.configured(guild_id)
        await require_moderator(interaction, action="digest", claim_id=None, message=REFUSAL)
        current = (await bot.services.db.digest_state(guild_id)).schedule
        changes: dict[str, object] = {}
        if schedule is not None:
            changes["cadence"] = cast(Cadence, schedule.value)
        if time is not None:
            changes["time_of_day"] = parse_time_of_day(time)
        if timezone is not None:
            changes["timezone"] = resolve_timezone(timezone)
        if weekday is not None:
            changes["weekday"] = weekday.value
        if stale_after is not None:
            changes["stale_after_days"] = stale_after
        if not changes:
            text = render_digest_settings(current, bot.services.digests.next_at(current))
            await interaction.response.send_message(text, ephemeral=True)
            return
        updated = dataclasses.replace(current, **changes)  # type: ignore[arg-type]
        next_at = await bot.services.digests.save(guild_id, updated, actor_id=interaction.user.id)
        await interaction.response.send_message(
            f"Saved. {render_digest_settings(updated, next_at)}", ephemeral=True
        )
