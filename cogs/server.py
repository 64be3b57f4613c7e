"""`/claimbot`: health check and the per-server setup."""

from __future__ import annotations

import time

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import ClaimBot
from bot.errors import UserFacingError
from bot.models import GuildConfig
from bot.render import render_settings
from bot.review_messages import DISCORD_REFUSED, missing_review_permissions


@app_commands.guild_only()
class ServerCog(commands.GroupCog, group_name="claimbot", group_description="claimbot itself"):
    def __init__(self, bot: ClaimBot) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(name="ping", description="Check that the bot is up")
    async def ping(self, interaction: discord.Interaction[ClaimBot]) -> None:
        latency_ms = self.bot.latency * 1000 if self.bot.latency == self.bot.latency else 0.0
        uptime = int(time.monotonic() - self.bot.started_at)
        await interaction.response.send_message(
            f"Pong: gateway latency {latency_ms:.0f} ms, up {uptime} s.", ephemeral=True
        )

    @app_commands.command(name="setup", description="Choose the review channel and roles")
    @app_commands.describe(
        review_channel="Where each claim is posted for review",
        reviewer_role="Only members with this role may vote (default: everyone)",
        moderator_role="Members with this role may resolve claims and export",
    )
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.checks.has_permissions(manage_guild=True)
    async def setup(
        self,
        interaction: discord.Interaction[ClaimBot],
        review_channel: discord.TextChannel,
        reviewer_role: discord.Role | None = None,
        moderator_role: discord.Role | None = None,
    ) -> None:
        assert interaction.guild is not None
        previous = await self.bot.guild_config(interaction.guild.id)
        config = GuildConfig(
            guild_id=interaction.guild.id,
            review_channel_id=review_channel.id,
            reviewer_role_id=reviewer_role.id if reviewer_role else None,
            moderator_role_id=moderator_role.id if moderator_role else None,
            options=previous.options if previous else {},
        )
        await self.bot.save_guild_config(config, actor_id=interaction.user.id)
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
        config = await self.bot.guild_config(interaction.guild.id)
        if config is None:
            raise UserFacingError(
                "claimbot is not set up here yet: "
                "someone with Manage Server runs `/claimbot setup`."
            )
        problem = await self.bot.db.last_audit(interaction.guild.id, DISCORD_REFUSED)
        await interaction.response.send_message(render_settings(config, problem), ephemeral=True)


async def setup(bot: ClaimBot) -> None:
    await bot.add_cog(ServerCog(bot))
