"""Tests for bot.fetch: every rule proven against real servers on 127.0.0.1 only.

Loopback is forbidden by default, so the fetchers here pass the test seam
`_allow_networks_for_tests=[127.0.0.1/32]`. Hostnames come from a fake resolver; "private"
answers never reach a socket: a guard transport fails the test if any request is aimed at
anything but 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import errno
import functools
import gzip
import ipaddress
import json
import shutil
import socket
import ssl
import subprocess
import time
import tracemalloc
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from aiohttp import web
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.errors import UserFacingError
from bot.web.fetcher import (
    DEFAULT_CONTENT_TYPES,
    METADATA_ADDRESSES,
    USER_AGENT,
    FetchError,
    FetchLimits,
    FetchResult,
    SafeFetcher,
    check_url,
    is_forbidden_address,
    system_resolver,
)

LOCAL = [ipaddress.IPv4Network("127.0.0.1/32")]
PDF_OK = frozenset({"application/pdf", "text/html"})


# -- helpers --------------------------------------------------------------------------


class FakeResolver:
    """Maps test hostnames to fixed answers and records every lookup."""

    def __init__(self, table: dict[str, list[str]] | None = None) -> None:
        self.table = {
            "public.test": ["127.0.0.1"],
            "evil.test": ["10.0.0.5"],
            "evil2.test": ["192.168.1.1"],
            "mapped.test": ["::ffff:127.0.0.2"],
            "metadata.test": ["169.254.169.254"],
            "v6local.test": ["::1"],
            "mixed.test": ["127.0.0.1", "10.0.0.5"],
            "linklocal6.test": ["fe80::1%eth0"],
            "garbage.test": ["not-an-ip"],
            **(table or {}),
        }
        self.calls: list[tuple[str, int]] = []

    async def __call__(self, host: str, port: int) -> list[str]:
        self.calls.append((host, port))
        if host not in self.table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return list(self.table[host])


class LoopbackGuard(httpx.AsyncBaseTransport):
    """A real transport that refuses (fails the test) any request not aimed at 127.0.0.1."""

    def __init__(self, inner: httpx.AsyncBaseTransport | None = None) -> None:
        self.inner = inner or httpx.AsyncHTTPTransport(
            limits=httpx.Limits(max_keepalive_connections=0)
        )
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.host != "127.0.0.1":
            raise AssertionError(f"test tried to connect to {request.url.host}")
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


def make_fetcher(
    limits: FetchLimits | None = None,
    *,
    resolver: FakeResolver | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> SafeFetcher:
    return SafeFetcher(
        limits or FetchLimits(),
        resolver=resolver or FakeResolver(),
        transport=transport,
        _allow_networks_for_tests=LOCAL,
    )


async def expect_error(fetcher: SafeFetcher, url: str, **kwargs: object) -> FetchError:
    with pytest.raises(FetchError) as info:
        await fetcher.fetch(url, **kwargs)  # type: ignore[arg-type]
    return info.value


ARTICLE = (
    "<!doctype html><html><head><title>Café</title></head><body><p>Crème brûlée</p></body></html>"
)


async def article(request: web.Request) -> web.Response:
    return web.Response(
        body=ARTICLE.encode("latin-1"), headers={"Content-Type": "text/html; charset=ISO-8859-1"}
    )


async def idna_charset(request: web.Request) -> web.Response:
    body = "<title>Café report</title>".encode()
    return web.Response(body=body, headers={"Content-Type": "text/html; charset=idna"})


async def image(request: web.Request) -> web.Response:
    return web.Response(body=b"\x89PNG\r\n\x1a\n", headers={"Content-Type": "image/png"})


async def redirect_no_location(request: web.Request) -> web.Response:
    return web.Response(status=302, text="where?")


async def trickle(request: web.Request) -> web.StreamResponse:
    response = web.StreamResponse(headers={"Content-Type": "text/html"})
    await response.prepare(request)
    for _ in range(200):  # bounded: stops by itself after ~10 s
        try:
            await response.write(b"x")
        except (ConnectionError, RuntimeError):
            break
        await asyncio.sleep(0.05)
    return response


async def endless(request: web.Request) -> web.StreamResponse:
    """Claims to be 10 GB of HTML; writes until the client hangs up (bounded count)."""
    response = web.StreamResponse(headers={"Content-Type": "text/html"})
    await response.prepare(request)
    chunk = b"<p>" + b"a" * 65_529 + b"</p>"
    for _ in range(160_000):
        try:
            await response.write(chunk)
        except (ConnectionError, RuntimeError):
            break
    return response


async def declared_big(request: web.Request) -> web.StreamResponse:
    kind = request.query.get("type", "text/html")
    response = web.StreamResponse(headers={"Content-Type": kind, "Content-Length": "10000000"})
    await response.prepare(request)
    for _ in range(160):
        try:
            await response.write(b"b" * 62_500)
        except (ConnectionError, RuntimeError):
            break
    return response


async def chunked_pdf(request: web.Request) -> web.StreamResponse:
    response = web.StreamResponse(headers={"Content-Type": "application/pdf"})
    await response.prepare(request)
    for _ in range(100):
        try:
            await response.write(b"%" * 50_000)
        except (ConnectionError, RuntimeError):
            break
    return response


async def echo(request: web.Request) -> web.Response:
    headers = {k.lower(): v for k, v in request.headers.items()}
    return web.json_response({"path": request.path_qs, "headers": headers})


async def redirect_chain(request: web.Request) -> web.Response:
    n = int(request.match_info["n"])
    if n == 0:
        return web.Response(text="end of chain", content_type="text/plain")
    # Relative Location, resolved against the current URL.
    raise web.HTTPFound(f"../chain/{n - 1}")


async def redirect_to(request: web.Request) -> web.Response:
    raise web.HTTPFound(request.query["target"])


async def cookie_redirect(request: web.Request) -> web.Response:
    response = web.HTTPFound("/echo")
    response.set_cookie("session", "s3cret")
    raise response


async def status(request: web.Request) -> web.Response:
    return web.Response(status=int(request.match_info["code"]), text="nope")


async def gzipped(request: web.Request) -> web.Response:
    body = gzip.compress(ARTICLE.encode("utf-8"))
    return web.Response(
        body=body, headers={"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip"}
    )


@functools.cache
def gzip_bomb_body() -> bytes:
    """20 MB of "a" in about 20 kB."""
    return gzip.compress(b"a" * 20_000_000, compresslevel=9)


async def gzip_bomb(request: web.Request) -> web.Response:
    return web.Response(
        body=gzip_bomb_body(), headers={"Content-Type": "text/plain", "Content-Encoding": "gzip"}
    )


async def brotli(request: web.Request) -> web.Response:
    return web.Response(
        body=b"xx", headers={"Content-Type": "text/plain", "Content-Encoding": "br"}
    )


@dataclass
class Server:
    port: int

    def url(self, path: str, host: str = "127.0.0.1", scheme: str = "http") -> str:
        return f"{scheme}://{host}:{self.port}{path}"


async def _start(
    app: web.Application, ssl_context: ssl.SSLContext | None = None
) -> tuple[web.AppRunner, int]:
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=ssl_context)
    await site.start()
    port = runner.addresses[0][1]
    return runner, int(port)


def build_app() -> web.Application:
    app = web.Application()
    app.router.add_get("/article", article)
    app.router.add_get("/echo", echo)
    app.router.add_get("/chain/{n}", redirect_chain)
    app.router.add_get("/redirect-to", redirect_to)
    app.router.add_get("/cookie-redirect", cookie_redirect)
    app.router.add_get("/status/{code}", status)
    app.router.add_get("/trickle", trickle)
    app.router.add_get("/endless", endless)
    app.router.add_get("/declared-big", declared_big)
    app.router.add_get("/chunked-pdf", chunked_pdf)
    app.router.add_get("/gzip", gzipped)
    app.router.add_get("/gzip-bomb", gzip_bomb)
    app.router.add_get("/brotli", brotli)
    app.router.add_get("/image", image)
    app.router.add_get("/idna-charset", idna_charset)
    app.router.add_get("/redirect-no-location", redirect_no_location)
    return app


@pytest.fixture
async def server() -> AsyncIterator[Server]:
    runner, port = await _start(build_app())
    yield Server(port)
    await runner.cleanup()


@dataclass
class RawServer:
    """A bare TCP server for answers aiohttp won't produce (no Content-Type, no answer)."""

    port: int
    writers: list[asyncio.StreamWriter] = field(default_factory=list)


Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@pytest.fixture
async def raw_server() -> AsyncIterator[Callable[[Handler], Awaitable[RawServer]]]:
    servers: list[tuple[asyncio.Server, RawServer]] = []

    async def start(handler: Handler) -> RawServer:
        holder: RawServer | None = None

        async def wrapped(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            assert holder is not None
            holder.writers.append(writer)
            try:
                await reader.readuntil(b"\r\n\r\n")
                await handler(reader, writer)
            except (ConnectionError, asyncio.IncompleteReadError):
                pass
            finally:
                writer.close()

        srv = await asyncio.start_server(wrapped, "127.0.0.1", 0)
        holder = RawServer(srv.sockets[0].getsockname()[1])
        servers.append((srv, holder))
        return holder

    yield start
    for srv, holder in servers:
        srv.close()
        for writer in holder.writers:
            writer.close()
        await srv.wait_closed()


# -- pure checks: check_url --------------------------------------------------------------

LITERAL_FORBIDDEN = [
    "http://127.0.0.1/",
    "http://2130706433/",  # decimal
    "http://0177.0.0.1/",  # octal
    "http://0x7f.1/",  # hex, short form
    "http://0x7f000001/",
    "http://127.1/",  # short form
    "http://127.0.1/",
    "http://0/",  # 0.0.0.0
    "http://0x/",  # "0x" alone is 0 to a browser
    "http://0.0.0.0/",
    "http://127.0.0.1./",  # trailing dot
    "http://127.0.0.%31/",  # percent-encoded digit
    "http://１２７．０．０．１/",  # full-width digits and dots
    "http://10.1.2.3/",
    "http://172.16.0.1/",
    "http://192.168.1.1/",
    "http://100.64.0.1/",  # shared address space
    "http://198.18.0.1/",  # benchmarking
    "http://169.254.169.254/latest/meta-data/",
    "http://100.100.100.200/",
    "http://224.0.0.1/",
    "http://255.255.255.255/",
    "http://[::1]/",
    "http://[::]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:7f00:1]/",
    "http://[::ffff:169.254.169.254]/",
    "http://[::127.0.0.1]/",  # IPv4-compatible
    "http://[64:ff9b::7f00:1]/",  # NAT64
    "http://[64:ff9b::a00:1]/",
    "http://[2002:7f00:1::]/",  # 6to4
    "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/",  # Teredo
    "http://[fe80::1%25eth0]/",  # link-local with zone id
    "http://[fe80::1]/",
    "http://[fd00:ec2::254]/",
    "http://[fc00::1]/",
    "http://[ff02::1]/",
    "https://[::1]:8443/x",
]


@pytest.mark.parametrize("url", LITERAL_FORBIDDEN)
def test_check_url_refuses_internal_ip_literals_in_every_spelling(url: str) -> None:
    with pytest.raises(FetchError) as info:
        check_url(url)
    assert info.value.code == "forbidden_address"
    assert str(info.value) == (
        "That link points to a private or internal network address, so I won't fetch it."
    )


@pytest.mark.parametrize(
    ("url", "host", "ip"),
    [
        ("http://2130706433/", "127.0.0.1", "127.0.0.1"),
        ("http://0177.0.0.1/", "127.0.0.1", "127.0.0.1"),
        ("http://0x7f.1/", "127.0.0.1", "127.0.0.1"),
        ("http://127.1/", "127.0.0.1", "127.0.0.1"),
        ("http://0x08080808/", "8.8.8.8", "8.8.8.8"),
        ("http://010.010.010.010/", "8.8.8.8", "8.8.8.8"),
        ("http://[::ffff:8.8.8.8]/", "::ffff:808:808", "::ffff:808:808"),
    ],
)
def test_ip_literals_are_read_as_a_browser_reads_them(url: str, host: str, ip: str) -> None:
    if is_forbidden_address(ip):
        with pytest.raises(FetchError):
            check_url(url)
        # The spelling is still understood: it names exactly this address.
        assert is_forbidden_address(host)
        return
    target = check_url(url)
    assert target.host == host
    assert str(target.ip) == ip


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("file:///etc/passwd", "bad_scheme"),
        ("ftp://example.com/x", "bad_scheme"),
        ("data:text/html,<h1>x</h1>", "bad_scheme"),
        ("gopher://example.com/", "bad_scheme"),
        ("javascript:alert(1)", "bad_scheme"),
        ("example.com/page", "bad_scheme"),
        ("http:example.com", "bad_url"),
        ("http:///path", "bad_url"),
        ("http://", "bad_url"),
        ("http://:80/", "bad_url"),
        ("", "bad_url"),
        ("http://user:pass@example.com/", "credentials_in_url"),
        ("http://user@example.com/", "credentials_in_url"),
        ("http://example.com@127.0.0.1/", "credentials_in_url"),
        ("http://exa mple.com/", "bad_url"),
        ("http://example.com/a b", "bad_url"),
        ("ht\ntp://example.com/", "bad_url"),
        ("http://example.com\\@evil.test/", "bad_url"),
        ("http://example.com:99999/", "bad_url"),
        ("http://example.com:0/", "bad_url"),
        ("http://example.com:8o/", "bad_url"),
        ("http://example.com:80:80/", "bad_url"),
        ("http://::1/", "bad_url"),
        ("http://[::1/", "bad_url"),
        ("http://[127.0.0.1]/", "bad_url"),
        ("http://[2606:4700::1%25eth0]/", "bad_url"),  # zone id on a global address
        ("http://1.2.3.999/", "bad_url"),  # ends in a number but is not an address
        ("http://1.2.3.4.5/", "bad_url"),
        ("http://example.0x10/", "bad_url"),
        ("http://a..b/", "bad_url"),
        ("http://exa%00mple.com/", "bad_url"),
        ("http://ex%2fample.com/", "bad_url"),
        ("http://" + "a" * 64 + ".com/", "bad_url"),
        ("http://example.com/" + "a" * 2048, "url_too_long"),
    ],
)
def test_check_url_refusals(url: str, code: str) -> None:
    with pytest.raises(FetchError) as info:
        check_url(url)
    assert info.value.code == code
    assert "Traceback" not in str(info.value)
    assert str(info.value).endswith(".")


