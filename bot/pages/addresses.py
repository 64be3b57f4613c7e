"""The URL scheme of the public pages, in one place (docs/publishing.md, "URL scheme").

A server is named by its slug, which its moderators choose (or take from the organisation's
name); a claim by its number in that server, the `#12` members already see. Neither is the
database id, nor the Discord id of the server. Numbers are sequential, so a reader can guess
the next one; a guessed number of a claim that is not published answers the same 404 as a
number that does not exist.

    /<slug>/                  the server's published claims, newest first
    /<slug>/claims/<number>   one claim
    /<slug>/feed.atom         the newest verdicts, as an Atom feed
    /static/style.css         the one stylesheet
"""

from __future__ import annotations

import re
from typing import Final
from urllib.parse import urlencode, urlsplit

from bot.core.text import fold

STYLE_PATH: Final = "/static/style.css"
MAX_SLUG_CHARS: Final = 40
SLUG: Final = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?")
_NOT_SLUG: Final = re.compile(r"[^a-z0-9]+")


def index_path(slug: str, *, page: int = 1, status: str | None = None, query: str = "") -> str:
    params: dict[str, str] = {}
    if query:
        params["q"] = query
    if status:
        params["status"] = status
    if page > 1:
        params["page"] = str(page)
    return f"/{slug}/" + (f"?{urlencode(params)}" if params else "")


def claim_path(slug: str, number: int) -> str:
    return f"/{slug}/claims/{number}"


def feed_path(slug: str) -> str:
    return f"/{slug}/feed.atom"


def absolute(base_url: str, path: str) -> str:
    """A page's address as the public reads it: the server's base URL and the path."""
    return base_url.rstrip("/") + path


def is_slug(value: str) -> bool:
    return SLUG.fullmatch(value) is not None


def slug_from(name: str) -> str:
    """A slug made of an organisation's name ("Les Vérificateurs" -> "les-verificateurs");
    empty when the name has no letter or digit of the Latin alphabet."""
    return _NOT_SLUG.sub("-", fold(name)).strip("-")[:MAX_SLUG_CHARS].strip("-")


def base_url_problem(url: str) -> str | None:
    """Why `url` cannot be the public address of the pages, or None: an http(s) origin
    (`https://checks.example.org`), without a path, query or fragment, since the pages sit
    at the root of it."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "must start with https:// (or http://) and name a host"
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        return "must be the site's address alone, with no path (like https://checks.example.org)"
    return None


def normal_base_url(url: str) -> str:
    """The base URL as stored: no trailing slash, the scheme and host lowercased."""
    parts = urlsplit(url.strip())
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"
