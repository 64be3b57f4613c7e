"""Local servers and helpers for the fetcher's tests: everything on 127.0.0.1 only.

Loopback is forbidden by default, so the fetchers here pass the test seam
`_allow_networks_for_tests=[127.0.0.1/32]`. Hostnames come from a fake resolver; "private"
answers never reach a socket: a guard transport fails the test if any request is aimed at
anything but 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import functools
import gzip
import ipaddress
import socket
import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import httpx
import pytest
from aiohttp import web

from bot.web.errors import FetchError
from bot.web.fetcher import FetchLimits, SafeFetcher

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


async def start_app(
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


@dataclass
class RawServer:
    """A bare TCP server for answers aiohttp won't produce (no Content-Type, no answer)."""

    port: int
    writers: list[asyncio.StreamWriter] = field(default_factory=list)


Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


def canned(response: bytes) -> Handler:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(response)
        await writer.drain()

    return handler
