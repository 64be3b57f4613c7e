"""Figures over a server's claims and votes, for /stats and the charts."""

from __future__ import annotations

from bot.core.records import ClaimRecord
from bot.storage.claims import OLDEST_AWAITING_SQL, claim_record
from bot.storage.connection import Store, fetch_all


class StatsStore(Store):
    async def status_counts(self, guild_id: int) -> dict[str, int]:
        rows = await self._read(
            fetch_all,
            "SELECT status, count(*) AS n FROM claims WHERE guild_id = ? GROUP BY status",
            (guild_id,),
        )
        return {r["status"]: int(r["n"]) for r in rows}

    async def oldest_awaiting(self, guild_id: int, *, limit: int) -> list[ClaimRecord]:
        rows = await self._read(
            fetch_all,
            OLDEST_AWAITING_SQL,
            (guild_id, limit),
        )
        return [claim_record(r) for r in rows]

    async def top_reviewers(self, guild_id: int, *, limit: int) -> list[tuple[int, int]]:
        """(reviewer, claims voted on) by current votes."""
        rows = await self._read(
            fetch_all,
            "SELECT v.reviewer_id, count(*) AS n FROM claim_votes v JOIN claims c"
            " ON c.id = v.claim_id WHERE c.guild_id = ? GROUP BY v.reviewer_id"
            " ORDER BY n DESC, v.reviewer_id LIMIT ?",
            (guild_id, limit),
        )
        return [(int(r["reviewer_id"]), int(r["n"])) for r in rows]

    async def vote_distribution(self, guild_id: int) -> list[dict[str, int]]:
        """Per claim with votes: counts per vote (for the agreement figure)."""
        rows = await self._read(
            fetch_all,
            "SELECT v.claim_id, v.vote, count(*) AS n FROM claim_votes v JOIN claims c"
            " ON c.id = v.claim_id WHERE c.guild_id = ? GROUP BY v.claim_id, v.vote",
            (guild_id,),
        )
        per_claim: dict[int, dict[str, int]] = {}
        for row in rows:
            per_claim.setdefault(row["claim_id"], {})[row["vote"]] = row["n"]
        return list(per_claim.values())