def test_refusal_messages_are_user_readable() -> None:
    cases = {
        "file:///etc/passwd": "Only http:// and https:// links can be fetched.",
        "http://u:p@example.com/": "Links with a username or password in them aren't accepted.",
        "http://example.com/" + "x" * 3000: "That link is too long (the limit is 2048 characters).",
        "http:///x": "That link has no host name.",
    }
    for url, message in cases.items():
        with pytest.raises(FetchError) as info:
            check_url(url)
        assert str(info.value) == message
    assert issubclass(FetchError, UserFacingError)


def test_check_url_normalises_and_keeps_the_hostname() -> None:
    target = check_url("  HTTPS://News.Example.COM.:8443/a/b?x=1&y=%20#frag  ")
    assert target.scheme == "https"
    assert target.host == "news.example.com"
    assert target.port == 8443
    assert target.path == "/a/b?x=1&y=%20"
    assert target.ip is None
    assert target.url == "https://news.example.com:8443/a/b?x=1&y=%20"
    assert target.host_header == "news.example.com:8443"


def test_check_url_defaults_path_port_and_encodes_idna() -> None:
    assert check_url("http://example.com").url == "http://example.com/"
    assert check_url("http://example.com?q=1").path == "/?q=1"
    assert check_url("http://example.com:80/").url == "http://example.com/"
    assert check_url("https://example.com:443/").port == 443
    idn = check_url("https://Bücher.example/x")
    assert idn.host == "xn--bcher-kva.example"
    assert idn.host_header == "xn--bcher-kva.example"
    assert check_url("http://ex%41mple.com/").host == "example.com"
    assert check_url("http://ex:80/").host == "ex"


