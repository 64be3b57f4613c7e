"""`/claimbot`: health check and the per-server setup; the one owner of the group, whose
`digest` command sits in cogs/digest.py."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.client import ClaimBot
from bot.core.notices import NOTICE_MODE_NAMES, NOTICE_MODES
from bot.core.render import describe_thresholds, render_settings
from bot.core.status import (
    CONSENSUS_PERCENT_RANGE,
    MIN_REVIEWERS_RANGE,
    MIN_SOURCES_TO_VERIFY_RANGE,
    VERIFY_CONFIDENCE_PERCENT_RANGE,
)
from bot.services.review_messages import missing_review_permissions
from cogs.digest import DigestCommands
from cogs.publishing import PublishCommands

NOTICE_CHOICES = [
    app_commands.Choice(name=f"{mode}: {NOTICE_MODE_NAMES[mode]}", value=mode)
    for mode in NOTICE_MODES
]


@app_commands.guild_only()
class ServerCog(
    DigestCommands,
    PublishCommands,
    commands.GroupCog,
    group_name="claimbot",
    group_description="claimbot itself",
):
    def __init__(self, bot: ClaimBot) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(name="ping", description="Check that the bot is up")
    async def ping(self, interaction: discord.Interaction[ClaimBot]) -> None:
        latency_ms = self.bot.latency * 1000 if self.bot.latency == self.bot.latency else 0.0
        uptime = int(self.bot.pace_clock.now() - self.bot.started_at)
        await interaction.response.send_message(
            f"Pong: gateway latency {latency_ms:.0f} ms, up {uptime} s.", ephemeral=True
        )

    @app_commands.command(name="setup", description="Choose the review channel and roles")
    @app_commands.describe(
        review_channel="Where each claim is posted for review",
        reviewer_role="Only members with this role, and moderators, may vote (default: everyone)",
        moderator_role="Members with this role may resolve claims and export",
        alerts_channel="Where I tell admins when Discord refuses me something (default: nowhere)",
        notices="Where verdict notices go (default: origin; left out keeps the current choice)",
    )
    @app_commands.choices(notices=NOTICE_CHOICES)
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.checks.has_permissions(manage_guild=True)
    async def setup(
        self,
        interaction: discord.Interaction[ClaimBot],
        review_channel: discord.TextChannel,
        reviewer_role: discord.Role | None = None,
        moderator_role: discord.Role | None = None,
        alerts_channel: discord.TextChannel | None = None,
        notices: app_commands.Choice[str] | None = None,
    ) -> None:
        assert interaction.guild is not None
        config = await self.bot.services.server_setup.setup(
            interaction.guild.id,
            review_channel_id=review_channel.id,
            reviewer_role_id=reviewer_role.id if reviewer_role else None,
            moderator_role_id=moderator_role.id if moderator_role else None,
            alerts_channel_id=alerts_channel.id if alerts_channel else None,
            notices=notices.value if notices else None,
            actor_id=interaction.user.id,
        )
        lines = [render_settings(config), ""]
        missing = missing_review_permissions(review_channel.permissions_for(interaction.guild.me))
        if missing:
            lines.append(
                f"Saved, but I am missing these permissions in {review_channel.mention}: "
                f"{', '.join(missing)}. Claims cannot be posted until they are granted."
            )
        else:
            lines.append("Saved. Claims will be posted there.")
        await interaction.response.send_message("\n".join(lines), ephemeral=True)

    @app_commands.command(name="settings", description="Show this server's claimbot setup")
    async def settings(self, interaction: discord.Interaction[ClaimBot]) -> None:
        assert interaction.guild is not None
        text = await self.bot.services.server_setup.describe(interaction.guild.id)
        if self.bot.last_sync_failure is not None:
            reason, when = self.bot.last_sync_failure
            text += (
                f"\nLast command sync failed <t:{int(when)}:R>: {reason} "
                "Retrying; the commands Discord already has keep working."
            )
        await interaction.response.send_message(text, ephemeral=True)

    @app_commands.command(
        name="thresholds", description="Show or change when a claim's status moves"
    )
    @app_commands.describe(
        quorum="Reviewers who must vote before a verdict shows (default 3)",
        consensus="Percent of the votes the leading vote needs (default 60)",
        sources="Sources on the majority's side needed to verify (default 1)",
        verify_confidence="Percent confidence needed to verify (default 60)",
        reset="Go back to the defaults first",
    )
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.checks.has_permissions(manage_guild=True)
    async def thresholds(
        self,
        interaction: discord.Interaction[ClaimBot],
        quorum: app_commands.Range[int, *MIN_REVIEWERS_RANGE] | None = None,
        consensus: app_commands.Range[int, *CONSENSUS_PERCENT_RANGE] | None = None,
        sources: app_commands.Range[int, *MIN_SOURCES_TO_VERIFY_RANGE] | None = None,
        verify_confidence: app_commands.Range[int, *VERIFY_CONFIDENCE_PERCENT_RANGE] | None = None,
        reset: bool = False,
    ) -> None:
        assert interaction.guild is not None
        changes = {
            "min_reviewers": quorum,
            "consensus_share": consensus / 100 if consensus is not None else None,
            "min_sources_to_verify": sources,
            "verify_min_confidence": (
                verify_confidence / 100 if verify_confidence is not None else None
            ),
        }

        async def accepted() -> None:
            await interaction.response.defer(ephemeral=True, thinking=True)

        result = await self.bot.services.server_setup.thresholds(
            interaction.guild.id,
            changes,
            reset=reset,
            actor_id=interaction.user.id,
            accepted=accepted,
        )
        if result.moved is None:
            await interaction.response.send_message(
                describe_thresholds(result.settings), ephemeral=True
            )
            return
        moved = result.moved
        await interaction.followup.send(
            f"Saved. {describe_thresholds(result.settings)}\n"
            f"{moved} open claim{'s' if moved != 1 else ''} changed status"
            f"{'; their review messages are being updated' if moved else ''}.",
            ephemeral=True,
        )


async def setup(bot: ClaimBot) -> None:
    await bot.add_cog(ServerCog(bot))
