"""The HTML of the public pages: a server's index, one claim, and the one "not found".

Server-rendered, no script but the JSON-LD block, no inline style. Every member string goes
through `markup.text`/`attr` inside `<bdi>` or `dir="auto"`; what a page shows of the review
is counted, never named (no reviewer, no Discord id, no link into Discord).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlsplit

from bot.core.exports import iso_utc
from bot.core.records import EvidenceRecord, PublishedClaim, PublishedSite
from bot.core.snapshots import ARCHIVED_EXCERPT_CHARS
from bot.core.text import clip
from bot.core.vocabulary import FINAL_VERDICTS, STATUS_LABELS, VOTES
from bot.pages.addresses import STYLE_PATH, claim_path, feed_path, index_path
from bot.pages.claimreview import page_claimreview
from bot.pages.dates import day, decided_at
from bot.pages.markup import attr, href, json_for_script, text

#: The statuses a published claim can have (a final verdict, or verified), as filters.
PUBLISHED_STATUSES: Final = FINAL_VERDICTS
INDEX_PAGE_SIZE: Final = 20
LIST_TEXT_CHARS: Final = 280
STANCE_LABELS: Final = {"supports": "Supports", "refutes": "Refutes", "context": "Context"}
VOTE_LABELS: Final = {
    "supported": "supported",
    "refuted": "refuted",
    "unverifiable": "unverifiable",
    "misleading": "misleading",
}
NOT_FOUND_TITLE: Final = "Page not found"


@dataclass(frozen=True, slots=True)
class IndexView:
    """What a reader asked the index for, already checked: a page number from 1, a status
    among `PUBLISHED_STATUSES` or None, and search words (empty: no search)."""

    page: int = 1
    status: str | None = None
    query: str = ""


def _layout(
    *,
    title: str,
    body: str,
    site: PublishedSite | None,
    head: str = "",
) -> str:
    if site is not None:
        brand = (
            f'<a class="site-name" href="{attr(index_path(site.slug))}">'
            f"<bdi>{text(site.organization)}</bdi></a>"
        )
        nav = (
            '<nav aria-label="Site"><a href="'
            + attr(feed_path(site.slug))
            + '">Verdicts feed (Atom)</a></nav>'
        )
        head += (
            '<link rel="alternate" type="application/atom+xml" title="Verdicts" href="'
            + attr(feed_path(site.slug))
            + '">'
        )
        footer = (
            f"Fact-checks by <bdi>{text(site.organization)}</bdi>, reviewed by its team. "
            "Vote counts only: who voted is never shown."
        )
    else:
        brand, nav, footer = '<span class="site-name">Verdicts</span>', "", ""
    return (
        '<!doctype html>\n<html lang="en" dir="ltr">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{text(title)}</title>\n"
        # No favicon to fetch (a data: URL, which the CSP's img-src allows).
        '<link rel="icon" href="data:,">\n'
        f'<link rel="stylesheet" href="{STYLE_PATH}">\n{head}\n</head>\n<body>\n'
        '<a class="skip" href="#main">Skip to content</a>\n'
        f'<header class="site-header"><div class="bar-inner">{brand}{nav}</div></header>\n'
        f'<main id="main">\n{body}\n</main>\n'
        f'<footer class="site-footer"><div class="bar-inner"><p>{footer}</p></div></footer>\n'
        "</body>\n</html>\n"
    )


def _badge(status: str) -> str:
    return f'<span class="badge status-{status}">{text(STATUS_LABELS[status])}</span>'


def _date(timestamp: float) -> str:
    return f'<time datetime="{iso_utc(timestamp)}">{day(timestamp)}</time>'


def _link_or_text(url: str | None, label: str) -> str:
    target = href(url)
    shown = f"<bdi>{text(label)}</bdi>"
    if target is None:
        return shown
    return f'<a href="{target}" rel="nofollow noopener noreferrer ugc">{shown}</a>'


def _site_of(item: EvidenceRecord) -> str:
    if item.site_name and item.site_name.strip():
        return item.site_name.strip()
    host = urlsplit(item.url).hostname or ""
    return host.removeprefix("www.") or "unknown site"


def vote_bar(votes: dict[str, int]) -> str:
    """The votes at a glance: an inline SVG of one bar split by vote (no CSS width, so no
    inline style), and the same counts as text for screen readers and colour-blind readers."""
    total = sum(votes.get(vote, 0) for vote in VOTES)
    if total == 0:
        return '<p class="meta">No votes were cast: a moderator decided.</p>'
    words = ", ".join(f"{votes.get(v, 0)} {VOTE_LABELS[v]}" for v in VOTES if votes.get(v, 0))
    rects, x = [], 0.0
    for vote in VOTES:
        count = votes.get(vote, 0)
        if count:
            width = 100.0 * count / total
            rects.append(
                f'<rect class="vote-{vote}" x="{x:.3f}" y="0" width="{width:.3f}" height="8"/>'
            )
            x += width
    legend = "".join(f'<li class="vote-{v}">{votes.get(v, 0)} {VOTE_LABELS[v]}</li>' for v in VOTES)
    reviewers = f"{total} reviewer{'s' if total != 1 else ''}"
    return (
        f'<div class="votes"><svg viewBox="0 0 100 8" preserveAspectRatio="none" role="img"'
        f' aria-label="Votes: {attr(words)}">{"".join(rects)}</svg>'
        f'<ul class="legend" aria-label="Votes of {reviewers}">{legend}</ul></div>'
    )


def _sources(evidence: Sequence[EvidenceRecord], excerpts: Mapping[int, str]) -> str:
    if not evidence:
        return '<p class="empty">No sources were linked.</p>'
    items = []
    for item in evidence:
        title = item.title.strip() if item.title and item.title.strip() else item.url
        items.append(
            f'<li><span class="stance">{STANCE_LABELS.get(item.stance, item.stance)}</span>'
            f" · <bdi>{text(_site_of(item))}</bdi><br>{_link_or_text(item.url, title)}"
            f"{_archive(item, excerpts.get(item.id))}</li>"
        )
    return f'<ol class="sources">{"".join(items)}</ol>'


def _archive(item: EvidenceRecord, excerpt: str | None) -> str:
    """When the source was archived, the hash of what was read, what rechecks found since,
    and the start of what it said then: a reader can tell whether it still says it."""
    if item.archived_at is None:
        return '<p class="archive">Not archived.</p>'
    parts = [f"Archived {_date(item.archived_at)}"]
    if item.archived_sha256:
        parts.append(
            f'SHA-256 <code title="{attr(item.archived_sha256)}">'
            f"{item.archived_sha256[:12]}…</code>"
        )
    if item.recheck_state in ("changed", "gone") and item.recheck_since is not None:
        parts.append(f"{item.recheck_state} since {_date(item.recheck_since)}")
    quoted = ""
    if excerpt and excerpt.strip():
        quoted = f'<blockquote class="excerpt"><bdi>{text(_excerpt(excerpt))}</bdi></blockquote>'
    return f'<p class="archive">{" · ".join(parts)}</p>{quoted}'


def _excerpt(archived: str) -> str:
    """The archived text's start, on one line, cut at a word when it went on."""
    words = " ".join(archived.split())
    if len(archived) <= ARCHIVED_EXCERPT_CHARS:
        return words
    cut = words[:ARCHIVED_EXCERPT_CHARS].rsplit(" ", 1)[0]
    return cut + " …"


