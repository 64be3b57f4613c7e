"""`/claim publish`: a moderator holds a claim back from the public pages, or lets it back
(checked here, with the refusal audited), then one call to the publishing service."""

from __future__ import annotations

from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.autocomplete import claim_choices
from bot.app.client import ClaimBot
from bot.app.guards import Claim, require_moderator


class PublishClaimCommands(commands.Cog):
    """The publishing part of the `/claim` group (put together in cogs/claims/__init__.py)."""

    bot: ClaimBot

    @app_commands.command(
        name="publish", description="Moderators: hold a claim back from the public pages"
    )
    @app_commands.describe(claim="The claim", state="off: hold it back; on: let it be published")
    @app_commands.autocomplete(claim=claim_choices)
    async def publish(
        self,
        interaction: discord.Interaction[ClaimBot],
        claim: Claim,
        state: Literal["on", "off"],
    ) -> None:
        await require_moderator(interaction, action="publish", claim_id=claim.id)
        published = state == "on"
        changed = await self.bot.services.publishing.publish_claim(
            claim, published=published, actor_id=interaction.user.id
        )
        if published:
            text = (
                f"Claim #{claim.number} is no longer held back: it is public while this "
                "server publishes and the claim has a final or verified status."
            )
        else:
            text = f"Claim #{claim.number} is held back: its public page answers “not found”."
        if not changed:
            text = f"Nothing changed. {text}"
        await interaction.response.send_message(text, ephemeral=True)
