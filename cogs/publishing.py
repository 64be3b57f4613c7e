"""`/claimbot publish`: a server's public verdict pages on or off. A command of the
`/claimbot` group, whose one owner (cogs/server.py) puts it together with the others."""

from __future__ import annotations

from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.client import ClaimBot
from bot.app.guards import require_moderator, server_of
from bot.core.render import escape_markdown
from bot.pages.addresses import absolute, index_path

REFUSAL = "Only moderators can change publishing (the moderator role or Manage Server)."


class PublishCommands(commands.Cog):
    """The publishing part of the `/claimbot` group (put together in cogs/server.py)."""

    @app_commands.command(
        name="publish", description="Moderators: public pages of this server's verdicts"
    )
    @app_commands.describe(
        state="on: publish the claims with a final or verified status; off: publish none",
        organization="Who signs the pages (needed the first time)",
        base_url="The address the pages are served at, like https://checks.example.org",
        slug="The server's name in the pages' addresses (default: made of the organization)",
    )
    async def publish(
        self,
        interaction: discord.Interaction[ClaimBot],
        state: Literal["on", "off"],
        organization: app_commands.Range[str, 1, 100] | None = None,
        base_url: app_commands.Range[str, 1, 200] | None = None,
        slug: app_commands.Range[str, 1, 40] | None = None,
    ) -> None:
        """Moderators only (checked here, the refusal audited as `denied_publish`)."""
        guild_id = server_of(interaction)
        await require_moderator(interaction, action="publish", claim_id=None, message=REFUSAL)
        publishing = interaction.client.services.publishing
        if state == "off":
            site = await publishing.turn_off(guild_id, actor_id=interaction.user.id)
            text = (
                "Publishing is off: this server's pages now answer “not found”."
                if site is not None
                else "Publishing is off (it was never on)."
            )
        else:
            site = await publishing.turn_on(
                guild_id,
                organization=organization,
                base_url=base_url,
                slug=slug,
                actor_id=interaction.user.id,
            )
            text = (
                "Publishing is on: the claims with a final or verified status are public at "
                f"<{absolute(site.base_url, index_path(site.slug))}>, signed by "
                f"{escape_markdown(site.organization)}. Hold a claim back with "
                "`/claim publish claim:<number> state:off`."
            )
        await interaction.response.send_message(text, ephemeral=True)
