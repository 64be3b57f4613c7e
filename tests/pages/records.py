"""Published claims as plain records, for the tests of the pages (no database)."""

from __future__ import annotations

from dataclasses import replace

from bot.core.records import EvidenceRecord, PublishedClaim, PublishedSite
from tests.test_exports import CLAIM as EXPORTED
from tests.test_exports import CREATED, GUILD

UPDATED = 1714651200.0  # 2024-05-02T12:00:00Z
RESOLVED = 1714737600.0  # 2024-05-03T12:00:00Z
NOW = 1714824000.0  # 2024-05-04T12:00:00Z

SITE = PublishedSite(
    guild_id=GUILD,
    slug="verif",
    organization="Les Vérificateurs",
    base_url="https://checks.example.org",
    enabled=True,
)
# The export tests' claim, as the verdict the pages show.
CLAIM = replace(
    EXPORTED,
    status="verified_false",
    confidence=0.8,
    explanation="Verified false: 3 of 4 reviewers refute it; 1 source refutes it",
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
