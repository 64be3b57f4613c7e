"""`/claim next`: the claim a reviewer should review now, and where Skip and Next lead.

The order is the core's (bot/core/queue.py); storage hands over the first candidates of
each part (bot/storage/queue.py). Every answer is computed afresh from the database, so a
claim voted on since the last answer is gone, and a press needs nothing kept in memory:
the claim on screen is named by its number (the button's custom id carries it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.core.access import Member
from bot.core.errors import UserFacingError
from bot.core.queue import SKIP_SECONDS, QueueEntry, next_in_queue
from bot.core.render_queue import (
    queue_embed,
    render_queue_claim,
    render_queue_empty,
    reviewers_only_queue,
)
from bot.services.clock import Clock
from bot.services.guild_configs import GuildConfigs
from bot.services.review_messages import card_parts
from bot.storage.database import Database


@dataclass(frozen=True, slots=True)
class QueuePage:
    """One state of the private reply: a claim (`number`, for its buttons) with its card, or
    the empty queue (no embed, no number)."""

    content: str
    embed: dict[str, Any] | None = None
    number: int | None = None


class ReviewQueue:
    def __init__(self, db: Database, configs: GuildConfigs, *, clock: Clock) -> None:
        """`clock` (wall time: a skip is stored) says when skips start and end."""
        self._db = db
        self._configs = configs
        self._clock = clock

    async def first(self, reviewer: Member) -> QueuePage:
        """The head of the reviewer's queue."""
        await self._require_reviewer(reviewer)
        return await self._page(reviewer, after=None)

    async def move(self, reviewer: Member, *, shown: int, skip: bool) -> QueuePage:
        """The claim after claim #`shown` in the queue as it is now (wrapping round). With
        `skip`, claim #`shown` is first hidden from the reviewer for SKIP_SECONDS."""
        await self._require_reviewer(reviewer)
        entry = await self._db.queue_entry(reviewer.guild_id, shown)
        if skip and entry is not None:
            now = self._clock.now()
            await self._db.skip_claim(
                reviewer.guild_id, reviewer.id, entry.claim_id, until=now + SKIP_SECONDS, now=now
            )
        return await self._page(reviewer, after=entry)

    async def _require_reviewer(self, reviewer: Member) -> None:
        """Members who may vote (`may_review`): the queue offers nothing they cannot do."""
        config = await self._configs.configured(reviewer.guild_id)
        if not reviewer.may_review(config):
            raise UserFacingError(reviewers_only_queue(config.reviewer_role_id))

    async def _page(self, reviewer: Member, *, after: QueueEntry | None) -> QueuePage:
        db = self._db
        guild_id = reviewer.guild_id
        quorum = (await self._configs.status_settings(guild_id)).min_reviewers
        found = await db.queue_candidates(
            guild_id, reviewer.id, quorum=quorum, now=self._clock.now(), after=after
        )
        chosen = next_in_queue(found, quorum, after=after)
        claim = await db.get_claim(guild_id, chosen.claim_id) if chosen else None
        if chosen is None or claim is None:
            return QueuePage(render_queue_empty(await db.open_claim_count(guild_id)))
        config = await self._configs.get(guild_id)
        return QueuePage(
            render_queue_claim(claim, votes=chosen.votes, quorum=quorum),
            queue_embed(claim, **await card_parts(db, claim, config)),
            claim.number,
        )
