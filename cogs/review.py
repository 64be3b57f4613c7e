"""Votes by reaction on review messages; catch-up (bot/services/catch_up.py) keeps them
exact."""

from __future__ import annotations

import discord
from discord.ext import commands

from bot.app.client import ClaimBot
from bot.services.reaction_votes import Reaction


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
        member = payload.member  # sent with an added reaction only
        await self.bot.services.reactions.handle(
            Reaction(
                guild_id=payload.guild_id,
                channel_id=payload.channel_id,
                message_id=payload.message_id,
                user_id=payload.user_id,
                emoji=str(payload.emoji),
                added=added,
                role_ids=tuple(role.id for role in member.roles) if member else (),
                manage_guild=bool(member and member.guild_permissions.manage_guild),
            )
        )

    @commands.Cog.listener()
    async def on_raw_message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        """Someone deleted a review message: post the claim again, votes kept."""
        with self.bot.handling_event():
            await self.bot.services.review.message_deleted(payload.message_id, payload.guild_id)

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
