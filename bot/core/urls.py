"""Links (pure): the one place that says what a link is, in a chat message or as a whole
value, and when two links to the same page are one piece of evidence."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that track the click, not the page.
TRACKING_PARAMETERS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "mc_cid",
        "mc_eid",
        "igshid",
        "yclid",
        "_hsenc",
        "_hsmi",
        "ref_src",
        "cmpid",
        "ocid",
    }
)
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_")
DEFAULT_PORTS = {"http": 80, "https": 443}
URL_IN_TEXT = re.compile(r"https?://[^\s<>()\[\]\"']+[^\s<>()\[\]\"'.,;:!?]")
# A whole value meant as a link, any scheme: brackets and trailing punctuation are its own.
_WHOLE_LINK = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*)://[^\s<>]+", re.IGNORECASE)


def looks_like_url(value: str) -> bool:
    """The whole value (spaces around it aside) is one link of any scheme: a CLI argument
    that is not a path, whose scheme the fetcher then accepts or explains."""
    return _WHOLE_LINK.fullmatch(value.strip()) is not None


def is_http_url(value: str) -> bool:
    """The whole value (spaces around it aside) is one http(s) link: an `origin` or `url` option."""
    match = _WHOLE_LINK.fullmatch(value.strip())
    return match is not None and match.group("scheme").lower() in DEFAULT_PORTS


def normalize_url(url: str) -> str:
    """Scheme and host lowercased, default port, fragment and tracking parameters dropped,
    an empty path made "/". Raises ValueError for what is not an http(s) URL."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        raise ValueError("not an http(s) URL")
    host = parts.hostname.lower().rstrip(".")
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if key.lower() not in TRACKING_PARAMETERS and not key.lower().startswith(_TRACKING_PREFIXES)
    ]
    return urlunsplit((scheme, netloc, parts.path or "/", urlencode(query), ""))


def links_in(text: str, *, limit: int) -> list[str]:
    """The distinct http(s) links of a chat message, in order, at most `limit`."""
    found: list[str] = []
    for match in URL_IN_TEXT.finditer(text):
        if match.group(0) not in found:
            found.append(match.group(0))
        if len(found) == limit:
            break
    return found


def short_url(url: str) -> str:
    """A link as a member recognises it in a short list: no scheme, `www.` or final `/`."""
    bare = re.sub(r"^[a-z][a-z0-9+.-]*://(www\.)?", "", url.strip(), flags=re.IGNORECASE)
    return bare.rstrip("/") or url
