"""The one safe fetcher: every outbound HTTP fetch of a user-supplied URL goes through here.

Users hand the bot arbitrary links, so each fetch is a potential server-side request
forgery. The rules, and why:

* http/https only, a host is required, credentials in the URL are refused (never stripped:
  a link carrying a password is either a mistake or an attack, and silently dropping it
  would fetch something the user did not mean).
* The host is parsed the way a browser or ``inet_aton`` would read it (``2130706433``,
  ``0177.0.0.1``, ``0x7f.1``, ``127.1``, percent-escapes, full-width digits, IPv6 with
  embedded IPv4), resolved exactly once per hop, and EVERY resolved address must be global.
* The connection goes to the address that was checked: the request URL is rewritten to the
  IP, the original ``Host`` header is sent and, for https, ``sni_hostname`` keeps TLS
  verifying the real name. httpx never does a DNS lookup of its own.
* Redirects are followed by hand and every hop is checked again from scratch.
* Connect/read timeouts plus one overall deadline (``asyncio.timeout``) bound a fetch; the
  body is streamed and decompressed by hand so memory stays below the cap plus one chunk.
* No cookies are stored or sent, no proxy or other settings are taken from the environment.

A text page over the size cap is cut (``truncated=True``): the start of an article is still
useful. Any other allowed type (e.g. a PDF) over the cap is refused as ``too_large``.
A response without a ``Content-Type`` is sniffed lightly: it can only ever become
``text/html`` or ``text/plain``, and only if that type is allowed for the call.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import functools
import ipaddress
import re
import socket
import ssl
import unicodedata
import urllib.parse
import zlib
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from http.cookiejar import Cookie, CookieJar, CookiePolicy
from types import TracebackType
from typing import Literal, Self
from urllib.request import Request as UrllibRequest

import httpx
import idna

from bot.core.errors import UserFacingError
from bot.core.fairness import FetchOwner, FetchSlots
from bot.documents.decoding import decode_fetched, parse_content_type

__all__ = [
    "DEFAULT_CONTENT_TYPES",
    "DEFAULT_LIMITS",
    "METADATA_ADDRESSES",
    "POOL_CONNECTIONS",
    "USER_AGENT",
    "FetchError",
    "FetchErrorCode",
    "FetchLimits",
    "FetchResult",
    "ParsedTarget",
    "Resolver",
    "SafeFetcher",
    "check_url",
    "is_forbidden_address",
    "system_resolver",
]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], Awaitable[list[str]]]

USER_AGENT = "claimbot/0.1 (+https://github.com/claimbot)"
DEFAULT_CONTENT_TYPES = frozenset(
    {"text/html", "application/xhtml+xml", "text/plain", "text/markdown"}
)
# Types where the first `max_bytes` are still worth having; anything else over the cap is refused.
_TRUNCATABLE_EXTRA = frozenset({"application/xhtml+xml"})
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_DEFAULT_PORTS = {"http": 80, "https": 443}
# Connections per fetcher; bot/core/fairness.py keeps the fetches in flight below it.
POOL_CONNECTIONS = 50

FetchErrorCode = Literal[
    "bad_url",
    "url_too_long",
    "bad_scheme",
    "credentials_in_url",
    "forbidden_address",
    "dns_failure",
    "too_many_redirects",
    "timeout",
    "too_large",
    "bad_content_type",
    "http_error",
    "connect_failed",
    "tls_error",
    "bad_response",
    "busy",
]


class FetchError(UserFacingError):
    """A refused or failed fetch; ``str(exc)`` is a sentence for the Discord user."""

    def __init__(self, code: FetchErrorCode, message: str) -> None:
        super().__init__(message)
        self.code: FetchErrorCode = code

    def __repr__(self) -> str:
        return f"FetchError({self.code!r}, {self.message!r})"


@dataclass(frozen=True, slots=True)
class FetchLimits:
    """Bounds for one fetch; `total_timeout` covers resolution, every redirect and the body."""

    max_bytes: int = 5_000_000
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    total_timeout: float = 20.0
    max_redirects: int = 5
    max_url_length: int = 2048


DEFAULT_LIMITS = FetchLimits()


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What a successful fetch returns; `url` is the final URL with its hostname, not its IP."""

    url: str
    status: int
    content_type: str
    charset: str | None
    body: bytes
    truncated: bool
    redirects: tuple[str, ...]

    def text(self) -> str:
        """Decode with the declared charset when it is a text encoding, else sniff, exactly
        as submitted documents are; never raises, whatever the server declared."""
        return decode_fetched(self.body, self.charset)


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


