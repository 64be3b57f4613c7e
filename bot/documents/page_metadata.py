"""What an evidence page says about itself: title, site, canonical URL, date, description.

Explicit og:/twitter:/<meta> values win over trafilatura's guesses, which run on a trimmed
copy of the page so they stay cheap; only http(s) canonical links are kept.
"""

from __future__ import annotations

import copy
import re
import urllib.parse
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.documents.html_tree import MAX_PARSED_ELEMENTS, parse_html, trim
from bot.documents.normalise import one_line

METADATA_SCAN_CHARS = 1_000_000
_METADATA_MAX_CHARS = 200_000
_METADATA_MAX_ELEMENTS = 2_000


@dataclass(frozen=True, slots=True)
class PageMetadata:
    """What an evidence link says about itself; `published` is an ISO date (YYYY-MM-DD)."""

    title: str | None
    site_name: str | None
    canonical_url: str | None
    published: str | None
    description: str | None


def _iso_date(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip()
    try:
        return datetime.fromisoformat(value).date().isoformat()
    except ValueError:
        pass
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})", value)
    if match:
        try:
            return date(int(match[1]), int(match[2]), int(match[3])).isoformat()
        except ValueError:
            return None
    return None


def _absolute_http_url(href: str | None, base: str | None) -> str | None:
    """A canonical link made absolute; only http(s) URLs are kept (never javascript: etc.)."""
    if not href:
        return None
    href = href.strip()
    try:
        absolute = urllib.parse.urljoin(base, href) if base else href
        parts = urllib.parse.urlsplit(absolute)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or len(absolute) > 2048:
        return None
    if any(ch.isspace() or ord(ch) < 32 for ch in absolute):
        return None
    return absolute


def _first(*values: str | None) -> str | None:
    for value in values:
        if value and value.strip():
            return value
    return None


def metadata_from_tree(tree: Any, url: str | None) -> PageMetadata:
    meta: dict[str, str] = {}
    for element in tree.xpath("//meta[@content]"):
        key = element.get("property") or element.get("name") or element.get("itemprop") or ""
        key = key.strip().lower()
        if key and key not in meta:
            meta[key] = element.get("content") or ""
    canonical: str | None = None
    for link in tree.xpath("//link[@rel and @href]"):
        if "canonical" in (link.get("rel") or "").lower().split():
            canonical = link.get("href")
            break
    title_tag = tree.findtext(".//title")

    import trafilatura

    traf_title = traf_site = traf_date = traf_description = None
    head_start = copy.deepcopy(tree)
    trim(head_start, _METADATA_MAX_CHARS, _METADATA_MAX_ELEMENTS)  # heuristics stay cheap
    try:
        found = trafilatura.extract_metadata(head_start, default_url=url, extensive=False)
        traf_title, traf_site = found.title, found.sitename
        traf_date, traf_description = found.date, found.description
    except Exception:  # metadata is best effort; a page without it is still a page
        pass

    return PageMetadata(
        title=one_line(
            _first(meta.get("og:title"), meta.get("twitter:title"), traf_title, title_tag), 300
        ),
        site_name=one_line(
            _first(meta.get("og:site_name"), traf_site, meta.get("application-name")), 200
        ),
        canonical_url=_absolute_http_url(canonical, url)
        or _absolute_http_url(meta.get("og:url"), url),
        published=_iso_date(
            _first(
                meta.get("article:published_time"),
                meta.get("datepublished"),
                meta.get("og:published_time"),
                meta.get("pubdate"),
                meta.get("date"),
                meta.get("dc.date"),
            )
        )
        or _iso_date(traf_date),
        description=one_line(
            _first(
                meta.get("og:description"),
                meta.get("description"),
                meta.get("twitter:description"),
                traf_description,
            ),
            1000,
        ),
    )


def page_metadata(html: str, url: str | None = None) -> PageMetadata:
    """Title, site, canonical URL, publication date and description of an evidence page.

    Only the first ~1 MB is read: metadata lives in <head>. Explicit og:/twitter:/<meta>
    values win over trafilatura's guesses; <title> is the last resort for the title.
    """
    parsed = parse_html(html[:METADATA_SCAN_CHARS], MAX_PARSED_ELEMENTS)
    if parsed is None:
        return PageMetadata(None, None, None, None, None)
    return metadata_from_tree(parsed[0], url)
