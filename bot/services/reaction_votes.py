"""A reaction on a review message in, a queued vote out: which reactions count as votes,
whose are taken down, and what follows once the vote's batch is committed."""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass

import discord

from bot.core.access import may_review
from bot.core.votes import VoteChange, VoteEmoji
from bot.services.catch_up import CatchUp, remove_reaction
from bot.services.guild_configs import GuildConfigs
from bot.services.review_messages import ReviewPoster, vote_emoji
from bot.services.suggestions import Spawn
from bot.services.vote_ingest import ReactionVote, VoteIngest

log = logging.getLogger("claimbot.review")


@dataclass(frozen=True, slots=True)
class Reaction:
    """One reaction added or removed, as the gateway reported it. `role_ids` and
    `manage_guild` describe the member who added it (Discord sends no member on removal)."""

    guild_id: int | None
    channel_id: int
    message_id: int
    user_id: int
    emoji: str
    added: bool
    role_ids: tuple[int, ...] = ()
    manage_guild: bool = False


class ReactionVotes:
    def __init__(
        self,
        client: discord.Client,
        review: ReviewPoster,
        configs: GuildConfigs,
        ingest: VoteIngest,
        catch_up: CatchUp,
        spawn: Spawn,
    ) -> None:
        self._client = client
        self._review = review
        self._configs = configs
        self._ingest = ingest
        self._catch_up = catch_up
        self._spawn = spawn

    async def handle(self, reaction: Reaction) -> None:
        """Queue the vote a reaction casts or retracts. Other emoji, the bot's own reactions
        and messages that are not review messages of this server are no votes; a vote from
        a member who may not review is taken down and never counted."""
        me = self._client.user
        if reaction.guild_id is None or me is None or reaction.user_id == me.id:
            return
        known = await self._review.claim_of_message(reaction.message_id)
        if known is None:
            return
        claim_id, guild_id = known
        if guild_id != reaction.guild_id:
            return
        config = await self._configs.get(guild_id)
        emoji = vote_emoji(config)
        vote = emoji.vote(reaction.emoji)
        if vote is None:
            return  # other emoji are conversation, not votes
        if reaction.added and not may_review(
            list(reaction.role_ids), manage_guild=reaction.manage_guild, config=config
        ):
            await remove_reaction(
                self._client,
                reaction.channel_id,
                reaction.message_id,
                emoji.emoji(vote),
                reaction.user_id,
            )
            return
        self._ingest.enqueue(
            ReactionVote(guild_id, claim_id, reaction.user_id, vote, reaction.added),
            functools.partial(self._counted, reaction, claim_id, emoji),
        )

    def _counted(
        self,
        reaction: Reaction,
        claim_id: int,
        emoji: VoteEmoji,
        outcome: VoteChange | Exception | None,
    ) -> None:
        """After the vote's batch is committed: take down the reaction it replaced."""
        if isinstance(outcome, Exception):
            # Not lost: the reaction is still on Discord; reconcile this claim again soon.
            log.error(
                "vote of %d on claim %d NOT recorded; retrying from Discord's reactions",
                reaction.user_id,
                claim_id,
                exc_info=outcome,
            )
            self._catch_up.reconcile_later(claim_id)
        elif outcome is not None and outcome.replaced is not None:
            self._spawn(
                remove_reaction(
                    self._client,
                    reaction.channel_id,
                    reaction.message_id,
                    emoji.emoji(outcome.replaced),
                    reaction.user_id,
                ),
                f"unreact-{reaction.message_id}-{reaction.user_id}",
            )
