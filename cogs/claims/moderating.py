"""`/claim resolve`, `/claim reopen` and `/claim export`: moderators only (checked here, with
the refusal audited), then one call to the moderation service."""

from __future__ import annotations

import io
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.autocomplete import claim_choices
from bot.app.client import ClaimBot
from bot.app.guards import Claim, require_moderator
from bot.core.vocabulary import FINAL_VERDICTS, STATUS_LABELS

FINAL_VERDICT_CHOICES = [
    app_commands.Choice(name=STATUS_LABELS[s], value=s) for s in FINAL_VERDICTS
]


class ModerationCommands(commands.Cog):
    """The moderating part of the `/claim` group (put together in cogs/claims/__init__.py)."""

    bot: ClaimBot

    @app_commands.command(name="resolve", description="Moderators: set a claim's final status")
    @app_commands.describe(
        claim="The claim", verdict="The final status", note="Why (shown with the status)"
    )
    @app_commands.autocomplete(claim=claim_choices)
    @app_commands.choices(verdict=FINAL_VERDICT_CHOICES)
    async def resolve(
        self,
        interaction: discord.Interaction[ClaimBot],
        claim: Claim,
        verdict: app_commands.Choice[str],
        note: app_commands.Range[str, 1, 300] | None = None,
    ) -> None:
        await require_moderator(interaction, action="resolve", claim_id=claim.id)
        await self.bot.services.moderation.resolve(
            claim, actor_id=interaction.user.id, status=verdict.value, note=note
        )
        await interaction.response.send_message(
            f"Claim #{claim.number} is now {verdict.name} (final until `/claim reopen`).",
            ephemeral=True,
        )

    @app_commands.command(name="reopen", description="Moderators: let votes move a claim again")
    @app_commands.describe(claim="The claim")
    @app_commands.autocomplete(claim=claim_choices)
    async def reopen(self, interaction: discord.Interaction[ClaimBot], claim: Claim) -> None:
        await require_moderator(interaction, action="reopen", claim_id=claim.id)
        reopened = await self.bot.services.moderation.reopen(claim, actor_id=interaction.user.id)
        await interaction.response.send_message(
            f"Claim #{claim.number} is open again: {STATUS_LABELS[reopened.status]}.",
            ephemeral=True,
        )

    @app_commands.command(name="export", description="Moderators: the server's claims as a file")
    @app_commands.describe(format="csv, json, or schema.org ClaimReview (resolved and verified)")
    async def export(
        self,
        interaction: discord.Interaction[ClaimBot],
        format: Literal["csv", "json", "claimreview"],
    ) -> None:
        assert interaction.guild is not None  # guild_only
        await require_moderator(interaction, action="export", claim_id=None)
        await interaction.response.defer(ephemeral=True, thinking=True)
        exported = await self.bot.services.moderation.export(
            interaction.guild.id,
            format,
            organization=interaction.guild.name,
            actor_id=interaction.user.id,
        )
        await interaction.followup.send(
            f"{exported.claims} claim(s) exported as {format}.",
            file=discord.File(io.BytesIO(exported.data), filename=exported.name),
            ephemeral=True,
        )
