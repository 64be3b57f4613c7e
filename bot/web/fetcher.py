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

Each rule lives with its concern: link syntax in `url_syntax`, the address policy and the one
lookup per hop in `addresses`, bodies within their cap in `responses`; this module holds the
connections and follows the redirects, checking every hop again.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import ssl
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from http.cookiejar import Cookie, CookieJar, CookiePolicy
from types import TracebackType
from typing import Self
from urllib.request import Request as UrllibRequest

import httpx

from bot.core.fairness import FetchOwner, FetchSlots
from bot.web.addresses import (
    IPAddress,
    IPNetwork,
    Resolver,
    connect_address,
    resolve_allowed,
    system_resolver,
    validate_test_networks,
)
from bot.web.errors import FetchError, bad_url
from bot.web.responses import FetchResult, read_response
from bot.web.url_syntax import MAX_URL_LENGTH, ParsedTarget, parse_target

__all__ = [
    "DEFAULT_CONTENT_TYPES",
    "DEFAULT_LIMITS",
    "POOL_CONNECTIONS",
    "USER_AGENT",
    "FetchLimits",
    "SafeFetcher",
]

USER_AGENT = "claimbot/0.1 (+https://github.com/claimbot)"
DEFAULT_CONTENT_TYPES = frozenset(
    {"text/html", "application/xhtml+xml", "text/plain", "text/markdown"}
)
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# Connections per fetcher; bot/core/fairness.py keeps the fetches in flight below it.
POOL_CONNECTIONS = 50


@dataclass(frozen=True, slots=True)
class FetchLimits:
    """Bounds for one fetch; `total_timeout` covers resolution, every redirect and the body."""

    max_bytes: int = 5_000_000
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    total_timeout: float = 20.0
    max_redirects: int = 5
    max_url_length: int = MAX_URL_LENGTH


DEFAULT_LIMITS = FetchLimits()


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


def _is_tls_failure(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    for _ in range(6):
        if seen is None:
            return False
        if isinstance(seen, ssl.SSLError | ssl.CertificateError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


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
        self._test_networks = validate_test_networks(_allow_networks_for_tests)
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
        return parse_target(
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
                        raise bad_url("That link redirects to an invalid address.") from None
                    redirects.append(current.url)
                    current = self._check(next_url, via_redirect=True)
                    continue
                if not 200 <= status < 300:
                    phrase = httpx.codes.get_reason_phrase(status)
                    shown = f"{status} {phrase}" if phrase else str(status)
                    raise FetchError(
                        "http_error",
                        f"The site answered with an error (HTTP {shown}).",
                        http_status=status,
                    )
                return await read_response(
                    current,
                    response,
                    allowed,
                    tuple(redirects),
                    sink,
                    max_bytes=self._limits.max_bytes,
                )
            finally:
                await response.aclose()

    def _request(self, target: ParsedTarget, addr: IPAddress, accept: str) -> httpx.Request:
        ip_text = addr.compressed
        netloc = f"[{ip_text}]" if addr.version == 6 else ip_text
        try:
            url = httpx.URL(f"{target.scheme}://{netloc}:{target.port}{target.path}")
        except httpx.InvalidURL:
            raise bad_url() from None
        if url.host != ip_text:
            raise bad_url()
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
        if target.ip is not None:
            addresses = [connect_address(target.ip)]
        else:
            addresses = await resolve_allowed(
                target.host,
                target.port,
                self._resolver,
                self._test_networks,
                via_redirect=via_redirect,
            )
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
                raise bad_url("That link redirects to an invalid address.") from None
            except httpx.HTTPError:
                raise FetchError(
                    "bad_response", "The site sent a response I couldn't read."
                ) from None
        assert failure is not None
        raise failure