def _speaker_and_origin(published: PublishedClaim) -> str:
    claim = published.claim
    parts = []
    if claim.speaker:
        parts.append(f"Speaker: <bdi>{text(claim.speaker)}</bdi>")
    if claim.origin_url:
        parts.append(
            "Appeared in: "
            + _link_or_text(claim.origin_url, claim.origin_title or claim.origin_url)
        )
    return "".join(f'<p class="meta">{part}</p>' for part in parts)


def claim_page(published: PublishedClaim, site: PublishedSite, *, now: float) -> str:
    """One claim: its words, speaker and origin, status and explanation, votes, sources and
    the verdict's date, with its ClaimReview in a JSON-LD block."""
    claim = published.claim
    label = STATUS_LABELS[claim.status]
    review = json_for_script(page_claimreview(published, site, now))
    body = (
        '<article class="card" aria-labelledby="claim-heading">\n'
        f'<p>{_badge(claim.status)}<span class="number">Claim #{claim.number}</span></p>\n'
        f'<h1 id="claim-heading" class="claim-text" dir="auto">{text(claim.text)}</h1>\n'
        f"{_speaker_and_origin(published)}\n"
        f'<p class="explanation" dir="auto">{text(claim.explanation)}</p>\n'
        f'<p class="meta">Verdict: {text(label)}, {_date(decided_at(published))}.</p>\n'
        "</article>\n"
        '<section class="card" aria-labelledby="votes-heading">'
        f'<h2 id="votes-heading">Votes</h2>{vote_bar(published.votes)}</section>\n'
        '<section class="card" aria-labelledby="sources-heading">'
        '<h2 id="sources-heading">Sources</h2>'
        f"{_sources(published.evidence, published.excerpts)}</section>\n"
        f'<p><a href="{attr(index_path(site.slug))}">All verdicts</a></p>'
    )
    title = f"{label}: {clip(' '.join(claim.text.split()), 90)} · {site.organization}"
    head = f'<script type="application/ld+json">{review}</script>'
    return _layout(title=title, body=body, site=site, head=head)


