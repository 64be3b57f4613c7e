"""`/evidence` and links posted in claim threads."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.autocomplete import claim_choices, source_choices
from bot.app.client import ClaimBot
from bot.app.guards import (
    Claim,
    is_moderator_here,
    may_review_here,
    refuse,
    require_moderator,
)
from bot.core.access import may_review
from bot.core.errors import UserFacingError
from bot.core.fairness import LinkRateLimit
from bot.core.render import render_evidence_added, render_evidence_list, reviewers_only
from bot.core.urls import links_in
from bot.web.errors import FetchError

log = logging.getLogger("claimbot.evidence")

MAX_LINKS_PER_MESSAGE = 5
LINK_RECORDED = "📎"
LINK_REFUSED = "🚫"


@app_commands.guild_only()
class EvidenceCog(commands.GroupCog, group_name="evidence", group_description="Sources for claims"):
    def __init__(self, bot: ClaimBot) -> None:
        self.bot = bot
        self.thread_links = LinkRateLimit(
            bot.settings.thread_links_per_window, bot.settings.thread_link_window_seconds
        )
        self.clock: Callable[[], float] = time.monotonic  # tests move time on by hand
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
        config = await self.bot.configs.get(claim.guild_id)
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
        outcome = await self.bot.evidence.add(
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
        evidence = await self.bot.db.evidence_for(claim.id)
        await interaction.response.send_message(
            render_evidence_list(claim, evidence), ephemeral=True
        )

    @app_commands.command(name="remove", description="Remove a source you linked")
    @app_commands.describe(claim="The claim", source="The source's number in /evidence list")
    @app_commands.autocomplete(claim=claim_choices, source=source_choices)
    async def remove(
        self, interaction: discord.Interaction[ClaimBot], claim: Claim, source: int
    ) -> None:
        item = await self.bot.db.evidence_by_number(claim.id, source)
        if item is None:
            raise UserFacingError(f"Claim #{claim.number} has no source #{source}.")
        if item.added_by != interaction.user.id:
            await require_moderator(
                interaction,
                action="evidence_remove",
                claim_id=claim.id,
                message="Only the member who added a source, or a moderator, can remove it.",
                detail={"source": item.number, "evidence_id": item.id},
            )
        await self.bot.db.remove_evidence(claim.guild_id, item.id, actor_id=interaction.user.id)
        await self.bot.claims_changed({claim.id})
        await interaction.response.send_message(
            f"Removed source #{item.number} from claim #{claim.number}.", ephemeral=True
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
        permissions = getattr(message.author, "guild_permissions", None)
        manage_guild = bool(permissions and permissions.manage_guild)
        config = await self.bot.configs.get(message.guild.id)
        if not may_review(roles, manage_guild=manage_guild, config=config):
            log.info("thread link from a non-reviewer not recorded for claim %d", claim.id)
            await self._acknowledge(message, LINK_REFUSED)
            return
        owner = (message.guild.id, message.author.id)
        now = self.clock()
        grant = self.thread_links.take(owner, len(links), now)
        not_recorded = len(links) - grant.allowed
        # Reasons the member can act on by waiting; other refusals stay in the log.
        slow_down = [self.thread_links.describe(grant.retry_after)] if not_recorded else []
        outcome_emoji = LINK_RECORDED if not not_recorded else LINK_REFUSED
        for link in links[: grant.allowed]:
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
                not_recorded += 1
                if isinstance(exc, FetchError) and exc.code == "busy":
                    slow_down.append(exc.message)
        await self._acknowledge(message, outcome_emoji)
        if slow_down and self.thread_links.should_tell(owner, now):
            await self._tell_slow_down(message, not_recorded, len(links), slow_down)

    @staticmethod
    async def _acknowledge(message: discord.Message, emoji: str) -> None:
        try:
            await message.add_reaction(emoji)
        except discord.HTTPException:
            log.warning("could not acknowledge a thread link", exc_info=True)

    async def _tell_slow_down(
        self, message: discord.Message, not_recorded: int, posted: int, reasons: Sequence[str]
    ) -> None:
        """A short reply to the member's message, pinging no one: Discord has no private
        answer to a plain message, and the 🚫 alone would leave them guessing. `should_tell`
        keeps it to one reply per member per window, so a flood is not answered in kind."""
        head = (
            "Not recorded."
            if not_recorded == posted
            else f"{not_recorded} of {posted} links not recorded."
        )
        text = " ".join([head, *dict.fromkeys(reasons)])
        log.info("thread links of member %d over their share: %s", message.author.id, text)
        try:
            await message.reply(
                text, mention_author=False, allowed_mentions=discord.AllowedMentions.none()
            )
        except discord.HTTPException:
            log.warning("could not tell a member why their link was refused", exc_info=True)


async def setup(bot: ClaimBot) -> None:
    await bot.add_cog(EvidenceCog(bot))