def test_check_url_length_limit_is_configurable() -> None:
    url = "http://example.com/" + "a" * 20
    assert check_url(url, max_length=len(url)).url == url
    with pytest.raises(FetchError) as info:
        check_url(url, max_length=len(url) - 1)
    assert info.value.code == "url_too_long"


def test_global_ip_literals_pass() -> None:
    assert check_url("http://8.8.8.8/").ip == ipaddress.IPv4Address("8.8.8.8")
    target = check_url("https://[2606:4700:4700::1111]:8443/")
    assert target.ip == ipaddress.IPv6Address("2606:4700:4700::1111")
    assert target.url == "https://[2606:4700:4700::1111]:8443/"
    assert target.host_header == "[2606:4700:4700::1111]:8443"


# -- pure checks: is_forbidden_address ---------------------------------------------------


@pytest.mark.parametrize(
    "ip",
    [
        "127.0.0.1",
        "127.255.255.254",
        "10.0.0.5",
        "172.31.255.255",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "100.127.255.255",
        "198.18.0.1",
        "198.19.255.255",
        "0.0.0.0",
        "224.0.0.251",
        "239.255.255.250",
        "240.0.0.1",
        "255.255.255.255",
        "192.0.2.1",
        "192.0.0.170",
        "::",
        "::1",
        "::ffff:127.0.0.1",
        "::ffff:7f00:1",
        "::ffff:10.0.0.1",
        "::ffff:169.254.169.254",
        "::127.0.0.1",
        "::ffff:0:7f00:1",
        "64:ff9b::7f00:1",
        "64:ff9b::a9fe:a9fe",
        "64:ff9b:1::1",
        "2002:7f00:1::",
        "2002:808:808::1",  # 6to4 is refused outright
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",
        "2001:db8::1",
        "fe80::1",
        "fe80::1%eth0",
        "fc00::1",
        "fd00:ec2::254",
        "fec0::1",
        "ff02::1",
        "100::1",
        "4000::1",  # outside global unicast 2000::/3
        "not an ip",
        "",
        "0177.0.0.1",  # non-canonical spellings are never waved through
        "127.1",
    ],
)
def test_is_forbidden_address_refuses(ip: str) -> None:
    assert is_forbidden_address(ip) is True


