"""Public verdict pages: which servers publish, which claims a moderator withheld, and the
reads of `claimbot web` (one round trip per page).

A claim is published when its server publishes, it has a final verdict or a verified status
(`CLAIMREVIEW_VERIFIED_STATUSES`, the ClaimReview export's rule), and no moderator withheld
it. Every read names its server; the queries are plain SQL (no SQLite function), so the
PostgreSQL backend runs them as they are.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

from bot.core.exports import CLAIMREVIEW_VERIFIED_STATUSES
from bot.core.records import ClaimRecord, EvidenceRecord, PublishedClaim, PublishedSite
from bot.core.snapshots import ARCHIVED_EXCERPT_CHARS
from bot.storage.audit import write_audit
from bot.storage.claims import claim_record
from bot.storage.connection import Store, fetch_all, fetch_for_ids, fetch_one
from bot.storage.dialect import Connection, Row
from bot.storage.evidence import evidence_record


def published_claim(alias: str = "c") -> str:
    """SQL true for a published claim, the one definition: a final verdict or a verified status
    (the ClaimReview export's rule) that no moderator withheld. The public pages show these,
    and the snapshots of their sources are never pruned for a server's bytes. The partial
    indexes of migration 0017 hold exactly the claims of its first part."""
    statuses = ", ".join(f"'{status}'" for status in CLAIMREVIEW_VERIFIED_STATUSES)
    return (
        f"({alias}.is_final = 1 OR {alias}.status IN ({statuses}))"
        f" AND NOT EXISTS (SELECT 1 FROM withheld_claims w WHERE w.claim_id = {alias}.id)"
    )


PUBLISHED_SQL = published_claim("c")

_T = TypeVar("_T")
_SITE_COLUMNS = "guild_id, slug, organization, base_url, enabled"


class PublishingStore(Store):
    async def published_site(self, guild_id: int) -> PublishedSite | None:
        """The server's publishing choices, on or off; None before the first `on`."""
        row = await self._read(
            fetch_one,
            f"SELECT {_SITE_COLUMNS} FROM published_guilds WHERE guild_id = ?",
            (guild_id,),
        )
        return _site(row) if row else None

    async def site_by_slug(self, slug: str) -> PublishedSite | None:
        """The server a public URL names, only while it publishes."""
        return await self._read(_site_by_slug, slug)

    async def save_published_site(self, site: PublishedSite, *, actor_id: int) -> bool:
        """Save the server's choices with their audit entry (`publish`); False, and nothing
        saved, when another server has the slug."""
        return await self._write(_save_site, site, actor_id, time.time())

    async def withhold_claim(
        self, guild_id: int, claim_id: int, *, withheld: bool, actor_id: int
    ) -> bool:
        """Withhold a claim from the pages, or let it back; audited as `publish_claim`.
        Returns whether anything changed."""
        return await self._write(_withhold, guild_id, claim_id, withheld, actor_id, time.time())

    async def is_withheld(self, claim_id: int) -> bool:
        row = await self._read(
            fetch_one, "SELECT 1 AS x FROM withheld_claims WHERE claim_id = ?", (claim_id,)
        )
        return row is not None

    async def publishing_changes(self, since: float) -> set[tuple[int, float]]:
        """(server, stamp) of what may have changed a server's pages after `since`: its
        publishing choices or a claim withheld or let back (`changed_at`), any claim stamped
        (status, votes, sources)."""
        return await self._read(_publishing_changes, since)

    async def latest_publishing_stamp(self) -> float:
        """The latest stamp `publishing_changes` would see now (0 on an empty database)."""
        row = await self._read(
            fetch_one,
            "SELECT (SELECT max(changed_at) FROM published_guilds) AS publishing,"
            " (SELECT max(updated_at) FROM claims) AS claims",
        )
        return max((row[name] or 0.0) for name in ("publishing", "claims")) if row else 0.0

    # Each page of `claimbot web` is one round trip: the server its slug names, then its
    # claims, read together on the database thread. None: the slug names no publishing server.

    async def published_page(
        self, slug: str, *, status: str | None, offset: int, limit: int
    ) -> tuple[PublishedSite, list[PublishedClaim], int] | None:
        """A page of the server's published claims, newest first, and how many in all
        (without their votes and sources: a list does not show them)."""
        found = await self._read(_for_site, slug, _published_page, status, offset, limit)
        if found is None:
            return None
        site, (claims, total) = found
        return site, claims, total

    async def published_claim(
        self, slug: str, number: int
    ) -> tuple[PublishedSite, PublishedClaim | None] | None:
        """One claim of the server by its number, None unless it is published."""
        return await self._read(_for_site, slug, _published_claim, number)

    async def published_feed(
        self, slug: str, *, limit: int
    ) -> tuple[PublishedSite, list[PublishedClaim]] | None:
        """The server's published claims whose status changed last, latest first (without
        their votes and sources)."""
        return await self._read(_for_site, slug, _published_feed, limit)

    async def published_among(
        self, guild_id: int, claim_ids: list[int], *, status: str | None
    ) -> list[PublishedClaim]:
        """The published claims of the server among `claim_ids` (the hits of
        `search_claims`), in the order given (without their votes and sources)."""
        return await self._read(_published_among, guild_id, claim_ids, status)


# -- functions run on the database thread -------------------------------------------------


def _site(row: Row) -> PublishedSite:
    return PublishedSite(
        guild_id=row["guild_id"],
        slug=row["slug"],
        organization=row["organization"],
        base_url=row["base_url"],
        enabled=bool(row["enabled"]),
    )


def _site_by_slug(conn: Connection, slug: str) -> PublishedSite | None:
    row = fetch_one(
        conn,
        f"SELECT {_SITE_COLUMNS} FROM published_guilds WHERE slug = ? AND enabled = 1",
        (slug,),
    )
    return _site(row) if row else None


def _for_site(
    conn: Connection, slug: str, read: Callable[..., _T], *args: Any
) -> tuple[PublishedSite, _T] | None:
    site = _site_by_slug(conn, slug)
    return None if site is None else (site, read(conn, site.guild_id, *args))


def _save_site(conn: Connection, site: PublishedSite, actor_id: int, now: float) -> bool:
    taken = fetch_one(
        conn,
        "SELECT guild_id FROM published_guilds WHERE slug = ? AND guild_id <> ?",
        (site.slug, site.guild_id),
    )
    if taken is not None:
        return False
    conn.execute(
        "INSERT INTO published_guilds (guild_id, slug, organization, base_url, enabled,"
        " changed_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (guild_id) DO UPDATE SET"
        " slug = excluded.slug, organization = excluded.organization,"
        " base_url = excluded.base_url, enabled = excluded.enabled,"
        " changed_at = excluded.changed_at",
        (site.guild_id, site.slug, site.organization, site.base_url, int(site.enabled), now),
    )
    write_audit(
        conn,
        guild_id=site.guild_id,
        actor_id=actor_id,
        action="publish",
        detail={
            "enabled": site.enabled,
            "slug": site.slug,
            "organization": site.organization,
            "base_url": site.base_url,
        },
    )
    return True


def _withhold(
    conn: Connection,
    guild_id: int,
    claim_id: int,
    withheld: bool,
    actor_id: int,
    now: float,
) -> bool:
    if withheld:
        changed = conn.execute(
            "INSERT INTO withheld_claims (claim_id, guild_id, actor_id, withheld_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (claim_id) DO NOTHING",
            (claim_id, guild_id, actor_id, now),
        ).rowcount
    else:
        changed = conn.execute(
            "DELETE FROM withheld_claims WHERE claim_id = ? AND guild_id = ?",
            (claim_id, guild_id),
        ).rowcount
    # The pages `claimbot web` keeps of this server are dropped at its next poll.
    conn.execute("UPDATE published_guilds SET changed_at = ? WHERE guild_id = ?", (now, guild_id))
    write_audit(
        conn,
        guild_id=guild_id,
        actor_id=actor_id,
        action="publish_claim",
        claim_id=claim_id,
        detail={"published": not withheld, "changed": bool(changed)},
    )
    return bool(changed)


def _publishing_changes(conn: Connection, since: float) -> set[tuple[int, float]]:
    rows = fetch_all(
        conn,
        "SELECT guild_id, changed_at AS at FROM published_guilds WHERE changed_at > ?"
        " UNION ALL SELECT guild_id, updated_at AS at FROM claims WHERE updated_at > ?",
        (since, since),
    )
    return {(int(row["guild_id"]), float(row["at"])) for row in rows}


def _with_details(
    conn: Connection, claims: list[ClaimRecord], *, votes_and_sources: bool = True
) -> list[PublishedClaim]:
    """The resolutions of `claims`, in their order, with their vote counts and sources
    unless a list does not need them."""
    ids = [claim.id for claim in claims] if votes_and_sources else []
    votes: dict[int, dict[str, int]] = {claim.id: {} for claim in claims}
    for row in fetch_for_ids(
        conn,
        "SELECT claim_id, vote, count(*) AS n FROM claim_votes WHERE claim_id IN ({ids})"
        " GROUP BY claim_id, vote",
        ids,
    ):
        votes[row["claim_id"]][row["vote"]] = row["n"]
    evidence: dict[int, list[EvidenceRecord]] = {claim.id: [] for claim in claims}
    for row in fetch_for_ids(
        conn,
        "SELECT * FROM evidence WHERE claim_id IN ({ids}) AND removed_at IS NULL ORDER BY id",
        ids,
    ):
        evidence[row["claim_id"]].append(evidence_record(row))
    resolutions: dict[int, tuple[float, str | None]] = {}
    final = [claim.id for claim in claims if claim.is_final]
    for row in fetch_for_ids(
        conn,
        "SELECT claim_id, created_at, note FROM moderation_events WHERE claim_id IN ({ids})"
        " ORDER BY id",
        final,
    ):
        resolutions[row["claim_id"]] = (row["created_at"], row["note"])
    excerpts = _archived_excerpts(conn, [item.id for items in evidence.values() for item in items])
    return [
        PublishedClaim(
            claim=claim,
            votes=votes[claim.id],
            evidence=evidence[claim.id],
            resolved_at=resolutions[claim.id][0] if claim.id in resolutions else None,
            resolution_note=resolutions[claim.id][1] if claim.id in resolutions else None,
            excerpts={e.id: excerpts[e.id] for e in evidence[claim.id] if e.id in excerpts},
        )
        for claim in claims
    ]


def _archived_excerpts(conn: Connection, evidence_ids: list[int]) -> dict[int, str]:
    """The start of each source's first snapshot, what it said when it was cited (the bounds
    never prune a first snapshot); cut in SQL so a page never reads a whole archived text."""
    return {
        row["evidence_id"]: row["excerpt"]
        for row in fetch_for_ids(
            conn,
            f"SELECT s.evidence_id, substr(s.text, 1, {ARCHIVED_EXCERPT_CHARS + 1}) AS excerpt"
            " FROM evidence_snapshots s WHERE s.id IN (SELECT min(f.id) FROM evidence_snapshots f"
            " WHERE f.evidence_id IN ({ids}) GROUP BY f.evidence_id)",
            evidence_ids,
        )
    }


def _status_clause(status: str | None) -> tuple[str, tuple[str, ...]]:
    return ("", ()) if status is None else (" AND c.status = ?", (status,))


def _published_page(
    conn: Connection, guild_id: int, status: str | None, offset: int, limit: int
) -> tuple[list[PublishedClaim], int]:
    clause, params = _status_clause(status)
    where = f"c.guild_id = ? AND {PUBLISHED_SQL}{clause}"
    row = fetch_one(conn, f"SELECT count(*) AS n FROM claims c WHERE {where}", (guild_id, *params))
    rows = fetch_all(
        conn,
        f"SELECT c.* FROM claims c WHERE {where} ORDER BY c.id DESC LIMIT ? OFFSET ?",
        (guild_id, *params, limit, offset),
    )
    total = int(row["n"]) if row else 0
    claims = [claim_record(r) for r in rows]
    return _with_details(conn, claims, votes_and_sources=False), total


def _published_among(
    conn: Connection, guild_id: int, claim_ids: list[int], status: str | None
) -> list[PublishedClaim]:
    order = {claim_id: rank for rank, claim_id in enumerate(claim_ids)}
    rows = fetch_for_ids(
        conn, f"SELECT c.* FROM claims c WHERE c.id IN ({{ids}}) AND {PUBLISHED_SQL}", claim_ids
    )
    claims = [
        claim
        for claim in map(claim_record, rows)
        if claim.guild_id == guild_id and status in (None, claim.status)
    ]
    ordered = sorted(claims, key=lambda claim: order[claim.id])
    return _with_details(conn, ordered, votes_and_sources=False)


def _published_claim(conn: Connection, guild_id: int, number: int) -> PublishedClaim | None:
    row = fetch_one(
        conn,
        f"SELECT c.* FROM claims c WHERE c.guild_id = ? AND c.number = ? AND {PUBLISHED_SQL}",
        (guild_id, number),
    )
    return _with_details(conn, [claim_record(row)])[0] if row else None


def _published_feed(conn: Connection, guild_id: int, limit: int) -> list[PublishedClaim]:
    rows = fetch_all(
        conn,
        f"SELECT c.* FROM claims c WHERE c.guild_id = ? AND {PUBLISHED_SQL}"
        " ORDER BY c.updated_at DESC, c.id DESC LIMIT ?",
        (guild_id, limit),
    )
    return _with_details(conn, [claim_record(r) for r in rows], votes_and_sources=False)
