"""`/evidence` and links posted in claim threads."""

from __future__ import annotations

import logging
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.access import is_moderator, may_vote
from bot.choices import claim_choices
from bot.client import ClaimBot
from bot.errors import UserFacingError
from bot.models import ClaimRecord
from bot.render import render_evidence_added, render_evidence_list, reviewers_only
from bot.urls import links_in

log = logging.getLogger("claimbot.evidence")

MAX_LINKS_PER_MESSAGE = 5
LINK_RECORDED = "📎"
LINK_REFUSED = "🚫"


@app_commands.guild_only()
class EvidenceCog(commands.GroupCog, group_name="evidence", group_description="Sources for claims"):
    def __init__(self, bot: ClaimBot) -> None:
        self.bot = bot
        super().__init__()

    async def _claim(
        self, interaction: discord.Interaction[ClaimBot], claim_id: int
    ) -> ClaimRecord:
        assert interaction.guild_id is not None
        claim = await self.bot.db.get_claim(interaction.guild_id, claim_id)
        if claim is None:
            raise UserFacingError(f"There is no claim #{claim_id} in this server.")
        return claim

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
        claim: int,
        url: app_commands.Range[str, 1, 2048],
        stance: Literal["supports", "refutes", "context"],
        note: app_commands.Range[str, 1, 300] | None = None,
    ) -> None:
        record = await self._claim(interaction, claim)
        assert interaction.guild_id is not None
        config = await self.bot.guild_config(interaction.guild_id)
        roles = [r.id for r in getattr(interaction.user, "roles", [])]
        if not may_vote(roles, config):
            await self.bot.db.record_audit(
                guild_id=interaction.guild_id,
                actor_id=interaction.user.id,
                action="denied_evidence_add",
                claim_id=record.id,
            )
            assert config is not None and config.reviewer_role_id is not None
            raise UserFacingError(reviewers_only(config.reviewer_role_id))
        moderator = is_moderator(
            roles, manage_guild=interaction.permissions.manage_guild, config=config
        )
        await interaction.response.defer(ephemeral=True, thinking=True)
        outcome = await self.bot.evidence.add(
            record,
            url=url,
            stance=stance,
            note=note,
            added_by=interaction.user.id,
            origin="command",
            moderator=moderator,
        )
        await interaction.edit_original_response(
            content=render_evidence_added(
                record,
                outcome.record,
                created=outcome.created,
                someone_elses=outcome.someone_elses,
            )
        )

    @app_commands.command(name="list", description="The sources linked to a claim")
    @app_commands.describe(claim="The claim (type its number or words)")
    @app_commands.autocomplete(claim=claim_choices)
    async def list(self, interaction: discord.Interaction[ClaimBot], claim: int) -> None:
        record = await self._claim(interaction, claim)
        evidence = await self.bot.db.evidence_for(record.id)
        await interaction.response.send_message(
            render_evidence_list(record, evidence), ephemeral=True
        )

    @app_commands.command(name="remove", description="Remove a source you linked")
    @app_commands.describe(claim="The claim", evidence="The source's number in /evidence list")
    @app_commands.autocomplete(claim=claim_choices)
    async def remove(
        self, interaction: discord.Interaction[ClaimBot], claim: int, evidence: int
    ) -> None:
        record = await self._claim(interaction, claim)
        assert interaction.guild_id is not None
        item = await self.bot.db.get_evidence(interaction.guild_id, evidence)
        if item is None or item.claim_id != record.id:
            raise UserFacingError(f"Claim #{record.id} has no source #{evidence}.")
        config = await self.bot.guild_config(interaction.guild_id)
        roles = [r.id for r in getattr(interaction.user, "roles", [])]
        moderator = is_moderator(
            roles, manage_guild=interaction.permissions.manage_guild, config=config
        )
        if item.added_by != interaction.user.id and not moderator:
            await self.bot.db.record_audit(
                guild_id=interaction.guild_id,
                actor_id=interaction.user.id,
                action="denied_evidence_remove",
                claim_id=record.id,
                detail={"evidence_id": evidence},
            )
            raise UserFacingError(
                "Only the member who added a source, or a moderator, can remove it."
            )
        await self.bot.db.remove_evidence(
            interaction.guild_id, evidence, actor_id=interaction.user.id
        )
        await self.bot.claims_changed({record.id})
        await interaction.response.send_message(
            f"Removed source #{evidence} from claim #{record.id}.", ephemeral=True
        )

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        """Links a stopped bot left pending are fetched again (once per process)."""
        with self.bot.handling_event():
            await self.bot.evidence.resume_pending()

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
        claim = await self.bot.db.claim_for_thread(message.channel.id)
        if claim is None or claim.guild_id != message.guild.id:
            return
        roles = [r.id for r in getattr(message.author, "roles", [])]
        if not may_vote(roles, await self.bot.guild_config(message.guild.id)):
            log.info("thread link from a non-reviewer not recorded for claim %d", claim.id)
            await self._acknowledge(message, LINK_REFUSED)
            return
        outcome_emoji = LINK_RECORDED
        for link in links:
            try:
                await self.bot.evidence.add(
                    claim,
                    url=link,
                    stance="context",
                    note=None,
                    added_by=message.author.id,
                    origin="thread",
                )
            except UserFacingError as exc:
                log.info("thread link refused for claim %d: %s", claim.id, exc.message)
                outcome_emoji = LINK_REFUSED
        await self._acknowledge(message, outcome_emoji)

    @staticmethod
    async def _acknowledge(message: discord.Message, emoji: str) -> None:
        try:
            await message.add_reaction(emoji)
        except discord.HTTPException:
            log.warning("could not acknowledge a thread link", exc_info=True)


async def setup(bot: ClaimBot) -> None:
    await bot.add_cog(EvidenceCog(bot))
