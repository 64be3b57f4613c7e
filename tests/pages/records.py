"""Published claims as plain records, for the tests of the pages (no database)."""

from __future__ import annotations

from dataclasses import replace

from bot.core.records import ClaimRecord, EvidenceRecord, PublishedClaim, PublishedSite

CREATED = 1714564800.0  # 2024-05-01T12:00:00Z
UPDATED = 1714651200.0  # 2024-05-02T12:00:00Z
RESOLVED = 1714737600.0  # 2024-05-03T12:00:00Z
NOW = 1714824000.0  # 2024-05-04T12:00:00Z
GUILD = 1100000000000000001

SITE = PublishedSite(
    guild_id=GUILD,
    slug="verif",
    organization="Les Vérificateurs",
    base_url="https://checks.example.org",
    enabled=True,
)
CLAIM = ClaimRecord(
    id=340,
    guild_id=GUILD,
    number=12,
    text="La ville a dépensé 4,2 millions d’euros pour les routes en 2025.",
    speaker="Cour des comptes",
    language="fr",
    score=0.9,
    reasons=(),
    submitter_id=77,
    origin_url="https://news.example/routes",
    origin_title="Rapport « routes »",
    channel_id=1100000000000000002,
    message_id=1100000000000000003,
    thread_id=None,
    status="verified_false",
    confidence=0.8,
    explanation="Verified false: 3 of 4 reviewers refute it; 1 source refutes it",
    is_final=False,
    created_at=CREATED,
    updated_at=UPDATED,
)
SOURCE = EvidenceRecord(
    id=9,
    claim_id=340,
    number=1,
    url="https://stats.example/budget",
    stance="refutes",
    note=None,
    added_by=1000,
    fetch_status="ok",
    fetch_error=None,
    title="Budget 2025",
    site_name="Stats Office",
    canonical_url=None,
    published_at=None,
    description=None,
    created_at=CREATED,
)


def published(**changes: object) -> PublishedClaim:
    """The claim above, published, with `changes` to its ClaimRecord."""
    return PublishedClaim(
        claim=replace(CLAIM, **changes),  # type: ignore[arg-type]
        votes={"refuted": 3, "supported": 1},
        evidence=[SOURCE],
        resolved_at=None,
        resolution_note=None,
    )