@pytest.mark.parametrize(
    "ip",
    [
        "8.8.8.8",
        "1.1.1.1",
        "93.184.215.14",
        "2606:4700:4700::1111",
        "::ffff:8.8.8.8",
        "64:ff9b::808:808",
    ],
)
def test_is_forbidden_address_allows_global(ip: str) -> None:
    assert is_forbidden_address(ip) is False


@pytest.mark.parametrize("addr", sorted(METADATA_ADDRESSES, key=str))
def test_cloud_metadata_addresses_are_forbidden(
    addr: ipaddress.IPv4Address | ipaddress.IPv6Address,
) -> None:
    assert is_forbidden_address(str(addr)) is True
    if addr.version == 4:
        assert is_forbidden_address(f"::ffff:{addr}") is True


_EXTRA_RULES = [
    ipaddress.ip_network(n)
    for n in (
        "100.64.0.0/10", "192.0.0.0/24", "192.88.99.0/24", "198.18.0.0/15", "224.0.0.0/4",
        "240.0.0.0/4", "168.63.129.16/32", "::ffff:0:0/96", "64:ff9b::/96", "64:ff9b:1::/48",
        "2001::/23", "2002::/16", "3fff::/20", "5f00::/16", "ff00::/8",
    )
]  # fmt: skip