def _filters(site: PublishedSite, view: IndexView) -> str:
    options = ['<option value="">Every verdict</option>'] + [
        f'<option value="{s}"{" selected" if s == view.status else ""}>'
        f"{text(STATUS_LABELS[s])}</option>"
        for s in PUBLISHED_STATUSES
    ]
    return (
        f'<form class="filters" role="search" method="get" action="{attr(index_path(site.slug))}">'
        '<label for="q">Search the claims'
        f'<input id="q" name="q" type="search" maxlength="200" value="{attr(view.query)}"></label>'
        '<label for="status">Verdict<select id="status" name="status">'
        f"{''.join(options)}</select></label>"
        '<button type="submit">Show</button></form>'
    )


def _list_item(published: PublishedClaim, site: PublishedSite) -> str:
    claim = published.claim
    speaker = f" · <bdi>{text(claim.speaker)}</bdi>" if claim.speaker else ""
    return (
        f'<li class="card">{_badge(claim.status)}<span class="number">#{claim.number}</span>'
        f'<p class="claim-text" dir="auto"><a href="{attr(claim_path(site.slug, claim.number))}">'
        f"{text(clip(claim.text, LIST_TEXT_CHARS))}</a></p>"
        f'<p class="meta">{_date(decided_at(published))}{speaker}</p></li>'
    )


def _pages(site: PublishedSite, view: IndexView, total: int) -> str:
    last = max(1, -(-total // INDEX_PAGE_SIZE))
    links = []
    if view.page > 1:
        target = index_path(site.slug, page=view.page - 1, status=view.status, query=view.query)
        links.append(f'<a rel="prev" href="{attr(target)}">← Newer</a>')
    if view.page < last:
        target = index_path(site.slug, page=view.page + 1, status=view.status, query=view.query)
        links.append(f'<a rel="next" href="{attr(target)}">Older →</a>')
    if not links:
        return ""
    return f'<nav class="pages" aria-label="Pages">{"".join(links)}</nav>'


def index_page(
    site: PublishedSite, claims: Sequence[PublishedClaim], *, total: int, view: IndexView
) -> str:
    """A server's published claims, newest first (best match first when searching), a page
    of `INDEX_PAGE_SIZE` at a time."""
    if view.query:
        found = f"{total} claim{'s' if total != 1 else ''} match “<bdi>{text(view.query)}</bdi>”."
    else:
        found = f"{total} published claim{'s' if total != 1 else ''}."
    if claims:
        items = "".join(_list_item(item, site) for item in claims)
        listing = f'<ol class="claim-list">{items}</ol>'
    else:
        listing = '<p class="empty">No claim to show here.</p>'
    body = (
        f"<h1>Verdicts of <bdi>{text(site.organization)}</bdi></h1>\n"
        f"{_filters(site, view)}\n"
        f'<p class="meta" role="status">{found}</p>\n{listing}\n{_pages(site, view, total)}'
    )
    title = f"Verdicts · {site.organization}"
    if view.page > 1:
        title += f" (page {view.page})"
    return _layout(title=title, body=body, site=site)


def not_found_page() -> str:
    """The one answer for any unknown, unpublished or withheld page: it says nothing of why."""
    body = f"<h1>{NOT_FOUND_TITLE}</h1>\n<p>There is no published verdict at this address.</p>"
    return _layout(title=NOT_FOUND_TITLE, body=body, site=None)


def too_many_requests_page(retry_after: int) -> str:
    body = (
        "<h1>Too many requests</h1>\n"
        f"<p>Please wait {retry_after} s before loading another page.</p>"
    )
    return _layout(title="Too many requests", body=body, site=None)
