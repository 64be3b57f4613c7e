"""A local web host for article and evidence pages, and fetchers allowed to reach it."""

from __future__ import annotations

import asyncio
import http.server
import ipaddress
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager

from aiohttp import web

from bot.core.fairness import FetchSlots
from bot.services.evidence import EVIDENCE_LIMITS
from bot.web.fetcher import SafeFetcher

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

LOOPBACK_ONLY = [ipaddress.ip_network("127.0.0.1/32")]
# Names the tests use; anything else fails to resolve.
HOSTS = {"news.test": ["127.0.0.1"], "intranet.test": ["10.0.0.5"]}

EVIDENCE_PAGE = """<!doctype html><html><head>
<title>Ferry tender results | Coastal Ledger</title>
<meta property="og:title" content="Council confirms three electric ferries">
<meta property="og:site_name" content="Coastal Ledger">
<meta name="description" content="The tender documents list three vessels.">
<link rel="canonical" href="http://news.test/ferries">
</head><body><article><h1>Council confirms three electric ferries</h1>
<p>The tender documents published on Tuesday list three vessels.</p></article></body></html>"""


async def local_resolver(host: str, port: int) -> list[str]:
    if host in HOSTS:
        return HOSTS[host]
    raise OSError(f"unknown test host {host}")


def local_fetcher(slots: FetchSlots | None = None) -> SafeFetcher:
    return SafeFetcher(
        EVIDENCE_LIMITS,
        resolver=local_resolver,
        slots=slots,
        _allow_networks_for_tests=LOOPBACK_ONLY,
    )


@asynccontextmanager
async def serve(app: web.Application) -> AsyncIterator[str]:
    """Run `app` on a free port of 127.0.0.1, reached as "http://news.test:PORT" through
    `local_resolver`; handlers still waiting are cancelled when the host stops."""
    runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"http://news.test:{port}"
    finally:
        await runner.cleanup()


@asynccontextmanager
async def web_host(pages: dict[str, str]) -> AsyncIterator[str]:
    """Serve `pages` (path -> HTML) on 127.0.0.1; yields "http://news.test:PORT"."""
    app = web.Application()

    def page(html: str) -> Handler:
        async def handler(request: web.Request) -> web.Response:
            return web.Response(text=html, content_type="text/html")

        return handler

    for path, html in pages.items():
        app.router.add_get(path, page(html))

    async def to_metadata(request: web.Request) -> web.Response:
        raise web.HTTPFound("http://169.254.169.254/latest/meta-data/")

    async def hang(request: web.Request) -> web.Response:
        await asyncio.sleep(3600)
        return web.Response(text="never")

    app.router.add_get("/to-metadata", to_metadata)
    app.router.add_get("/hang", hang)
    async with serve(app) as base:
        yield base


# What a threaded host answers to a path: (HTTP status, Content-Type, body).
Answer = Callable[[str], tuple[int, str, bytes]]


@contextmanager
def threaded_host(answer: Answer) -> Iterator[str]:
    """Serve `answer` on 127.0.0.1 from a thread of its own, for a command that runs its own
    event loop (the CLI in this process); yields "http://news.test:PORT"."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, content_type, body = answer(self.path)
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://news.test:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
