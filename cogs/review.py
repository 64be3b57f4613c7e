"""Votes by reaction on review messages; catch-up (bot/services/catch_up.py) keeps them
exact."""

from __future__ import annotations

import functools
import logging

import discord
from discord.ext import commands

from bot.app.client import ClaimBot
from bot.core.access import may_review
from bot.core.votes import VoteChange, VoteEmoji
from bot.services.catch_up import remove_reaction
from bot.services.review_messages import vote_emoji
from bot.services.vote_ingest import ReactionVote

log = logging.getLogger("claimbot.review")


class ReviewCog(commands.Cog):
    def __init__(self, bot: ClaimBot) -> None:
        self.bot = bot

    # -- live reactions ---------------------------------------------------------------

    @commands.Cog.listener()
    async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        await self._reaction(payload, added=True)

    @commands.Cog.listener()
    async def on_raw_reaction_remove(self, payload: discord.RawReactionActionEvent) -> None:
        await self._reaction(payload, added=False)

    async def _reaction(self, payload: discord.RawReactionActionEvent, *, added: bool) -> None:
        with self.bot.handling_event():
            await self._count_reaction(payload, added=added)

    async def _count_reaction(
        self, payload: discord.RawReactionActionEvent, *, added: bool
    ) -> None:
        if payload.guild_id is None or self.bot.user is None:
            return
        if payload.user_id == self.bot.user.id:
            return
        known = await self.bot.services.review.claim_of_message(payload.message_id)
        if known is None:
            return
        claim_id, guild_id = known
        if guild_id != payload.guild_id:
            return
        config = await self.bot.services.configs.get(guild_id)
        emoji = vote_emoji(config)
        vote = emoji.vote(str(payload.emoji))
        if vote is None:
            return  # other emoji are conversation, not votes
        if added:
            member = payload.member
            roles = [role.id for role in member.roles] if member else []
            manage_guild = bool(member and member.guild_permissions.manage_guild)
            if not may_review(roles, manage_guild=manage_guild, config=config):
                await remove_reaction(
                    self.bot,
                    payload.channel_id,
                    payload.message_id,
                    emoji.emoji(vote),
                    payload.user_id,
                )
                return
        self.bot.services.ingest.enqueue(
            ReactionVote(guild_id, claim_id, payload.user_id, vote, added),
            functools.partial(self._counted, payload, claim_id, emoji),
        )

    def _counted(
        self,
        payload: discord.RawReactionActionEvent,
        claim_id: int,
        emoji: VoteEmoji,
        outcome: VoteChange | Exception | None,
    ) -> None:
        """After the vote's batch is committed: take down the reaction it replaced."""
        if isinstance(outcome, Exception):
            # Not lost: the reaction is still on Discord; reconcile this claim again soon.
            log.error(
                "vote of %d on claim %d NOT recorded; retrying from Discord's reactions",
                payload.user_id,
                claim_id,
                exc_info=outcome,
            )
            self.bot.services.catch_up.reconcile_later(claim_id)
        elif outcome is not None and outcome.replaced is not None:
            self.bot.in_background(
                remove_reaction(
                    self.bot,
                    payload.channel_id,
                    payload.message_id,
                    emoji.emoji(outcome.replaced),
                    payload.user_id,
                ),
                name=f"unreact-{payload.message_id}-{payload.user_id}",
            )

    @commands.Cog.listener()
    async def on_raw_message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        """Someone deleted a review message: post the claim again, votes kept."""
        with self.bot.handling_event():
            known = await self.bot.services.review.claim_of_message(payload.message_id)
            if known is not None and known[1] == payload.guild_id:
                self.bot.services.review.forget_message(payload.message_id)
                await self.bot.services.review.repost(known[0])

    # -- catch-up ---------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        """Runs after every fresh session (start, or a reconnect that could not resume)."""
        if not self.bot.sharded:
            await self.bot.services.catch_up.run()

    @commands.Cog.listener()
    async def on_shard_ready(self, shard_id: int) -> None:
        """A sharded bot's fresh session is one shard's (discord.py announces `on_ready` only
        once all are ready at start): catch up that shard's servers."""
        await self.bot.services.catch_up.run(shard_id)


async def setup(bot: ClaimBot) -> None:
    await bot.add_cog(ReviewCog(bot))
