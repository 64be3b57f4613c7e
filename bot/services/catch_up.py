"""Catch-up: the stored votes made equal to the reactions on Discord.

Reactions added or removed while the bot was away (or whose write failed) reach it only
by reading the review messages back: after every fresh session, and a few seconds after
a vote could not be written.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable

import discord

from bot.core.access import may_review
from bot.core.records import GuildConfig, ReviewMessage
from bot.core.shards import ShardScope
from bot.core.vocabulary import Vote
from bot.core.votes import reconcile
from bot.services.background import BackgroundTasks
from bot.services.clock import Clock, MonotonicClock
from bot.services.guild_configs import GuildConfigs
from bot.services.review_messages import ReviewPoster, vote_emoji
from bot.services.vote_ingest import ForcedVote, VoteIngest
from bot.storage.database import Database

log = logging.getLogger("claimbot.review")

# Catch-up reads back at most this many review messages per (re)connect, open ones first,
# newest first: older claims keep their last known votes until someone reacts again.
CATCHUP_MESSAGE_LIMIT = 500
# After a vote could not be written, read the claim's reactions back this much later.
RETRY_SECONDS = 5.0


async def remove_reaction(
    client: discord.Client, channel_id: int, message_id: int, emoji: str, user_id: int
) -> None:
    """Best effort: without Manage Messages the reaction stays, but it does not count."""
    message = client.get_partial_messageable(channel_id).get_partial_message(message_id)
    try:
        await message.remove_reaction(emoji, discord.Object(id=user_id))
    except discord.HTTPException as exc:
        log.warning("could not remove a reaction on message %d: %s", message_id, exc)


class CatchUp:
    def __init__(
        self,
        client: discord.Client,
        db: Database,
        configs: GuildConfigs,
        review: ReviewPoster,
        ingest: VoteIngest,
        rerender: Callable[[Iterable[int]], None],
        *,
        shards: ShardScope,
        clock: Clock | None = None,
    ) -> None:
        """`shards` are the process's: a catch-up reads back their servers' claims only.
        `clock` times the second look at a claim whose vote could not be written."""
        self._client = client
        self._shards = shards
        self._clock: Clock = clock or MonotonicClock()
        self._db = db
        self._configs = configs
        self._review = review
        self._ingest = ingest
        self._rerender = rerender
        self._background = BackgroundTasks(log)
        self.runs = 0  # finished catch-ups (tests wait for the first)

    async def run(self, shard_id: int | None = None) -> None:
        """Read back the review messages, then render stale ones and post unposted claims: of
        one shard's servers (a shard whose session is fresh), or by default of every server
        of the process."""
        shards = self._shards if shard_id is None else self._shards.only(shard_id)
        messages = await self._db.review_messages(shards, limit=CATCHUP_MESSAGE_LIMIT)
        for review in messages:
            # Each message alone: one that fails is logged and read again at the next start.
            try:
                try:
                    await self._catch_up_one(review)
                except discord.NotFound:
                    await self._review.repost(review.claim_id)
            except discord.HTTPException as exc:
                log.warning("catch-up skipped claim %d: %s", review.claim_id, exc)
            except Exception:
                log.exception("catch-up of claim %d failed; next start retries", review.claim_id)
        # Edits still pending when the bot last stopped: render those messages again.
        stale = await self._db.stale_review_messages(shards, limit=CATCHUP_MESSAGE_LIMIT)
        self._rerender(stale)
        # Claims whose post failed, or that the bot stopped before posting.
        if await self._review.post_pending(shards):
            self._review.retry_unposted_later()
        self.runs += 1
        log.info(
            "catch-up%s read %d review messages, %d to re-render",
            "" if shard_id is None else f" of {shards.name(shard_id)}",
            len(messages),
            len(stale),
        )

    def reconcile_later(self, claim_id: int) -> None:
        """A vote on this claim could not be written: read its reactions back soon."""
        self._background.start(self._retry(claim_id), name=f"reconcile-{claim_id}", once=True)

    async def _retry(self, claim_id: int) -> None:
        await self._clock.sleep(RETRY_SECONDS)
        try:
            claim = await self._db.get_claim_any_guild(claim_id)
            if claim and claim.message_id and claim.channel_id:
                await self._catch_up_one(
                    ReviewMessage(claim.id, claim.guild_id, claim.channel_id, claim.message_id)
                )
        except Exception:
            log.exception("retry of claim %d failed; the next catch-up will try", claim_id)

    async def close(self) -> None:
        await self._background.close()

    async def _catch_up_one(self, review: ReviewMessage) -> None:
        with self._ingest.snapshot() as mark:
            await self._reconcile(review, mark)

    async def _reconcile(self, review: ReviewMessage, mark: int) -> None:
        config = await self._configs.get(review.guild_id)
        emoji = vote_emoji(config)
        channel = self._client.get_partial_messageable(review.channel_id, guild_id=review.guild_id)
        message = await channel.fetch_message(review.message_id)
        me = self._client.user.id if self._client.user else None
        reacted: dict[Vote, list[int]] = {}
        for reaction in message.reactions:
            vote = emoji.vote(str(reaction.emoji))
            if vote is None:
                continue
            users = [user.id async for user in reaction.users(limit=None)]
            reacted[vote] = [uid for uid in users if uid != me]
        eligible = await self._eligibility(review.guild_id, config, reacted.values())
        stored = await self._db.current_votes(review.claim_id)
        claim = await self._db.get_claim_any_guild(review.claim_id)
        floor = claim.carried_votes_until if claim else 0
        event_ids = await self._db.vote_event_ids(review.claim_id) if floor else {}
        carried = {reviewer for reviewer, event in event_ids.items() if event <= floor}
        plan = reconcile(stored, reacted, eligible=eligible, carried=carried)
        # All of a claim's corrections in one batch (tasks start, and so enqueue, in order).
        await asyncio.gather(
            *(
                self._ingest.submit(
                    ForcedVote(review.guild_id, review.claim_id, reviewer, vote, snapshot=mark)
                )
                for reviewer, vote in sorted(plan.changes.items())
            )
        )
        for reviewer, vote in plan.reactions_to_remove:
            if self._ingest.reacted_since(mark, review.claim_id, reviewer):
                continue  # they reacted again since the read: it no longer tells what to remove
            await remove_reaction(
                self._client, review.channel_id, review.message_id, emoji.emoji(vote), reviewer
            )
        if eligible is not None:
            for vote, users in reacted.items():
                for reviewer in users:
                    if not eligible.get(reviewer, False):
                        await remove_reaction(
                            self._client,
                            review.channel_id,
                            review.message_id,
                            emoji.emoji(vote),
                            reviewer,
                        )

    async def _eligibility(
        self, guild_id: int, config: GuildConfig | None, groups: Iterable[list[int]]
    ) -> dict[int, bool] | None:
        """Who among the reactors may vote; None when everyone may."""
        if config is None or config.reviewer_role_id is None:
            return None
        guild = self._client.get_guild(guild_id)
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
                manage_guild = bool(member and member.guild_permissions.manage_guild)
                eligible[user_id] = may_review(roles, manage_guild=manage_guild, config=config)
        return eligible
