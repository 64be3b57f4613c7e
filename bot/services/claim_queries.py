"""What members read about the claims of their server: a claim's card, the pages of
`/claim list` (stale claims among them), full-text search and the stats. Read-only."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from bot.core.charts import status_chart
from bot.core.digest import DAY, STALE, STALE_LABEL, days
from bot.core.records import ClaimRecord
from bot.core.render import claim_status_embed, review_stats
from bot.core.search import search_terms
from bot.core.vocabulary import STATUS_LABELS
from bot.services.clock import Clock
from bot.services.guild_configs import GuildConfigs
from bot.services.review_messages import card_parts
from bot.storage.database import Database

PAGE_SIZE = 10
SEARCH_RESULTS = 10
STATS_ROWS = 5


@dataclass(frozen=True, slots=True)
class ClaimPage:
    """One page of `/claim list`: its claims, how many match in all, and what was asked for
    (the status label, empty for every status)."""

    claims: list[ClaimRecord]
    total: int
    label: str

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


@dataclass(frozen=True, slots=True)
class Stats:
    """`/claim stats`: the summary embed, and the chart's PNG when there is anything to draw."""

    embed: dict[str, Any]
    chart: bytes | None


class ClaimQueries:
    def __init__(self, db: Database, configs: GuildConfigs, *, clock: Clock) -> None:
        """`clock` (wall time) tells which claims are stale and how long they have waited."""
        self._db = db
        self._configs = configs
        self._clock = clock

    async def status_card(self, claim: ClaimRecord) -> dict[str, Any]:
        """`/claim status`: the claim's card with a link to its review message."""
        config = await self._configs.get(claim.guild_id)
        return claim_status_embed(claim, **await card_parts(self._db, claim, config))

    async def page(
        self, guild_id: int, *, status: str | None, submitter_id: int | None, page: int
    ) -> ClaimPage:
        """Newest first; `status` STALE lists the claims waiting for a verdict for longer
        than the server's stale age, oldest first."""
        if status == STALE:
            stale_days = (await self._db.digest_state(guild_id)).schedule.stale_after_days
            claims, total = await self._db.stale_claims(
                guild_id,
                created_before=self._clock.now() - stale_days * DAY,
                submitter_id=submitter_id,
                offset=page * PAGE_SIZE,
                limit=PAGE_SIZE,
            )
            label = f"{STALE_LABEL} (open longer than {days(stale_days)}), oldest first"
            return ClaimPage(claims, total, label)
        claims, total = await self._db.list_claims(
            guild_id,
            status=status,
            submitter_id=submitter_id,
            offset=page * PAGE_SIZE,
            limit=PAGE_SIZE,
        )
        return ClaimPage(claims, total, STATUS_LABELS[status] if status else "")

    async def search(self, guild_id: int, query: str) -> list[ClaimRecord]:
        """Best match first; words the index cannot use find nothing rather than fail."""
        terms = search_terms(query)
        if not terms:
            return []
        return await self._db.search_claims(guild_id, terms, limit=SEARCH_RESULTS)

    async def stats(self, guild_id: int) -> Stats:
        db = self._db
        counts = await db.status_counts(guild_id)
        summary = review_stats(
            status_counts=counts,
            oldest=await db.oldest_awaiting(guild_id, limit=STATS_ROWS),
            reviewers=await db.top_reviewers(guild_id, limit=STATS_ROWS),
            distributions=await db.vote_distribution(guild_id),
            now=self._clock.now(),
        )
        return Stats(summary, await asyncio.to_thread(status_chart, counts))
