"""A user's link read as a browser would read it, checked, and normalised for fetching.

Whitespace, controls and backslashes are refused (browsers drop or reinterpret them, which is
how filter bypasses work), credentials are refused, and a host that ends in a number is an
IPv4 address in any spelling (`2130706433`, `0177.0.0.1`, `0x7f.1`, `127.1`) and is judged as
the address it names. No DNS here: names are resolved by `addresses.resolve_allowed`.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass

import idna

from bot.core.urls import DEFAULT_PORTS
from bot.web.addresses import IPAddress, IPNetwork, require_allowed
from bot.web.errors import FetchError, bad_url

MAX_URL_LENGTH = 2048


@dataclass(frozen=True, slots=True)
class ParsedTarget:
    """A syntactically checked http(s) URL.

    `host` is the lower-case ASCII (IDNA) hostname, or the canonical text of an IP literal
    (no brackets) in which case `ip` is set. `path` always starts with "/" and carries the
    query; the fragment is dropped. `url` is the normalised form used everywhere else.
    """

    scheme: str
    host: str
    port: int
    path: str
    ip: IPAddress | None
    url: str
    host_header: str


_SCHEME_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
# Whitespace and controls are refused rather than silently removed (browsers drop tabs and
# newlines, which is how "ht\ntp://" style filter bypasses work); a backslash is refused
# because browsers read it as "/" and Python's parsers do not.
_BAD_URL_CHARS_RE = re.compile(
    r"[\x00-\x20\x7f-\x9f\\\u00a0\u1680\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff]"
)
_HOST_LABEL_RE = re.compile(r"[a-z0-9_](?:[a-z0-9_\-]*[a-z0-9_])?")
_HEX_RE = re.compile(r"0[xX][0-9A-Fa-f]*")
_FULLWIDTH_DOTS = str.maketrans({"\u3002": ".", "\uff0e": ".", "\uff61": "."})


def _parse_ipv4_number(part: str) -> int | None:
    """One dotted part as inet_aton/WHATWG read it: 0x.. hex, 0.. octal, else decimal."""
    if not part:
        return None
    if part[:2] in ("0x", "0X"):
        digits, base = part[2:], 16
        if not digits:
            return 0
    elif len(part) > 1 and part[0] == "0":
        digits, base = part[1:], 8
    else:
        digits, base = part, 10
    if not digits.isascii():
        return None
    try:
        return int(digits, base)
    except ValueError:
        return None


def _looks_like_ipv4(host: str) -> bool:
    """WHATWG "ends in a number": such a host is an IPv4 address or it is invalid."""
    last = host.split(".")[-1]
    return (last.isascii() and last.isdigit()) or bool(_HEX_RE.fullmatch(last))


def _parse_loose_ipv4(host: str) -> ipaddress.IPv4Address | None:
    parts = host.split(".")
    if len(parts) > 4:
        return None
    numbers = [_parse_ipv4_number(p) for p in parts]
    if any(n is None for n in numbers):
        return None
    values = [n for n in numbers if n is not None]
    if any(n > 255 for n in values[:-1]) or values[-1] >= 256 ** (5 - len(values)):
        return None
    result = values[-1]
    for i, n in enumerate(values[:-1]):
        result += n << (8 * (3 - i))
    return ipaddress.IPv4Address(result)


def _normalise_hostname(raw_host: str) -> str:
    """Percent-decode, IDNA-map (full-width digits become ASCII) and lower-case a hostname."""
    try:
        host = urllib.parse.unquote(raw_host, errors="strict")
    except UnicodeDecodeError:
        raise bad_url() from None
    if not host.isascii():
        host = unicodedata.normalize("NFKC", host).translate(_FULLWIDTH_DOTS)
        if not host.isascii():
            try:
                host = idna.encode(host, uts46=True).decode("ascii")
            except (idna.IDNAError, UnicodeError, ValueError):
                raise bad_url("That link's host name isn't valid.") from None
    host = host.lower()
    if host.endswith("."):
        host = host[:-1]
    if not host:
        raise bad_url("That link has no host name.")
    return host


def parse_target(
    url: str,
    *,
    max_length: int,
    test_networks: Sequence[IPNetwork],
    via_redirect: bool,
) -> ParsedTarget:
    """`url` checked for fetching: every rule but DNS, the test seam's networks let through."""
    if not isinstance(url, str):
        raise bad_url()
    text = url.strip()
    if len(text) > max_length:
        raise FetchError(
            "url_too_long", f"That link is too long (the limit is {max_length} characters)."
        )
    if not text:
        raise bad_url()
    if _BAD_URL_CHARS_RE.search(text):
        raise bad_url("That link contains spaces, backslashes or control characters.")
    match = _SCHEME_RE.match(text)
    scheme = match.group(0)[:-1].lower() if match else ""
    if scheme not in DEFAULT_PORTS:
        if via_redirect:
            raise FetchError(
                "bad_scheme",
                "That link redirects to something that isn't an http:// or https:// address.",
            )
        raise FetchError("bad_scheme", "Only http:// and https:// links can be fetched.")
    rest = text[len(scheme) + 1 :]
    if not rest.startswith("//"):
        raise bad_url("That link has no host name.")
    rest = rest[2:]
    end = len(rest)
    for sep in "/?#":
        idx = rest.find(sep)
        if idx != -1:
            end = min(end, idx)
    authority, remainder = rest[:end], rest[end:]
    path = remainder.split("#", 1)[0]
    if not path.startswith("/"):
        path = "/" + path
    if "@" in authority:
        raise FetchError(
            "credentials_in_url",
            "Links with a username or password in them aren't accepted.",
        )
    if not authority:
        raise bad_url("That link has no host name.")

    port_text: str | None
    if authority.startswith("["):
        close = authority.find("]")
        if close == -1:
            raise bad_url()
        bracketed, after = authority[1:close], authority[close + 1 :]
        if after and not after.startswith(":"):
            raise bad_url()
        port_text = after[1:] if after else None
        ip, zone = _parse_bracketed(bracketed)
        if zone:
            # Zone ids only scope link-local addresses; none of them is ever fetched.
            require_allowed(ip, (), via_redirect=via_redirect)
            raise bad_url("Links with an IPv6 zone id aren't accepted.")
        host = ip.compressed
        literal: IPAddress | None = ip
    else:
        if authority.count(":") > 1:
            raise bad_url()
        raw_host, colon, port_part = authority.partition(":")
        port_text = port_part if colon else None
        host = _normalise_hostname(raw_host)
        literal = None
        if _looks_like_ipv4(host):
            literal = _parse_loose_ipv4(host)
            if literal is None:
                raise bad_url("That link's host looks like an IP address but isn't a valid one.")
            host = literal.compressed
        else:
            labels = host.split(".")
            if len(host) > 253 or not all(
                len(label) <= 63 and _HOST_LABEL_RE.fullmatch(label) for label in labels
            ):
                raise bad_url("That link's host name isn't valid.")

    default_port = DEFAULT_PORTS[scheme]
    if port_text:
        if not (port_text.isascii() and port_text.isdigit() and len(port_text) <= 5):
            raise bad_url("That link's port number isn't valid.")
        port = int(port_text)
        if not 0 < port < 65536:
            raise bad_url("That link's port number isn't valid.")
    else:
        port = default_port

    if literal is not None:
        require_allowed(literal, test_networks, via_redirect=via_redirect)

    netloc = f"[{host}]" if ":" in host else host
    if port != default_port:
        netloc = f"{netloc}:{port}"
    return ParsedTarget(
        scheme=scheme,
        host=host,
        port=port,
        path=path,
        ip=literal,
        url=f"{scheme}://{netloc}{path}",
        host_header=netloc,
    )


def _parse_bracketed(text: str) -> tuple[ipaddress.IPv6Address, bool]:
    """An IPv6 literal; a zone id (`%25eth0` per RFC 6874, or a bare `%eth0`) is noted."""
    address, percent, _zone = text.partition("%")
    try:
        return ipaddress.IPv6Address(address), bool(percent)
    except ValueError:
        raise bad_url("That link's IPv6 address isn't valid.") from None


def check_url(url: str, *, max_length: int = MAX_URL_LENGTH) -> ParsedTarget:
    """Syntactic checks only (no DNS): scheme, host, port, credentials, length, literal IPs.

    An IP literal in any spelling is read as the address it names and refused when it is
    not global, so this alone already stops `http://0x7f.1/`.
    """
    return parse_target(url, max_length=max_length, test_networks=(), via_redirect=False)
