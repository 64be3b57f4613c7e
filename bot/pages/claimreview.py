"""The ClaimReview a claim's page embeds: the export's own object (`claimreview_object`),
pointed at the page and signed by the server's organisation, so the page and
`claimbot export --format claimreview` never say two different things."""

from __future__ import annotations

from bot.core.exports import (
    ExportClaim,
    ExportContext,
    claimreview_object,
    evidence_from_records,
)
from bot.core.records import PublishedClaim, PublishedSite
from bot.core.vocabulary import VOTES
from bot.pages.addresses import absolute, claim_path, index_path


def export_item(published: PublishedClaim) -> ExportClaim:
    """The claim as the exporters take it."""
    return ExportClaim(
        claim=published.claim,
        votes={vote: published.votes.get(vote, 0) for vote in VOTES},
        evidence=evidence_from_records(published.evidence),
        resolved_at=published.resolved_at,
        resolution_note=published.resolution_note,
    )


def review_context(site: PublishedSite, now: float) -> ExportContext:
    """The organisation that signs the server's pages, with its index as its address."""
    return ExportContext(
        organization=site.organization,
        organization_url=absolute(site.base_url, index_path(site.slug)),
        guild_id=site.guild_id,
        generated_at=now,
    )


def page_claimreview(
    published: PublishedClaim, site: PublishedSite, now: float
) -> dict[str, object]:
    url = absolute(site.base_url, claim_path(site.slug, published.claim.number))
    return claimreview_object(export_item(published), review_context(site, now), url=url)