# -- addresses ------------------------------------------------------------------------

# Cloud metadata endpoints, listed explicitly so a reader can see they are covered: most
# sit in ranges refused anyway, but Azure's wire server (168.63.129.16) looks global.
METADATA_ADDRESSES: frozenset[IPAddress] = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, GCP, Azure, OpenStack, DigitalOcean, Oracle...
        "169.254.170.2",  # AWS ECS task metadata
        "169.254.169.123",  # AWS time sync
        "169.254.0.23",  # Tencent Cloud
        "100.100.100.200",  # Alibaba Cloud
        "168.63.129.16",  # Azure wire server
        "192.0.0.192",  # Oracle Cloud
        "fd00:ec2::254",  # AWS IMDS over IPv6
        "fd00:ec2::23",  # AWS ECS task metadata over IPv6
    )
)

# Refused whatever this Python's `is_global` says (its tables changed between patch releases).
_FORBIDDEN_V4 = tuple(
    ipaddress.IPv4Network(n)
    for n in (
        "0.0.0.0/8",  # "this network"; 0.0.0.0 reaches localhost on Linux
        "10.0.0.0/8",
        "100.64.0.0/10",  # carrier-grade NAT (and Alibaba metadata)
        "127.0.0.0/8",
        "169.254.0.0/16",  # link-local (and most metadata services)
        "172.16.0.0/12",
        "192.0.0.0/24",  # IETF protocol assignments
        "192.0.2.0/24",
        "192.88.99.0/24",  # deprecated 6to4 relay anycast
        "192.168.0.0/16",
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, includes broadcast
    )
)
_FORBIDDEN_V6 = tuple(
    ipaddress.IPv6Network(n)
    for n in (
        "::/96",  # unspecified, loopback and deprecated IPv4-compatible addresses
        "::ffff:0:0:0/96",  # SIIT IPv4-translated
        "64:ff9b:1::/48",  # local-use NAT64
        "100::/64",  # discard-only
        "2001::/23",  # IETF protocol assignments, includes Teredo 2001::/32
        "2001:db8::/32",  # documentation
        "2002::/16",  # 6to4: deprecated, refused outright
        "3fff::/20",  # documentation
        "5f00::/16",  # SRv6 SIDs
        "fc00::/7",  # unique local (fd00:ec2::254 lives here)
        "fe80::/10",  # link-local
        "fec0::/10",  # site-local (deprecated)
        "ff00::/8",  # multicast
    )
)
_GLOBAL_UNICAST_V6 = ipaddress.IPv6Network("2000::/3")
_IPV4_MAPPED = ipaddress.IPv6Network("::ffff:0:0/96")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_LOOPBACK_NETS: tuple[IPNetwork, ...] = (
    ipaddress.IPv4Network("127.0.0.0/8"),
    ipaddress.IPv6Network("::1/128"),
)