def _plain(addr: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Addresses where bot.fetch has no rule of its own beyond `is_global`."""
    if addr.is_multicast or addr.is_reserved:
        return False
    if addr.version == 6 and addr not in ipaddress.IPv6Network("2000::/3"):
        return False
    return not any(addr.version == n.version and addr in n for n in _EXTRA_RULES)


@pytest.mark.slow
@settings(max_examples=400, deadline=None)
@given(st.ip_addresses())
def test_property_agrees_with_is_global_for_plain_addresses(
    addr: ipaddress.IPv4Address | ipaddress.IPv6Address,
) -> None:
    if not addr.is_global and not any(
        addr.version == n.version and addr in n for n in _EXTRA_RULES[7:9]
    ):
        assert is_forbidden_address(str(addr)) is True
    if _plain(addr):
        assert is_forbidden_address(str(addr)) is (not addr.is_global)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.ip_addresses(network="10.0.0.0/8"),
        st.ip_addresses(network="127.0.0.0/8"),
        st.ip_addresses(network="172.16.0.0/12"),
        st.ip_addresses(network="192.168.0.0/16"),
        st.ip_addresses(network="169.254.0.0/16"),
        st.ip_addresses(network="100.64.0.0/10"),
        st.ip_addresses(network="0.0.0.0/8"),
    )
)
def test_property_embedded_private_ipv4_is_never_allowed(addr: ipaddress.IPv4Address) -> None:
    value = int(addr)
    assert is_forbidden_address(str(addr)) is True
    assert is_forbidden_address(str(ipaddress.IPv6Address((0xFFFF << 32) | value))) is True
    assert is_forbidden_address(f"::ffff:{addr}") is True
    assert is_forbidden_address(str(ipaddress.IPv6Address(value))) is True  # compat
    nat64 = int(ipaddress.IPv6Address("64:ff9b::")) | value
    assert is_forbidden_address(str(ipaddress.IPv6Address(nat64))) is True
    sixtofour = (0x2002 << 112) | (value << 80)
    assert is_forbidden_address(str(ipaddress.IPv6Address(sixtofour))) is True


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(st.ip_addresses(v=4).filter(lambda a: a.is_global and not a.is_multicast))
def test_property_mapped_global_ipv4_follows_the_inner_address(addr: ipaddress.IPv4Address) -> None:
    assert is_forbidden_address(f"::ffff:{addr}") is is_forbidden_address(str(addr))


async def test_system_resolver_answers_numeric_hosts_without_dns() -> None:
    assert await system_resolver("127.0.0.1", 80) == ["127.0.0.1"]


# -- the test seam -----------------------------------------------------------------------


def test_test_seam_only_accepts_loopback_networks() -> None:
    with pytest.raises(ValueError):
        SafeFetcher(_allow_networks_for_tests=[ipaddress.IPv4Network("10.0.0.0/8")])
    with pytest.raises(ValueError):
        SafeFetcher(_allow_networks_for_tests=[ipaddress.IPv4Network("0.0.0.0/0")])
    with pytest.raises(TypeError):
        SafeFetcher(_allow_networks_for_tests=["127.0.0.1/32"])  # type: ignore[list-item]


async def test_without_the_seam_loopback_is_refused_before_connecting(server: Server) -> None:
    guard = LoopbackGuard()
    async with SafeFetcher(resolver=FakeResolver(), transport=guard) as fetcher:
        err = await expect_error(fetcher, server.url("/article"))
        assert err.code == "forbidden_address"
        err = await expect_error(fetcher, server.url("/article", host="public.test"))
        assert err.code == "forbidden_address"
    assert guard.requests == []


# -- fetch: happy path ---------------------------------------------------------------------


async def test_happy_path_html_with_charset(server: Server) -> None:
    resolver = FakeResolver()
    async with make_fetcher(resolver=resolver) as fetcher:
        result = await fetcher.fetch(server.url("/article", host="public.test"))
    assert result == FetchResult(
        url=f"http://public.test:{server.port}/article",
        status=200,
        content_type="text/html",
        charset="iso-8859-1",
        body=ARTICLE.encode("latin-1"),
        truncated=False,
        redirects=(),
    )
    assert result.text() == ARTICLE
    assert resolver.calls == [("public.test", server.port)]


async def test_request_goes_to_the_checked_ip_with_the_original_host_header(server: Server) -> None:
    guard = LoopbackGuard()
    async with make_fetcher(transport=guard) as fetcher:
        result = await fetcher.fetch(
            server.url("/echo?q=1", host="Public.Test"),
            allowed_content_types=frozenset({"application/json"}),
        )
    seen = json.loads(result.body)
    assert seen["path"] == "/echo?q=1"
    assert seen["headers"]["host"] == f"public.test:{server.port}"
    assert seen["headers"]["user-agent"] == USER_AGENT
    assert seen["headers"]["accept"] == "application/json"
    assert "cookie" not in seen["headers"]
    assert "authorization" not in seen["headers"]
    assert [str(r.url) for r in guard.requests] == [f"http://127.0.0.1:{server.port}/echo?q=1"]


async def test_default_accept_header_lists_the_allowed_types(server: Server) -> None:
    async with make_fetcher() as fetcher:
        result = await fetcher.fetch(
            server.url("/echo"),
            allowed_content_types=DEFAULT_CONTENT_TYPES | {"application/json"},
        )
    assert json.loads(result.body)["headers"]["accept"] == (
        "application/json, application/xhtml+xml, text/html, text/markdown, text/plain"
    )


async def test_https_request_carries_sni_hostname_and_ip_url() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, headers={"Content-Type": "text/plain"}, content=b"ok")

    async with make_fetcher(transport=httpx.MockTransport(handler)) as fetcher:
        result = await fetcher.fetch("https://public.test/a?b=1#frag")
    assert result.url == "https://public.test/a?b=1"
    assert result.body == b"ok"
    (request,) = seen
    assert str(request.url) == "https://127.0.0.1/a?b=1"
    assert request.headers["host"] == "public.test"
    assert request.extensions["sni_hostname"] == "public.test"
    assert set(request.extensions["timeout"]) == {"connect", "read", "write", "pool"}


async def test_gzip_body_is_decoded(server: Server) -> None:
    async with make_fetcher() as fetcher:
        result = await fetcher.fetch(server.url("/gzip"))
    assert result.body == ARTICLE.encode("utf-8")
    assert result.charset == "utf-8"
    assert result.truncated is False


async def test_gzip_bomb_is_cut_at_the_cap(server: Server) -> None:
    async with make_fetcher(FetchLimits(max_bytes=100_000)) as fetcher:
        result = await fetcher.fetch(server.url("/gzip-bomb"))
    assert result.body == b"a" * 100_000
    assert result.truncated is True


async def test_unknown_content_encoding_is_refused(server: Server) -> None:
    async with make_fetcher() as fetcher:
        err = await expect_error(fetcher, server.url("/brotli"))
    assert err.code == "bad_response"
    assert str(err) == "The site compressed its answer in a way I can't read."


async def test_proxy_environment_is_ignored(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "all_proxy"):
        monkeypatch.setenv(name, "http://127.0.0.1:9/")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    async with make_fetcher() as fetcher:
        result = await fetcher.fetch(server.url("/article"))
    assert result.status == 200


# -- fetch: addresses ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "host",
    ["evil.test", "evil2.test", "mapped.test", "metadata.test", "v6local.test", "linklocal6.test"],
)
async def test_dns_name_to_internal_address_is_refused_before_connecting(host: str) -> None:
    resolver = FakeResolver()
    mock = httpx.MockTransport(lambda r: pytest.fail(f"connected to {r.url}"))
    async with make_fetcher(resolver=resolver, transport=mock) as fetcher:
        err = await expect_error(fetcher, f"http://{host}:8080/x")
    assert err.code == "forbidden_address"
    assert (
        str(err)
        == "That link points to a private or internal network address, so I won't fetch it."
    )
    assert resolver.calls == [(host, 8080)]


async def test_mixed_resolution_is_refused() -> None:
    mock = httpx.MockTransport(lambda r: pytest.fail("must not connect"))
    async with make_fetcher(transport=mock) as fetcher:
        err = await expect_error(fetcher, "http://mixed.test/")
    assert err.code == "forbidden_address"


@pytest.mark.parametrize("url", LITERAL_FORBIDDEN)
async def test_fetch_refuses_internal_literals(url: str) -> None:
    resolver = FakeResolver()
    mock = httpx.MockTransport(lambda r: pytest.fail("must not connect"))
    async with SafeFetcher(resolver=resolver, transport=mock) as fetcher:
        err = await expect_error(fetcher, url)
    assert err.code == "forbidden_address"
    assert resolver.calls == []


@pytest.mark.parametrize(
    "host", ["127.0.0.2", "[::1]", "[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "[::7f00:1]", "0.0.0.0"]
)
async def test_the_seam_opens_only_the_listed_network(host: str) -> None:
    mock = httpx.MockTransport(lambda r: pytest.fail("must not connect"))
    async with make_fetcher(transport=mock) as fetcher:
        err = await expect_error(fetcher, f"http://{host}:8080/")
    assert err.code == "forbidden_address"


@pytest.mark.parametrize("host", ["2130706433", "0177.0.0.1", "0x7f.1", "127.1", "127.0.0.%31"])
async def test_the_seam_reads_spellings_of_its_address_as_that_address(
    server: Server, host: str
) -> None:
    async with make_fetcher() as fetcher:
        result = await fetcher.fetch(f"http://{host}:{server.port}/article")
    assert result.url == server.url("/article")


async def test_unknown_host_is_a_dns_failure() -> None:
    async with make_fetcher() as fetcher:
        err = await expect_error(fetcher, "http://nowhere.test/")
        assert err.code == "dns_failure"
        assert str(err) == "I couldn't find the site nowhere.test. Check the link for typos."
        err = await expect_error(fetcher, "http://garbage.test/")
        assert err.code == "dns_failure"


async def test_empty_resolution_is_a_dns_failure() -> None:
    async with make_fetcher(resolver=FakeResolver({"empty.test": []})) as fetcher:
        err = await expect_error(fetcher, "http://empty.test/")
    assert err.code == "dns_failure"


async def test_unreachable_port_is_connect_failed() -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    async with make_fetcher() as fetcher:
        err = await expect_error(fetcher, f"http://public.test:{port}/")
    assert err.code == "connect_failed"
    assert str(err) == "I couldn't connect to that site."


# -- fetch: redirects --------------------------------------------------------------------------


async def test_redirect_chain_of_five_is_followed(server: Server) -> None:
    resolver = FakeResolver()
    async with make_fetcher(resolver=resolver) as fetcher:
        result = await fetcher.fetch(server.url("/chain/5", host="public.test"))
    base = f"http://public.test:{server.port}"
    assert result.url == f"{base}/chain/0"
    assert result.redirects == tuple(f"{base}/chain/{n}" for n in (5, 4, 3, 2, 1))
    assert result.body == b"end of chain"
    assert len(resolver.calls) == 6  # re-resolved and re-checked on every hop


async def test_sixth_redirect_is_refused(server: Server) -> None:
    async with make_fetcher() as fetcher:
        err = await expect_error(fetcher, server.url("/chain/6"))
    assert err.code == "too_many_redirects"
    assert str(err) == "That link redirects too many times (more than 5)."


async def test_redirect_limit_is_configurable(server: Server) -> None:
    async with make_fetcher(FetchLimits(max_redirects=1)) as fetcher:
        assert (await fetcher.fetch(server.url("/chain/1"))).redirects == (server.url("/chain/1"),)
        err = await expect_error(fetcher, server.url("/chain/2"))
    assert err.code == "too_many_redirects"


@pytest.mark.parametrize(
    ("target", "code"),
    [
        ("http://127.0.0.2:{port}/", "forbidden_address"),
        ("http://169.254.169.254/latest/meta-data/", "forbidden_address"),
        ("http://[::1]:{port}/", "forbidden_address"),
        ("http://[::ffff:127.0.0.1]:{port}/", "forbidden_address"),
        ("http://2130706434:{port}/", "forbidden_address"),  # 127.0.0.2
        ("http://evil.test/", "forbidden_address"),
        ("http://mapped.test:{port}/", "forbidden_address"),
        ("file:///etc/passwd", "bad_scheme"),
        ("gopher://127.0.0.1:{port}/", "bad_scheme"),
        ("http://user:pw@public.test:{port}/", "credentials_in_url"),
        ("http://nowhere.test/", "dns_failure"),
    ],
)
async def test_redirect_targets_are_checked_like_the_first_url(
    server: Server, target: str, code: str
) -> None:
    guard = LoopbackGuard()
    location = target.format(port=server.port)
    async with make_fetcher(transport=guard) as fetcher:
        err = await expect_error(
            fetcher, server.url("/redirect-to?" + str(httpx.QueryParams({"target": location})))
        )
    assert err.code == code
    assert len(guard.requests) == 1  # only the first, allowed hop ever reached a socket


async def test_redirect_refusal_message_says_redirect(server: Server) -> None:
    async with make_fetcher() as fetcher:
        err = await expect_error(fetcher, server.url("/redirect-to?target=http://169.254.169.254/"))
        assert str(err) == (
            "That link redirects to a private or internal network address, so I stopped there."
        )
        err = await expect_error(fetcher, server.url("/redirect-to?target=file:///etc/passwd"))
        assert str(err) == (
            "That link redirects to something that isn't an http:// or https:// address."
        )


async def test_relative_and_host_changing_redirects(server: Server) -> None:
    async with make_fetcher() as fetcher:
        result = await fetcher.fetch(
            server.url("/redirect-to?target=/echo%3Fx%3D1", host="public.test"),
            allowed_content_types=frozenset({"application/json"}),
        )
        assert result.url == f"http://public.test:{server.port}/echo?x=1"
        assert json.loads(result.body)["headers"]["host"] == f"public.test:{server.port}"
        hop = f"//public.test:{server.port}/echo"
        result = await fetcher.fetch(
            server.url("/redirect-to?target=" + hop),
            allowed_content_types=frozenset({"application/json"}),
        )
    assert result.url == f"http://public.test:{server.port}/echo"
    assert result.redirects == (server.url(f"/redirect-to?target={hop}"),)


async def test_redirect_without_location_is_a_bad_response(server: Server) -> None:
    async with make_fetcher() as fetcher:
        err = await expect_error(fetcher, server.url("/redirect-no-location"))
    assert err.code == "bad_response"


async def test_cookies_set_on_a_redirect_are_not_sent_back(server: Server) -> None:
    async with make_fetcher() as fetcher:
        result = await fetcher.fetch(
            server.url("/cookie-redirect"), allowed_content_types=frozenset({"application/json"})
        )
        assert "cookie" not in json.loads(result.body)["headers"]
        # Nor on a later fetch with the same fetcher.
        again = await fetcher.fetch(
            server.url("/echo"), allowed_content_types=frozenset({"application/json"})
        )
    assert "cookie" not in json.loads(again.body)["headers"]


# -- fetch: time ----------------------------------------------------------------------------


async def test_trickling_server_hits_the_overall_deadline(server: Server) -> None:
    limits = FetchLimits(total_timeout=0.5, read_timeout=5.0)
    async with make_fetcher(limits) as fetcher:
        start = time.monotonic()
        err = await expect_error(fetcher, server.url("/trickle"))
        elapsed = time.monotonic() - start
    assert err.code == "timeout"
    assert str(err) == "The site took too long to respond."
    assert 0.4 < elapsed < 1.5


async def _never_answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await asyncio.sleep(10)


async def test_hanging_server_hits_the_overall_deadline(
    raw_server: Callable[[Handler], Awaitable[RawServer]],
) -> None:
    srv = await raw_server(_never_answer)
    async with make_fetcher(FetchLimits(total_timeout=0.5, read_timeout=5.0)) as fetcher:
        start = time.monotonic()
        err = await expect_error(fetcher, f"http://public.test:{srv.port}/")
        elapsed = time.monotonic() - start
    assert err.code == "timeout"
    assert 0.4 < elapsed < 1.5


async def test_hanging_server_hits_the_read_timeout(
    raw_server: Callable[[Handler], Awaitable[RawServer]],
) -> None:
    srv = await raw_server(_never_answer)
    async with make_fetcher(FetchLimits(total_timeout=5.0, read_timeout=0.3)) as fetcher:
        start = time.monotonic()
        err = await expect_error(fetcher, f"http://public.test:{srv.port}/")
        elapsed = time.monotonic() - start
    assert err.code == "timeout"
    assert 0.2 < elapsed < 1.5


async def test_slow_resolver_hits_the_overall_deadline() -> None:
    class SlowResolver(FakeResolver):
        async def __call__(self, host: str, port: int) -> list[str]:
            await asyncio.sleep(5)
            return ["127.0.0.1"]

    async with make_fetcher(FetchLimits(total_timeout=0.3), resolver=SlowResolver()) as fetcher:
        start = time.monotonic()
        err = await expect_error(fetcher, "http://public.test/")
    assert err.code == "timeout"
    assert time.monotonic() - start < 1.0


# -- fetch: size -------------------------------------------------------------------------------


async def test_endless_body_is_truncated_quickly_with_bounded_memory(server: Server) -> None:
    cap = 2_000_000
    async with make_fetcher(FetchLimits(max_bytes=cap)) as fetcher:
        tracemalloc.start()
        try:
            start = time.monotonic()
            result = await fetcher.fetch(server.url("/endless"))
            elapsed = time.monotonic() - start
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert result.truncated is True
    assert len(result.body) == cap
    assert result.body.startswith(b"<p>aaa")
    assert elapsed < 3.0
    # The body itself is `cap` bytes; streaming adds at most a chunk and one hand-over copy.
    assert peak < 3 * cap + 1_000_000


async def test_endless_body_with_default_cap(server: Server) -> None:
    async with make_fetcher() as fetcher:
        result = await fetcher.fetch(server.url("/endless"))
    assert len(result.body) == 5_000_000
    assert result.truncated is True


async def test_declared_length_over_cap_keeps_the_start_of_a_page(server: Server) -> None:
    async with make_fetcher(FetchLimits(max_bytes=1_000_000)) as fetcher:
        result = await fetcher.fetch(server.url("/declared-big"))
    assert result.truncated is True
    assert result.body == b"b" * 1_000_000


async def test_declared_length_over_cap_refuses_non_text_up_front(server: Server) -> None:
    async with make_fetcher(FetchLimits(max_bytes=1_000_000)) as fetcher:
        err = await expect_error(
            fetcher, server.url("/declared-big?type=application/pdf"), allowed_content_types=PDF_OK
        )
    assert err.code == "too_large"
    assert str(err) == "That file is too large (over 1,000,000 bytes)."


async def test_undeclared_non_text_over_cap_is_too_large(server: Server) -> None:
    async with make_fetcher(FetchLimits(max_bytes=1_000_000)) as fetcher:
        err = await expect_error(fetcher, server.url("/chunked-pdf"), allowed_content_types=PDF_OK)
    assert err.code == "too_large"


async def test_body_exactly_at_cap_is_not_truncated(server: Server) -> None:
    async with make_fetcher(FetchLimits(max_bytes=len(ARTICLE))) as fetcher:
        result = await fetcher.fetch(server.url("/article"))
    assert result.truncated is False
    assert len(result.body) == len(ARTICLE)


# -- fetch: content types and statuses ---------------------------------------------------------


async def test_image_content_type_is_refused(server: Server) -> None:
    async with make_fetcher() as fetcher:
        err = await expect_error(fetcher, server.url("/image"))
    assert err.code == "bad_content_type"
    assert str(err) == "That link points to image/png content, which I can't read."


async def test_content_types_are_configurable_per_call(server: Server) -> None:
    async with make_fetcher() as fetcher:
        err = await expect_error(
            fetcher, server.url("/article"), allowed_content_types=frozenset({"text/plain"})
        )
        assert err.code == "bad_content_type"
        result = await fetcher.fetch(
            server.url("/image"), allowed_content_types=frozenset({"image/png"})
        )
    assert result.body == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (404, "The site answered with an error (HTTP 404 Not Found)."),
        (500, "The site answered with an error (HTTP 500 Internal Server Error)."),
        (403, "The site answered with an error (HTTP 403 Forbidden)."),
    ],
)
async def test_error_statuses_are_http_error(server: Server, code: int, message: str) -> None:
    async with make_fetcher() as fetcher:
        err = await expect_error(fetcher, server.url(f"/status/{code}"))
    assert err.code == "http_error"
    assert str(err) == message


def _canned(response: bytes) -> Handler:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(response)
        await writer.drain()

    return handler


async def test_missing_content_type_is_sniffed_as_html_or_text(
    raw_server: Callable[[Handler], Awaitable[RawServer]],
) -> None:
    html = b"<!DOCTYPE html><html><body><p>hi</p></body></html>"
    html_srv = await raw_server(
        _canned(
            b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % len(html) + html
        )
    )
    text_srv = await raw_server(
        _canned(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello")
    )
    binary_srv = await raw_server(
        _canned(b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\nConnection: close\r\n\r\n\x89PNG\x00\x01")
    )
    async with make_fetcher() as fetcher:
        result = await fetcher.fetch(f"http://127.0.0.1:{html_srv.port}/")
        assert (result.content_type, result.body) == ("text/html", html)
        result = await fetcher.fetch(f"http://127.0.0.1:{text_srv.port}/")
        assert (result.content_type, result.body) == ("text/plain", b"hello")
        err = await expect_error(fetcher, f"http://127.0.0.1:{binary_srv.port}/")
        assert err.code == "bad_content_type"
        err = await expect_error(
            fetcher,
            f"http://127.0.0.1:{text_srv.port}/",
            allowed_content_types=frozenset({"text/html"}),
        )
        assert err.code == "bad_content_type"


@pytest.mark.parametrize(
    ("location", "code"),
    [
        (b"http://[::1", "bad_response"),  # httpx itself rejects this Location header
        (b"http://public.test/a b", "bad_url"),
        (b"http://public.test\\@evil.test/", "bad_url"),
    ],
)
async def test_malformed_redirect_locations_are_refused(
    raw_server: Callable[[Handler], Awaitable[RawServer]], location: bytes, code: str
) -> None:
    srv = await raw_server(
        _canned(
            b"HTTP/1.1 302 Found\r\nLocation: " + location + b"\r\n"
            b"Content-Length: 0\r\nConnection: close\r\n\r\n"
        )
    )
    guard = LoopbackGuard()
    async with make_fetcher(transport=guard) as fetcher:
        err = await expect_error(fetcher, f"http://127.0.0.1:{srv.port}/")
    assert err.code == code
    assert len(guard.requests) == 1


@pytest.mark.parametrize("raw_deflate", [False, True])
async def test_deflate_body_is_decoded(
    raw_server: Callable[[Handler], Awaitable[RawServer]], raw_deflate: bool
) -> None:
    text = b"deflated text " * 100
    if raw_deflate:
        packer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
        body = packer.compress(text) + packer.flush()
    else:
        body = zlib.compress(text)
    head = (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Encoding: deflate\r\n"
        b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body)
    )
    srv = await raw_server(_canned(head + body))
    async with make_fetcher() as fetcher:
        result = await fetcher.fetch(f"http://127.0.0.1:{srv.port}/")
    assert result.body == text


async def test_garbage_response_is_a_bad_response(
    raw_server: Callable[[Handler], Awaitable[RawServer]],
) -> None:
    srv = await raw_server(_canned(b"SSH-2.0-OpenSSH_9.6\r\n\r\n"))
    async with make_fetcher() as fetcher:
        err = await expect_error(fetcher, f"http://127.0.0.1:{srv.port}/")
    assert err.code == "bad_response"


def test_result_text_decodes_with_charset_or_sniffs() -> None:
    result = FetchResult("http://x.test/", 200, "text/plain", None, b"ok caf\xc3\xa9", False, ())
    assert result.text() == "ok café"
    broken = FetchResult(
        "http://x.test/", 200, "text/plain", None, b"\xc3\xa9t\xc3\xa9 \xff", False, ()
    )
    assert broken.text() == "été \ufffd"
    latin = FetchResult("http://x.test/", 200, "text/plain", "latin-1", b"caf\xe9", False, ())
    assert latin.text() == "café"


# Labels codecs.lookup accepts that name no character set (see tests/test_documents.py).
NOT_CHARSETS = ["idna", "punycode", "undefined", "rot13", "base64", "hex", "zlib", "uu", "utf-7"]


@pytest.mark.parametrize("label", NOT_CHARSETS)
def test_result_text_ignores_a_charset_that_is_no_text_encoding(label: str) -> None:
    page = "<title>Café +ADw-b+AD4- prices</title>"
    utf8 = FetchResult("http://x.test/", 200, "text/html", label, page.encode(), False, ())
    assert utf8.text() == page
    legacy = FetchResult(
        "http://x.test/", 200, "text/html", label, "<p>Le café</p>".encode("cp1252"), False, ()
    )
    assert legacy.text() == "<p>Le café</p>"


async def test_a_served_charset_that_is_no_text_encoding_decodes_by_sniffing(
    server: Server,
) -> None:
    async with make_fetcher() as fetcher:
        result = await fetcher.fetch(server.url("/idna-charset"))
    assert result.charset == "idna"
    assert result.text() == "<title>Café report</title>"


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.sampled_from(NOT_CHARSETS), st.text(max_size=20)), st.binary(max_size=256))
def test_property_result_text_never_raises(label: str, body: bytes) -> None:
    result = FetchResult("http://x.test/", 200, "text/html", label, body, False, ())
    assert isinstance(result.text(), str)


# -- TLS: the checked IP is dialled, the real hostname is verified -----------------------------


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    openssl = shutil.which("openssl")
    assert openssl is not None, "the TLS tests need the openssl command (Debian: openssl)"
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "2",
         "-subj", "/CN=public.test", "-addext", "subjectAltName=DNS:public.test"],
        check=True, capture_output=True, timeout=30,
    )  # fmt: skip
    return cert, key


async def test_https_verifies_the_original_hostname(tls_files: tuple[Path, Path]) -> None:
    cert, key = tls_files
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_ctx.load_cert_chain(cert, key)
    app = web.Application()
    app.router.add_get("/echo", echo)
    runner, port = await _start(app, server_ctx)
    try:
        client_ctx = ssl.create_default_context(cafile=str(cert))
        resolver = FakeResolver({"other.test": ["127.0.0.1"]})
        guard = LoopbackGuard(httpx.AsyncHTTPTransport(verify=client_ctx))
        async with make_fetcher(resolver=resolver, transport=guard) as fetcher:
            result = await fetcher.fetch(
                f"https://public.test:{port}/echo",
                allowed_content_types=frozenset({"application/json"}),
            )
            assert json.loads(result.body)["headers"]["host"] == f"public.test:{port}"
            assert result.url == f"https://public.test:{port}/echo"
            # Same IP, other name: the certificate (for public.test) must not be accepted.
            err = await expect_error(fetcher, f"https://other.test:{port}/echo")
            assert err.code == "tls_error"
            # Dialling the IP directly has no name the certificate could match.
            err = await expect_error(fetcher, f"https://127.0.0.1:{port}/echo")
            assert err.code == "tls_error"
    finally:
        await runner.cleanup()


# -- fetch: what a failure says -----------------------------------------------------------


class FailingResolver:
    """A resolver whose every lookup fails with one given error, as getaddrinfo would."""

    def __init__(self, error: OSError) -> None:
        self.error = error

    async def __call__(self, host: str, port: int) -> list[str]:
        raise self.error


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (
            socket.gaierror(socket.EAI_NONAME, "Name or service not known"),
            "I couldn't find the site news.test. Check the link for typos.",
        ),
        (
            socket.gaierror(socket.EAI_NODATA, "No address associated with hostname"),
            "I couldn't find the site news.test. Check the link for typos.",
        ),
        (
            socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution"),
            "I couldn't reach the site news.test: looking up its address failed "
            "(Temporary failure in name resolution).",
        ),
        (
            socket.gaierror(socket.EAI_FAIL, "Non-recoverable failure in name resolution"),
            "I couldn't reach the site news.test: looking up its address failed "
            "(Non-recoverable failure in name resolution).",
        ),
        (
            OSError(errno.ENETUNREACH, "Network is unreachable"),
            "I couldn't reach the site news.test: looking up its address failed "
            "(Network is unreachable).",
        ),
    ],
)
async def test_a_failed_lookup_blames_a_typo_only_when_the_name_does_not_exist(
    error: OSError, message: str
) -> None:
    guard = LoopbackGuard()
    async with SafeFetcher(resolver=FailingResolver(error), transport=guard) as fetcher:
        err = await expect_error(fetcher, "https://news.test/article")
    assert (err.code, str(err)) == ("dns_failure", message)
    assert guard.requests == []


@pytest.mark.parametrize("location", [b"http:\\\\evil/", b"https:\\\\evil.test\\x"])
async def test_an_unparseable_redirect_is_refused(
    raw_server: Callable[[Handler], Awaitable[RawServer]], location: bytes
) -> None:
    async def redirect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 302 Found\r\nLocation: " + location + b"\r\n")
        writer.write(b"Content-Length: 0\r\nConnection: close\r\n\r\n")
        await writer.drain()

    srv = await raw_server(redirect)
    guard = LoopbackGuard()
    async with make_fetcher(transport=guard) as fetcher:
        err = await expect_error(fetcher, f"http://127.0.0.1:{srv.port}/")
    assert (err.code, str(err)) == ("bad_url", "That link redirects to an invalid address.")
    assert len(guard.requests) == 1
