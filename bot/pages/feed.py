"""A server's newest verdicts as an Atom feed (RFC 4287): one entry per published claim,
its id the claim page's address, so a reader shows a claim again only when it changes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from bot.core.exports import iso_utc
from bot.core.records import PublishedClaim, PublishedSite
from bot.core.text import clip
from bot.core.vocabulary import STATUS_LABELS
from bot.pages.addresses import absolute, claim_path, feed_path, index_path
from bot.pages.dates import decided_at
from bot.pages.markup import attr, text

FEED_ENTRIES: Final = 50
ENTRY_TITLE_CHARS: Final = 120


def _entry(published: PublishedClaim, site: PublishedSite) -> str:
    claim = published.claim
    url = absolute(site.base_url, claim_path(site.slug, claim.number))
    title = (
        f"{STATUS_LABELS[claim.status]}: {clip(' '.join(claim.text.split()), ENTRY_TITLE_CHARS)}"
    )
    summary = claim.text if not claim.explanation else f"{claim.text}\n\n{claim.explanation}"
    return (
        "<entry>"
        f"<id>{text(url)}</id>"
        f"<title>{text(title)}</title>"
        f'<link rel="alternate" type="text/html" href="{attr(url)}"/>'
        f"<updated>{iso_utc(decided_at(published))}</updated>"
        f"<published>{iso_utc(decided_at(published))}</published>"
        f'<category term="{claim.status}" label="{attr(STATUS_LABELS[claim.status])}"/>'
        f"<summary>{text(summary)}</summary>"
        "</entry>"
    )


def atom_feed(site: PublishedSite, claims: Sequence[PublishedClaim], *, now: float) -> str:
    """The feed of `claims` (latest first); `updated` is the latest verdict's, or `now`
    when there is none yet."""
    index = absolute(site.base_url, index_path(site.slug))
    feed = absolute(site.base_url, feed_path(site.slug))
    updated = max((decided_at(item) for item in claims), default=now)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<id>{text(index)}</id>"
        f"<title>Verdicts of {text(site.organization)}</title>"
        f'<link rel="self" type="application/atom+xml" href="{attr(feed)}"/>'
        f'<link rel="alternate" type="text/html" href="{attr(index)}"/>'
        f"<updated>{iso_utc(updated)}</updated>"
        f"<author><name>{text(site.organization)}</name></author>"
        + "".join(_entry(item, site) for item in claims)
        + "</feed>\n"
    )