def _embedded_ipv4(addr: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv4-mapped or NAT64 address really reaches."""
    if addr in _IPV4_MAPPED or addr in _NAT64:
        return ipaddress.IPv4Address(int(addr) & 0xFFFF_FFFF)
    return None


def _address_is_forbidden(addr: IPAddress) -> bool:
    if isinstance(addr, ipaddress.IPv6Address):
        if addr.scope_id is not None:
            addr = ipaddress.IPv6Address(int(addr))
        inner = _embedded_ipv4(addr)
        if inner is not None:
            # Mapped and NAT64 addresses are judged by the IPv4 host they lead to.
            return _address_is_forbidden(inner)
        if addr.teredo is not None or addr.sixtofour is not None:
            return True
        if addr not in _GLOBAL_UNICAST_V6 or any(addr in net for net in _FORBIDDEN_V6):
            return True
        if addr.is_site_local:
            return True
    elif any(addr in net for net in _FORBIDDEN_V4):
        return True
    if addr in METADATA_ADDRESSES:
        return True
    return (
        not addr.is_global
        or addr.is_private
        or addr.is_loopback
        or addr.is_link_local
        or addr.is_multicast
        or addr.is_reserved
        or addr.is_unspecified
    )


def _parse_ip(text: str) -> IPAddress | None:
    """Strict parse of a resolver's answer; a zone id is dropped (it only scopes link-local)."""
    try:
        return ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return None


def is_forbidden_address(ip: str) -> bool:
    """True unless `ip` is a plain global unicast address; anything unparseable is forbidden."""
    addr = _parse_ip(ip)
    return True if addr is None else _address_is_forbidden(addr)


def _in_test_networks(addr: IPAddress, networks: Sequence[IPNetwork]) -> bool:
    # Compare versions explicitly: ::7f00:1 must never count as 127.0.0.1.
    return any(addr.version == net.version and addr in net for net in networks)


def _validate_test_networks(networks: Sequence[IPNetwork]) -> tuple[IPNetwork, ...]:
    """The test seam may only ever open loopback, so a misuse cannot reach a real network."""
    checked: list[IPNetwork] = []
    for net in networks:
        if not isinstance(net, ipaddress.IPv4Network | ipaddress.IPv6Network):
            raise TypeError("_allow_networks_for_tests takes ipaddress network objects")
        if not any(
            net.version == lo.version and net.subnet_of(lo)  # type: ignore[arg-type]
            for lo in _LOOPBACK_NETS
        ):
            raise ValueError(f"_allow_networks_for_tests only accepts loopback, not {net}")
        checked.append(net)
    return tuple(checked)


# -- URL syntax -------------------------------------------------------------------------

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


def _bad_url(detail: str = "That doesn't look like a valid web link.") -> FetchError:
    return FetchError("bad_url", detail)


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
        raise _bad_url() from None
    if not host.isascii():
        host = unicodedata.normalize("NFKC", host).translate(_FULLWIDTH_DOTS)
        if not host.isascii():
            try:
                host = idna.encode(host, uts46=True).decode("ascii")
            except (idna.IDNAError, UnicodeError, ValueError):
                raise _bad_url("That link's host name isn't valid.") from None
    host = host.lower()
    if host.endswith("."):
        host = host[:-1]
    if not host:
        raise _bad_url("That link has no host name.")
    return host


def _check_url(
    url: str,
    *,
    max_length: int,
    test_networks: Sequence[IPNetwork],
    via_redirect: bool,
) -> ParsedTarget:
    if not isinstance(url, str):
        raise _bad_url()
    text = url.strip()
    if len(text) > max_length:
        raise FetchError(
            "url_too_long", f"That link is too long (the limit is {max_length} characters)."
        )
    if not text:
        raise _bad_url()
    if _BAD_URL_CHARS_RE.search(text):
        raise _bad_url("That link contains spaces, backslashes or control characters.")
    match = _SCHEME_RE.match(text)
    scheme = match.group(0)[:-1].lower() if match else ""
    if scheme not in _DEFAULT_PORTS:
        if via_redirect:
            raise FetchError(
                "bad_scheme",
                "That link redirects to something that isn't an http:// or https:// address.",
            )
        raise FetchError("bad_scheme", "Only http:// and https:// links can be fetched.")
    rest = text[len(scheme) + 1 :]
    if not rest.startswith("//"):
        raise _bad_url("That link has no host name.")
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
        raise _bad_url("That link has no host name.")

    port_text: str | None
    if authority.startswith("["):
        close = authority.find("]")
        if close == -1:
            raise _bad_url()
        bracketed, after = authority[1:close], authority[close + 1 :]
        if after and not after.startswith(":"):
            raise _bad_url()
        port_text = after[1:] if after else None
        ip, zone = _parse_bracketed(bracketed)
        if zone:
            # Zone ids only scope link-local addresses; none of them is ever fetched.
            _require_allowed(ip, (), via_redirect=via_redirect)
            raise _bad_url("Links with an IPv6 zone id aren't accepted.")
        host = ip.compressed
        literal: IPAddress | None = ip
    else:
        if authority.count(":") > 1:
            raise _bad_url()
        raw_host, colon, port_part = authority.partition(":")
        port_text = port_part if colon else None
        host = _normalise_hostname(raw_host)
        literal = None
        if _looks_like_ipv4(host):
            literal = _parse_loose_ipv4(host)
            if literal is None:
                raise _bad_url("That link's host looks like an IP address but isn't a valid one.")
            host = literal.compressed
        else:
            labels = host.split(".")
            if len(host) > 253 or not all(
                len(label) <= 63 and _HOST_LABEL_RE.fullmatch(label) for label in labels
            ):
                raise _bad_url("That link's host name isn't valid.")

    default_port = _DEFAULT_PORTS[scheme]
    if port_text:
        if not (port_text.isascii() and port_text.isdigit() and len(port_text) <= 5):
            raise _bad_url("That link's port number isn't valid.")
        port = int(port_text)
        if not 0 < port < 65536:
            raise _bad_url("That link's port number isn't valid.")
    else:
        port = default_port

    if literal is not None:
        _require_allowed(literal, test_networks, via_redirect=via_redirect)

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
        raise _bad_url("That link's IPv6 address isn't valid.") from None


def _forbidden_error(via_redirect: bool) -> FetchError:
    if via_redirect:
        return FetchError(
            "forbidden_address",
            "That link redirects to a private or internal network address, so I stopped there.",
        )
    return FetchError(
        "forbidden_address",
        "That link points to a private or internal network address, so I won't fetch it.",
    )


def _require_allowed(
    addr: IPAddress, test_networks: Sequence[IPNetwork], *, via_redirect: bool
) -> None:
    if _in_test_networks(addr, test_networks):
        return
    if _address_is_forbidden(addr):
        raise _forbidden_error(via_redirect)


def check_url(url: str, *, max_length: int = DEFAULT_LIMITS.max_url_length) -> ParsedTarget:
    """Syntactic checks only (no DNS): scheme, host, port, credentials, length, literal IPs.

    An IP literal in any spelling is read as the address it names and refused when it is
    not global, so this alone already stops `http://0x7f.1/`.
    """
    return _check_url(url, max_length=max_length, test_networks=(), via_redirect=False)


# -- resolution, cookies, bodies --------------------------------------------------------


async def system_resolver(host: str, port: int) -> list[str]:
    """Default resolver: the event loop's getaddrinfo, TCP only, de-duplicated, in order."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


# getaddrinfo's answers that mean the name does not exist; any other failure means it could
# not be looked up at all (no network, no resolver), which is not the link's fault.
_NAME_DOES_NOT_EXIST = frozenset(
    code
    for code in (getattr(socket, "EAI_NONAME", None), getattr(socket, "EAI_NODATA", None))
    if code is not None
)


def _no_such_site(host: str) -> str:
    return f"I couldn't find the site {host}. Check the link for typos."


def resolution_failure(host: str, error: OSError) -> FetchError:
    """The user's sentence for a failed lookup: a typo only when the name does not exist."""
    if isinstance(error, socket.gaierror) and error.errno in _NAME_DOES_NOT_EXIST:
        return FetchError("dns_failure", _no_such_site(host))
    reason = error.strerror or str(error) or type(error).__name__
    return FetchError(
        "dns_failure",
        f"I couldn't reach the site {host}: looking up its address failed ({reason}).",
    )


class _NoCookies(CookiePolicy):
    """Refuse to store or return any cookie: fetches must not carry state between hops."""

    netscape = True
    rfc2965 = False
    hide_cookie2 = True

    def set_ok(self, cookie: Cookie, request: UrllibRequest) -> bool:
        return False

    def return_ok(self, cookie: Cookie, request: UrllibRequest) -> bool:
        return False

    def domain_return_ok(self, domain: str, request: UrllibRequest) -> bool:
        return False

    def path_return_ok(self, path: str, request: UrllibRequest) -> bool:
        return False


class _BodyDecoder:
    """Content-Encoding decoding that never produces more than asked for (no zip bombs)."""

    def __init__(self, encoding: str) -> None:
        self._encoding = encoding
        self._started = False
        self._zlib: zlib._Decompress | None = None
        if encoding in ("gzip", "x-gzip"):
            self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._zlib = zlib.decompressobj(zlib.MAX_WBITS)

    def decode(self, data: bytes, max_out: int) -> bytes:
        if self._zlib is None:
            return data
        try:
            out = self._zlib.decompress(data, max_out)
        except zlib.error:
            if self._encoding != "deflate" or self._started:
                raise
            # Some servers send raw deflate without the zlib header.
            self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
            out = self._zlib.decompress(data, max_out)
        self._started = True
        return out

    def flush(self, max_out: int) -> bytes:
        """End of body. Only reached when no `decode` call hit its limit, so all input has
        been consumed and at most zlib's last buffered bytes remain; `_read` still slices."""
        if self._zlib is None or max_out <= 0:
            return b""
        return self._zlib.flush(max_out)


def _sniff_text_type(body: bytes) -> str | None:
    """Missing Content-Type: only HTML or plain text are ever inferred."""
    head = body[:1024]
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n\x0c").lower()
    if stripped.startswith((b"<!doctype html", b"<html")):
        return "text/html"
    if not head or b"\x00" in head:
        return None
    try:
        sample = codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return None
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n\x0c")
    return "text/plain" if controls * 20 <= len(sample) else None


def _is_truncatable(mime: str) -> bool:
    return mime.startswith("text/") or mime in _TRUNCATABLE_EXTRA


_SAFE_MIME_RE = re.compile(r"[a-z0-9][a-z0-9.+\-]{0,40}/[a-z0-9][a-z0-9.+\-]{0,60}")


def _describe_type(mime: str) -> str:
    return mime if _SAFE_MIME_RE.fullmatch(mime) else "an unsupported kind of"


def _is_tls_failure(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    for _ in range(6):
        if seen is None:
            return False
        if isinstance(seen, ssl.SSLError | ssl.CertificateError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


class _SinkBuffer:
    """The body as `_read` grows it, passed on to a sink: only its size and first KiB (for
    sniffing the type) stay in memory."""

    def __init__(self, sink: Callable[[bytes], object]) -> None:
        self.sink = sink
        self.size = 0
        self.head = b""

    def __len__(self) -> int:
        return self.size

    def __iadd__(self, data: bytes | bytearray) -> Self:
        if data:
            self.sink(bytes(data))
            self.size += len(data)
            self.head = (self.head + data[: max(0, 1024 - len(self.head))])[:1024]
        return self

    __add__ = __iadd__

    def __getitem__(self, part: slice) -> bytes:
        return self.head[part]

    def __bytes__(self) -> bytes:
        return b""


async def _raw_chunks(response: httpx.Response) -> AsyncGenerator[bytes, None]:
    if response.is_stream_consumed:
        yield response.content
        return
    async for chunk in response.aiter_raw():
        yield chunk


def _connect_address(addr: IPAddress) -> IPAddress:
    """Where to connect for a checked address: no zone id, IPv4-mapped becomes plain IPv4."""
    if isinstance(addr, ipaddress.IPv6Address):
        addr = ipaddress.IPv6Address(int(addr))
        if addr in _IPV4_MAPPED:
            return ipaddress.IPv4Address(int(addr) & 0xFFFF_FFFF)
    return addr


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """One verifying TLS context (certifi roots) shared by every fetcher: loading it is slow."""
    context = httpx.create_ssl_context(trust_env=False)
    assert context.check_hostname and context.verify_mode == ssl.CERT_REQUIRED
    return context


# -- the fetcher --------------------------------------------------------------------------


class SafeFetcher:
    """Fetch user-supplied URLs without letting them reach internal networks.

    One instance can serve many concurrent fetches. Connections are never kept alive, so a
    TLS connection verified for one hostname is never reused for another on the same IP.

    `_allow_networks_for_tests` exists only so tests can talk to servers on loopback; it
    accepts loopback networks only, is never read from configuration, and excepts exactly
    the listed networks (every other address is still checked in full, redirects included).

    `slots`, when given, admits each fetch against its owner's fair share (bot/core/fairness.py);
    the bot passes one instance to all its fetchers so the shares hold across them.
    """

    def __init__(
        self,
        limits: FetchLimits = DEFAULT_LIMITS,
        *,
        resolver: Resolver | None = None,
        allowed_content_types: frozenset[str] = DEFAULT_CONTENT_TYPES,
        transport: httpx.AsyncBaseTransport | None = None,
        slots: FetchSlots | None = None,
        _allow_networks_for_tests: Sequence[IPNetwork] = (),
    ) -> None:
        self._limits = limits
        self.slots = slots
        self._resolver: Resolver = resolver or system_resolver
        self._allowed_types = frozenset(t.lower() for t in allowed_content_types)
        self._test_networks = _validate_test_networks(_allow_networks_for_tests)
        self._timeout = httpx.Timeout(
            connect=limits.connect_timeout,
            read=limits.read_timeout,
            write=limits.read_timeout,
            pool=limits.connect_timeout,
        )
        if transport is None:
            transport = httpx.AsyncHTTPTransport(
                verify=_tls_context(),
                limits=httpx.Limits(max_connections=POOL_CONNECTIONS, max_keepalive_connections=0),
                trust_env=False,
                retries=0,
            )
        self._client = httpx.AsyncClient(
            transport=transport,
            follow_redirects=False,
            trust_env=False,
            cookies=httpx.Cookies(CookieJar(policy=_NoCookies())),
            timeout=self._timeout,
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    async def fetch(
        self,
        url: str,
        *,
        allowed_content_types: frozenset[str] | None = None,
        owner: FetchOwner | None = None,
        sink: Callable[[bytes], object] | None = None,
    ) -> FetchResult:
        """Fetch one URL under every rule in the module docstring, or raise FetchError.

        `owner` is the (guild id, member id) the fetch is for; over their share it is refused
        with code "busy" before any connection is made. With `sink`, the body goes to it chunk
        by chunk instead of into `FetchResult.body` (large feeds to a file), and a body over
        the cap is refused whatever its type."""
        allowed = (
            self._allowed_types
            if allowed_content_types is None
            else frozenset(t.lower() for t in allowed_content_types)
        )
        target = self._check(url, via_redirect=False)
        with self._admitted(owner):
            try:
                async with asyncio.timeout(self._limits.total_timeout):
                    return await self._follow(target, allowed, sink)
            except TimeoutError:
                raise FetchError("timeout", "The site took too long to respond.") from None

    @contextlib.contextmanager
    def _admitted(self, owner: FetchOwner | None) -> Iterator[None]:
        """Hold one of the owner's slots for the whole fetch, whatever way it ends."""
        if self.slots is None:
            yield
            return
        refusal = self.slots.take(owner)
        if refusal is not None:
            raise FetchError("busy", refusal)
        try:
            yield
        finally:
            self.slots.release(owner)

    def _check(self, url: str, *, via_redirect: bool) -> ParsedTarget:
        return _check_url(
            url,
            max_length=self._limits.max_url_length,
            test_networks=self._test_networks,
            via_redirect=via_redirect,
        )

    async def _follow(
        self,
        target: ParsedTarget,
        allowed: frozenset[str],
        sink: Callable[[bytes], object] | None = None,
    ) -> FetchResult:
        redirects: list[str] = []
        current = target
        accept = ", ".join(sorted(allowed)) or "*/*"
        while True:
            response = await self._send(current, accept, via_redirect=bool(redirects))
            try:
                status = response.status_code
                if status in _REDIRECT_STATUSES:
                    location = response.headers.get("location")
                    if not location:
                        raise FetchError(
                            "bad_response", "The site sent a redirect without saying where to."
                        )
                    if len(redirects) >= self._limits.max_redirects:
                        raise FetchError(
                            "too_many_redirects",
                            "That link redirects too many times "
                            f"(more than {self._limits.max_redirects}).",
                        )
                    try:
                        next_url = urllib.parse.urljoin(current.url, location.strip())
                    except ValueError:  # e.g. an unbalanced "[" in the host
                        raise _bad_url("That link redirects to an invalid address.") from None
                    redirects.append(current.url)
                    current = self._check(next_url, via_redirect=True)
                    continue
                if not 200 <= status < 300:
                    phrase = httpx.codes.get_reason_phrase(status)
                    shown = f"{status} {phrase}" if phrase else str(status)
                    raise FetchError(
                        "http_error", f"The site answered with an error (HTTP {shown})."
                    )
                return await self._read(current, response, allowed, tuple(redirects), sink)
            finally:
                await response.aclose()

    async def _addresses(self, target: ParsedTarget, *, via_redirect: bool) -> list[IPAddress]:
        """Resolve once; refuse unless every answer is allowed (one bad answer spoils all)."""
        if target.ip is not None:
            return [_connect_address(target.ip)]
        try:
            answers = await self._resolver(target.host, target.port)
        except UnicodeError:
            answers = []
        except OSError as exc:
            raise resolution_failure(target.host, exc) from None
        if not answers:
            raise FetchError("dns_failure", _no_such_site(target.host))
        addresses: list[IPAddress] = []
        for answer in answers:
            addr = _parse_ip(answer)
            if addr is None:
                raise FetchError("dns_failure", f"I couldn't look up the site {target.host}.")
            _require_allowed(addr, self._test_networks, via_redirect=via_redirect)
            addr = _connect_address(addr)
            if addr not in addresses:
                addresses.append(addr)
        return addresses

    def _request(self, target: ParsedTarget, addr: IPAddress, accept: str) -> httpx.Request:
        ip_text = addr.compressed
        netloc = f"[{ip_text}]" if addr.version == 6 else ip_text
        try:
            url = httpx.URL(f"{target.scheme}://{netloc}:{target.port}{target.path}")
        except httpx.InvalidURL:
            raise _bad_url() from None
        if url.host != ip_text:
            raise _bad_url()
        extensions: dict[str, object] = {"timeout": self._timeout.as_dict()}
        if target.scheme == "https" and target.ip is None:
            extensions["sni_hostname"] = target.host
        return httpx.Request(
            "GET",
            url,
            headers={
                "Host": target.host_header,
                "User-Agent": USER_AGENT,
                "Accept": accept,
                "Accept-Encoding": "gzip, deflate",
                # Never reuse a connection, even through an injected pooling transport: a TLS
                # session verified for one hostname must not carry a request for another.
                "Connection": "close",
            },
            extensions=extensions,
        )

    async def _send(
        self, target: ParsedTarget, accept: str, *, via_redirect: bool
    ) -> httpx.Response:
        addresses = await self._addresses(target, via_redirect=via_redirect)
        failure: FetchError | None = None
        for addr in addresses:
            request = self._request(target, addr, accept)
            try:
                return await self._client.send(request, stream=True)
            except httpx.ConnectTimeout:
                failure = FetchError("timeout", "The site took too long to respond.")
            except httpx.ConnectError as exc:
                if _is_tls_failure(exc):
                    failure = FetchError(
                        "tls_error",
                        "I couldn't make a secure connection to that site "
                        "(its certificate didn't check out).",
                    )
                else:
                    failure = FetchError("connect_failed", "I couldn't connect to that site.")
            except httpx.TimeoutException:
                raise FetchError("timeout", "The site took too long to respond.") from None
            except httpx.InvalidURL:  # httpx could not parse the Location of a redirect
                raise _bad_url("That link redirects to an invalid address.") from None
            except httpx.HTTPError:
                raise FetchError(
                    "bad_response", "The site sent a response I couldn't read."
                ) from None
        assert failure is not None
        raise failure

    async def _read(
        self,
        target: ParsedTarget,
        response: httpx.Response,
        allowed: frozenset[str],
        redirects: tuple[str, ...],
        sink: Callable[[bytes], object] | None = None,
    ) -> FetchResult:
        mime, charset = parse_content_type(response.headers.get("content-type"))
        if mime and mime not in allowed:
            raise FetchError(
                "bad_content_type",
                f"That link points to {_describe_type(mime)} content, which I can't read.",
            )
        cap = self._limits.max_bytes
        too_large = FetchError("too_large", f"That file is too large (over {cap:,} bytes).")
        truncatable = (not mime or _is_truncatable(mime)) and sink is None
        declared = response.headers.get("content-length", "")
        if not truncatable and declared.isdigit() and int(declared) > cap:
            raise too_large

        encoding = response.headers.get("content-encoding", "identity").strip().lower()
        if response.is_stream_consumed:
            # A transport that hands back an already-read (and decoded) body, e.g. a mock.
            encoding = "identity"
        if encoding in ("", "identity"):
            encoding = "identity"
        elif encoding not in ("gzip", "x-gzip", "deflate"):
            raise FetchError(
                "bad_response", "The site compressed its answer in a way I can't read."
            )
        decoder = _BodyDecoder(encoding)
        body: bytearray | _SinkBuffer = bytearray() if sink is None else _SinkBuffer(sink)
        truncated = False
        try:
            async with contextlib.aclosing(_raw_chunks(response)) as chunks:
                async for chunk in chunks:
                    room = cap - len(body)
                    out = decoder.decode(chunk, room + 1)
                    if len(out) > room:
                        if not truncatable:
                            raise too_large
                        body += out[:room]
                        truncated = True
                        break
                    body += out
                else:
                    room = cap - len(body)
                    tail = decoder.flush(room + 1)
                    if len(tail) > room:
                        if not truncatable:
                            raise too_large
                        tail, truncated = tail[:room], True
                    body += tail
        except httpx.TimeoutException:
            raise FetchError("timeout", "The site took too long to respond.") from None
        except (httpx.HTTPError, zlib.error):
            raise FetchError("bad_response", "The site sent a response I couldn't read.") from None

        if not mime:
            sniffed = _sniff_text_type(bytes(body[:1024]))
            if sniffed is None or sniffed not in allowed:
                raise FetchError(
                    "bad_content_type",
                    "That link didn't say what kind of content it is, "
                    "and it doesn't look like a web page or text.",
                )
            mime = sniffed
        return FetchResult(
            url=target.url,
            status=response.status_code,
            content_type=mime,
            charset=charset,
            body=bytes(body),
            truncated=truncated,
            redirects=redirects,
        )
