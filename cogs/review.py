"""Votes by reaction on review messages, and the catch-up that keeps them exact."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Iterable

import discord
from discord.ext import commands

from bot.app.client import ClaimBot
from bot.core.access import may_vote
from bot.core.records import GuildConfig, ReviewMessage
from bot.core.status import Verdict
from bot.core.votes import VoteChange, VoteEmoji, reconcile
from bot.services.review_messages import vote_emoji
from bot.services.vote_ingest import ForcedVote, ReactionVote

log = logging.getLogger("claimbot.review")

# Catch-up reads back at most this many review messages per (re)connect, open ones first,
# newest first: older claims keep their last known votes until someone reacts again.
CATCHUP_MESSAGE_LIMIT = 500
# After a vote could not be written, read the claim's reactions back this much later.
RETRY_SECONDS = 5.0


class ReviewCog(commands.Cog):
    def __init__(self, bot: ClaimBot) -> None:
        self.bot = bot
        self.catchups = 0
        self._retrying: set[int] = set()
        self._background: set[asyncio.Task[None]] = set()

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
        known = await self.bot.review.claim_of_message(payload.message_id)
        if known is None:
            return
        claim_id, guild_id = known
        if guild_id != payload.guild_id:
            return
        config = await self.bot.configs.get(guild_id)
        emoji = vote_emoji(config)
        verdict = emoji.verdict(str(payload.emoji))
        if verdict is None:
            return  # other emoji are conversation, not votes
        if added:
            roles = [role.id for role in payload.member.roles] if payload.member else []
            if not may_vote(roles, config):
                await self._remove_reaction(
                    payload.channel_id, payload.message_id, emoji.emoji(verdict), payload.user_id
                )
                return
        self.bot.ingest.enqueue(
            ReactionVote(guild_id, claim_id, payload.user_id, verdict, added),
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
            self._reconcile_later(claim_id)
        elif outcome is not None and outcome.replaced is not None:
            self.bot.in_background(
                self._remove_reaction(
                    payload.channel_id,
                    payload.message_id,
                    emoji.emoji(outcome.replaced),
                    payload.user_id,
                ),
                name=f"unreact-{payload.message_id}-{payload.user_id}",
            )

    async def _remove_reaction(
        self, channel_id: int, message_id: int, emoji: str, user_id: int
    ) -> None:
        """Best effort: without Manage Messages the reaction stays, but it does not count."""
        message = self.bot.get_partial_messageable(channel_id).get_partial_message(message_id)
        try:
            await message.remove_reaction(emoji, discord.Object(id=user_id))
        except discord.HTTPException as exc:
            log.warning("could not remove a reaction on message %d: %s", message_id, exc)

    def _reconcile_later(self, claim_id: int) -> None:
        if claim_id in self._retrying:
            return
        self._retrying.add(claim_id)

        async def retry() -> None:
            try:
                await asyncio.sleep(RETRY_SECONDS)
                claim = await self.bot.db.get_claim_any_guild(claim_id)
                if claim and claim.message_id and claim.channel_id:
                    await self._catch_up_one(
                        ReviewMessage(claim.id, claim.guild_id, claim.channel_id, claim.message_id)
                    )
            except Exception:
                log.exception("retry of claim %d failed; the next catch-up will try", claim_id)
            finally:
                self._retrying.discard(claim_id)

        task = asyncio.create_task(retry(), name=f"reconcile-{claim_id}")
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    @commands.Cog.listener()
    async def on_raw_message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        """Someone deleted a review message: post the claim again, votes kept."""
        with self.bot.handling_event():
            known = await self.bot.review.claim_of_message(payload.message_id)
            if known is not None and known[1] == payload.guild_id:
                self.bot.review.forget_message(payload.message_id)
                await self.bot.review.repost(known[0])

    # -- catch-up ---------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        """Runs after every fresh session (start, or a reconnect that could not resume)."""
        await self.catch_up()

    async def catch_up(self) -> None:
        messages = await self.bot.db.review_messages(limit=CATCHUP_MESSAGE_LIMIT)
        for review in messages:
            # Each message alone: one that fails is logged and read again at the next start.
            try:
                try:
                    await self._catch_up_one(review)
                except discord.NotFound:
                    await self.bot.review.repost(review.claim_id)
            except discord.HTTPException as exc:
                log.warning("catch-up skipped claim %d: %s", review.claim_id, exc)
            except Exception:
                log.exception("catch-up of claim %d failed; next start retries", review.claim_id)
        # Edits still pending when the bot last stopped: render those messages again.
        stale = await self.bot.db.stale_review_messages(limit=CATCHUP_MESSAGE_LIMIT)
        self.bot.live.touch(stale)
        # Claims whose post failed, or that the bot stopped before posting.
        if await self.bot.review.post_pending():
            self.bot.review.retry_unposted_later()
        self.catchups += 1
        log.info("catch-up read %d review messages, %d to re-render", len(messages), len(stale))

    async def _catch_up_one(self, review: ReviewMessage) -> None:
        with self.bot.ingest.snapshot() as mark:
            await self._reconcile(review, mark)

    async def _reconcile(self, review: ReviewMessage, mark: int) -> None:
        config = await self.bot.configs.get(review.guild_id)
        emoji = vote_emoji(config)
        channel = self.bot.get_partial_messageable(review.channel_id, guild_id=review.guild_id)
        message = await channel.fetch_message(review.message_id)
        reacted: dict[Verdict, list[int]] = {}
        for reaction in message.reactions:
            verdict = emoji.verdict(str(reaction.emoji))
            if verdict is None:
                continue
            users = [user.id async for user in reaction.users(limit=None)]
            reacted[verdict] = [uid for uid in users if uid != self.bot.user.id]  # type: ignore[union-attr]
        eligible = await self._eligibility(review.guild_id, config, reacted.values())
        stored = await self.bot.db.current_votes(review.claim_id)
        claim = await self.bot.db.get_claim_any_guild(review.claim_id)
        floor = claim.carried_votes_until if claim else 0
        event_ids = await self.bot.db.vote_event_ids(review.claim_id) if floor else {}
        carried = {reviewer for reviewer, event in event_ids.items() if event <= floor}
        plan = reconcile(stored, reacted, eligible=eligible, carried=carried)
        # All of a claim's corrections in one batch (tasks start, and so enqueue, in order).
        await asyncio.gather(
            *(
                self.bot.ingest.submit(
                    ForcedVote(review.guild_id, review.claim_id, reviewer, verdict, snapshot=mark)
                )
                for reviewer, verdict in sorted(plan.changes.items())
            )
        )
        for reviewer, verdict in plan.reactions_to_remove:
            if self.bot.ingest.reacted_since(mark, review.claim_id, reviewer):
                continue  # they reacted again since the read: it no longer tells what to remove
            await self._remove_reaction(
                review.channel_id, review.message_id, emoji.emoji(verdict), reviewer
            )
        if eligible is not None:
            for verdict, users in reacted.items():
                for reviewer in users:
                    if not eligible.get(reviewer, False):
                        await self._remove_reaction(
                            review.channel_id, review.message_id, emoji.emoji(verdict), reviewer
                        )

    async def _eligibility(
        self, guild_id: int, config: GuildConfig | None, groups: Iterable[list[int]]
    ) -> dict[int, bool] | None:
        """Who among the reactors may vote; None when everyone may."""
        if config is None or config.reviewer_role_id is None:
            return None
        guild = self.bot.get_guild(guild_id)
        eligible: dict[int, bool] = {}
        for users in groups:
            for user_id in users:
                if user_id in eligible:
                    continue
                member = guild.get_member(user_id) if guild else None
                if member is None and guild is not None:
                    try:
                        member = await guild.fetch_member(user_id)
                    except discord.NotFound:
                        member = None
                roles = [role.id for role in member.roles] if member else []
                eligible[user_id] = may_vote(roles, config)
        return eligible


async def setup(bot: ClaimBot) -> None:
    await bot.add_cog(ReviewCog(bot))
