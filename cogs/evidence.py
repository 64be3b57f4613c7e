"""`/evidence` and links posted in claim threads; the evidence service (bot/services/
evidence.py) records them, under its per-member rate for thread links."""

from __future__ import annotations

import logging
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.autocomplete import claim_choices, source_choices
from bot.app.client import ClaimBot
from bot.app.guards import Claim, is_moderator_here, may_review_here, refuse
from bot.core.access import Member
from bot.core.render import (
    render_evidence_added,
    render_evidence_list,
    render_links_not_recorded,
    reviewers_only,
)
from bot.core.urls import links_in

log = logging.getLogger("claimbot.evidence")

MAX_LINKS_PER_MESSAGE = 5
LINK_RECORDED = "📎"
LINK_REFUSED = "🚫"


@app_commands.guild_only()
class EvidenceCog(commands.GroupCog, group_name="evidence", group_description="Sources for claims"):
    def __init__(self, bot: ClaimBot) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(name="add", description="Link a source for a claim")
    @app_commands.describe(
        claim="The claim (type its number or words)",
        url="Link to the source",
        stance="Does the source support or refute the claim, or give context?",
        note="Optional: what the source shows",
    )
    @app_commands.autocomplete(claim=claim_choices)
    async def add(
        self,
        interaction: discord.Interaction[ClaimBot],
        claim: Claim,
        url: app_commands.Range[str, 1, 2048],
        stance: Literal["supports", "refutes", "context"],
        note: app_commands.Range[str, 1, 300] | None = None,
    ) -> None:
        config = await self.bot.services.configs.get(claim.guild_id)
        moderator = await is_moderator_here(interaction)
        if not await may_review_here(interaction):
            assert config is not None and config.reviewer_role_id is not None
            await refuse(
                interaction,
                action="evidence_add",
                claim_id=claim.id,
                message=reviewers_only(config.reviewer_role_id),
            )
        await interaction.response.defer(ephemeral=True, thinking=True)
        outcome = await self.bot.services.evidence.add(
            claim,
            url=url,
            stance=stance,
            note=note,
            added_by=interaction.user.id,
            origin="command",
            moderator=moderator,
        )
        await interaction.edit_original_response(
            content=render_evidence_added(
                claim,
                outcome.record,
                created=outcome.created,
                someone_elses=outcome.someone_elses,
            )
        )

    @app_commands.command(name="list", description="The sources linked to a claim")
    @app_commands.describe(claim="The claim (type its number or words)")
    @app_commands.autocomplete(claim=claim_choices)
    async def list(self, interaction: discord.Interaction[ClaimBot], claim: Claim) -> None:
        evidence = await self.bot.services.evidence.sources(claim)
        await interaction.response.send_message(
            render_evidence_list(claim, evidence), ephemeral=True
        )

    @app_commands.command(name="remove", description="Remove a source you linked")
    @app_commands.describe(claim="The claim", source="The source's number in /evidence list")
    @app_commands.autocomplete(claim=claim_choices, source=source_choices)
    async def remove(
        self, interaction: discord.Interaction[ClaimBot], claim: Claim, source: int
    ) -> None:
        item = await self.bot.services.evidence.remove(
            claim,
            source,
            actor_id=interaction.user.id,
            moderator=await is_moderator_here(interaction),
        )
        await interaction.response.send_message(
            f"Removed source #{item.number} from claim #{claim.number}.", ephemeral=True
        )

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        """Links a stopped bot left pending are fetched again (once per process)."""
        with self.bot.handling_event():
            await self.bot.services.evidence.resume_pending()

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """Links posted in a claim's thread become evidence with stance `context`."""
        with self.bot.handling_event():
            await self._record_thread_links(message)

    async def _record_thread_links(self, message: discord.Message) -> None:
        if message.guild is None or message.author.bot:
            return
        if not isinstance(message.channel, discord.Thread):
            return
        links = links_in(message.content, limit=MAX_LINKS_PER_MESSAGE)
        if not links:
            return
        permissions = getattr(message.author, "guild_permissions", None)
        author = Member(
            guild_id=message.guild.id,
            id=message.author.id,
            role_ids=tuple(r.id for r in getattr(message.author, "roles", [])),
            manage_guild=bool(permissions and permissions.manage_guild),
        )
        outcome = await self.bot.services.evidence.record_thread_links(
            author, thread_id=message.channel.id, links=links
        )
        if outcome is None:
            return
        await self._acknowledge(message, LINK_RECORDED if outcome.all_recorded else LINK_REFUSED)
        if outcome.tell:
            await self._tell_slow_down(
                message,
                render_links_not_recorded(outcome.not_recorded, outcome.posted, outcome.tell),
            )

    @staticmethod
    async def _acknowledge(message: discord.Message, emoji: str) -> None:
        try:
            await message.add_reaction(emoji)
        except discord.HTTPException:
            log.warning("could not acknowledge a thread link", exc_info=True)

    @staticmethod
    async def _tell_slow_down(message: discord.Message, text: str) -> None:
        """A short reply to the member's message, pinging no one: Discord has no private
        answer to a plain message, and the 🚫 alone would leave them guessing. The service
        asks for it at most once per member per window, so a flood is not answered in kind."""
        log.info("thread links of member %d over their share: %s", message.author.id, text)
        try:
            await message.reply(
                text, mention_author=False, allowed_mentions=discord.AllowedMentions.none()
            )
        except discord.HTTPException:
            log.warning("could not tell a member why their link was refused", exc_info=True)


async def setup(bot: ClaimBot) -> None:
    await bot.add_cog(EvidenceCog(bot))
