"""`claimbot web`: the public verdict pages, read-only, served by aiohttp (which discord.py
brings) from the bot's database, in a process of its own.

What it guarantees, and where:
  * Only published claims are shown (bot/storage/publishing.py says which): any other
    address, an unknown server, a server that stopped publishing, a withheld or open claim,
    answers the one 404 page, byte for byte the same, so a reader learns nothing from it.
  * A server's slug selects every row read, so one server's pages never show another's.
  * Every response carries a strict CSP (no script runs; the JSON-LD block is data), nosniff,
    no-referrer and no framing; member text is escaped by bot/pages.
  * Each client address has a token bucket (bot/core/fairness.py): over it, 429 with
    Retry-After. Behind a reverse proxy (CLAIMBOT_WEB_PROXY), the address is the last one the
    proxy appended to X-Forwarded-For, never one a client wrote.
  * A request gets REQUEST_SECONDS in all, then 503; HEAD answers as GET without the body.
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import logging
import os
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Final

from aiohttp import web

from bot.core.fairness import FetchOwner, TokenBuckets, whole_seconds
from bot.core.records import PublishedSite
from bot.core.search import search_terms
from bot.pages.addresses import STYLE_PATH, is_slug
from bot.pages.feed import FEED_ENTRIES, atom_feed
from bot.pages.style import stylesheet
from bot.pages.views import (
    INDEX_PAGE_SIZE,
    PUBLISHED_STATUSES,
    IndexView,
    claim_page,
    index_page,
    not_found_page,
    too_many_requests_page,
)
from bot.publish.cache import MAX_BYTES, POLL_SECONDS, PageCache
from bot.storage.database import Database

log = logging.getLogger("claimbot.web")

REQUEST_SECONDS: Final = 5.0
# Commits land a little after the stamps they write: each poll looks this far behind the
# latest stamp it saw, so a slow transaction's claims are not missed.
POLL_OVERLAP_SECONDS: Final = 5.0
SEARCH_HITS: Final = 200  # the best matches a search reads; pages beyond them are empty
MAX_PAGE: Final = 10_000
MAX_QUERY_CHARS: Final = 200
MAX_NUMBER_DIGITS: Final = 12
SECURITY_HEADERS: Final = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HTML: Final = "text/html"
# The server a response shows, set by its handler: the cache keeps only such responses.
GUILD_KEY: Final = web.ResponseKey("claimbot.guild_id", int)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class WebPortUnavailable(Exception):
    """The pages' port cannot be listened on; the message is one line fit for a terminal."""


@dataclass(frozen=True, slots=True)
class RateLimit:
    """Requests per client address: `burst` at once, then one every `interval` seconds
    (0 turns the limit off)."""

    burst: int
    interval: float


def port_unavailable(host: str, port: int, error: OSError) -> WebPortUnavailable:
    """The one line for a port that cannot be listened on."""
    reason = os.strerror(error.errno) if error.errno else str(error)
    return WebPortUnavailable(
        f"Cannot serve the pages on {host}:{port} (CLAIMBOT_WEB_HOST, CLAIMBOT_WEB_PORT): {reason}."
    )


def client_key(request: web.Request, *, behind_proxy: bool) -> FetchOwner:
    """The client's address as a token bucket's key: IPv4 whole, IPv6 by its /64 (one
    household or one server holds a whole /64)."""
    address = request.remote or ""
    if behind_proxy:
        forwarded = request.headers.get("X-Forwarded-For", "")
        address = forwarded.rsplit(",", 1)[-1].strip() or address
    return address_key(address)


@functools.lru_cache(maxsize=4096)
def address_key(address: str) -> FetchOwner:
    """Kept for the addresses seen last: parsing one with `ipaddress` costs more than the
    rest of a kept page's answer."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return (0, 0)
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return (4, int(ip.ipv4_mapped))
        return (6, int(ip) >> 64)
    return (4, int(ip))


def _page(body: str, *, status: int = 200, content_type: str = HTML) -> web.Response:
    return web.Response(text=body, status=status, content_type=content_type, charset="utf-8")


class PageServer:
    """The aiohttp application of the public pages over one open `Database`."""

    def __init__(
        self,
        db: Database,
        *,
        rate: RateLimit,
        cache_seconds: float = 0.0,
        cache_bytes: int = MAX_BYTES,
        poll_seconds: float = POLL_SECONDS,
        behind_proxy: bool = False,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """`cache_seconds` 0: every request reads and renders (the tests' default)."""
        self._db = db
        self.cache = PageCache(cache_seconds, max_bytes=cache_bytes)
        self._poll_seconds = poll_seconds
        # Stamps are the writers' wall time, never this server's clock.
        self._since = 0.0
        self._seen: set[tuple[int, float]] = set()
        self._poller: asyncio.Task[None] | None = None
        self._clock = clock
        self._behind_proxy = behind_proxy
        self._buckets = TokenBuckets(rate.burst, rate.interval)
        self._not_found = not_found_page()
        self._style = stylesheet()
        self.app = web.Application(middlewares=[self._guard])
        router = self.app.router
        router.add_get(STYLE_PATH, self._style_sheet)  # HEAD too (aiohttp adds it)
        router.add_get("/{slug}", self._index_without_slash)
        router.add_get("/{slug}/", self._index)
        router.add_get("/{slug}/claims/{number}", self._claim)
        router.add_get("/{slug}/feed.atom", self._feed)
        self._runner: web.AppRunner | None = None

    # -- serving ------------------------------------------------------------------------

    async def start(self, host: str, port: int, *, reuse_port: bool = False) -> int:
        """Listen on host:port (0: any free port); returns the port. WebPortUnavailable
        (one line) when that cannot be. `reuse_port`: other workers listen on the same port
        (SO_REUSEPORT), and the kernel spreads the connections among them."""
        self._runner = web.AppRunner(
            self.app,
            access_log=None,
            handle_signals=False,
            shutdown_timeout=2.0,
            keepalive_timeout=15.0,
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port, backlog=512, reuse_port=reuse_port)
        try:
            await site.start()
        except OSError as exc:
            await self._runner.cleanup()
            raise port_unavailable(host, port, exc) from None
        if self.cache.enabled:
            self._since = await self._db.latest_publishing_stamp() - POLL_OVERLAP_SECONDS
            await self.refresh()  # the first look, before serving: what is there is no change
            self._poller = asyncio.create_task(self._poll(), name="web-cache-poll")
        bound = int(self._runner.addresses[0][1])
        log.info("serving the public pages on %s:%d", host, bound)
        return bound

    async def close(self) -> None:
        if self._poller is not None:
            self._poller.cancel()
            await asyncio.gather(self._poller, return_exceptions=True)
        if self._runner is not None:
            await self._runner.cleanup()

    async def refresh(self) -> None:
        """Drop the kept pages of every server that changed since the last look. Each look
        reads back POLL_OVERLAP_SECONDS behind the latest stamp it saw, as a transaction can
        commit after a later one; what it saw there before is not a change again."""
        stamps = await self._db.publishing_changes(self._since)
        self.cache.drop_servers({guild for guild, _ in stamps - self._seen})
        latest = max((at for _, at in stamps), default=self._since)
        self._since = max(self._since, latest - POLL_OVERLAP_SECONDS)
        self._seen = {(guild, at) for guild, at in stamps if at > self._since}

    async def _poll(self) -> None:
        while True:
            await asyncio.sleep(self._poll_seconds)
            try:
                await self.refresh()
            except Exception:  # a busy or locked database: the next look tries again
                log.warning("could not look for changed servers", exc_info=True)

    # -- every request -------------------------------------------------------------------

    @web.middleware
    async def _guard(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        wait = self._buckets.take(
            client_key(request, behind_proxy=self._behind_proxy), self._clock()
        )
        if wait > 0:
            seconds = whole_seconds(wait)
            response: web.StreamResponse = _page(too_many_requests_page(seconds), status=429)
            response.headers["Retry-After"] = str(seconds)
        else:
            try:
                async with asyncio.timeout(REQUEST_SECONDS):
                    response = await self._kept_or_made(request, handler)
            except web.HTTPException as exc:
                response = self._answer_for(exc)
            except TimeoutError:
                response = _page("<!doctype html><title>Busy</title><p>Try again soon.", status=503)
        response.headers.update(SECURITY_HEADERS)
        if response.status == 200:
            response.headers.setdefault("Cache-Control", "public, max-age=60")
        else:
            response.headers["Cache-Control"] = "no-store"
        return response

    async def _kept_or_made(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """A page from the cache, or made now and kept when it is a server's page."""
        if not self.cache.enabled:
            return await handler(request)
        now = self._clock()
        kept = self.cache.get(request.path_qs, now)
        if kept is not None:
            return web.Response(body=kept.body, headers={"Content-Type": kept.content_type})
        response = await handler(request)
        guild_id = response.get(GUILD_KEY)
        if response.status == 200 and isinstance(response, web.Response) and guild_id is not None:
            body = response.body
            if isinstance(body, bytes):
                content_type = response.headers["Content-Type"]
                self.cache.put(request.path_qs, guild_id, body, content_type, now)
        return response

    def _answer_for(self, exc: web.HTTPException) -> web.StreamResponse:
        if exc.status == 405:  # only GET and HEAD exist
            answer = _page(self._not_found, status=405)
            answer.headers["Allow"] = "GET, HEAD"
            return answer
        if isinstance(exc, web.HTTPMove):
            return web.Response(status=exc.status, headers={"Location": str(exc.location)})
        return self.not_found()

    def not_found(self) -> web.Response:
        """The one 404: the same bytes for every reason."""
        return _page(self._not_found, status=404)

    # -- pages --------------------------------------------------------------------------

    async def _site(self, request: web.Request) -> PublishedSite:
        site = await self._db.site_by_slug(_slug(request))
        if site is None:
            raise web.HTTPNotFound()
        return site

    async def _style_sheet(self, request: web.Request) -> web.Response:
        response = _page(self._style, content_type="text/css")
        response.headers["Cache-Control"] = "public, max-age=3600"
        return response

    async def _index_without_slash(self, request: web.Request) -> web.Response:
        slug = request.match_info["slug"]
        if not is_slug(slug):
            raise web.HTTPNotFound()
        raise web.HTTPMovedPermanently(f"/{slug}/")

    async def _claim(self, request: web.Request) -> web.Response:
        number = request.match_info["number"]
        if not (number.isascii() and number.isdigit()) or len(number) > MAX_NUMBER_DIGITS:
            raise web.HTTPNotFound()
        found = await self._db.published_claim(_slug(request), int(number))
        site, published = found or (None, None)
        if site is None or published is None:
            raise web.HTTPNotFound()
        return _of(site, _page(claim_page(published, site, now=self._clock())))

    async def _index(self, request: web.Request) -> web.Response:
        query = request.query
        view = index_view(query.get("page"), query.get("status"), query.get("q"))
        offset = (view.page - 1) * INDEX_PAGE_SIZE
        terms = search_terms(view.query) if view.query else []
        if terms:
            site = await self._site(request)
            hits = await self._db.search_claims(site.guild_id, terms, limit=SEARCH_HITS)
            found = await self._db.published_among(
                site.guild_id, [claim.id for claim in hits], status=view.status
            )
            claims, total = found[offset : offset + INDEX_PAGE_SIZE], len(found)
        else:
            page = await self._db.published_page(
                _slug(request), status=view.status, offset=offset, limit=INDEX_PAGE_SIZE
            )
            if page is None:
                raise web.HTTPNotFound()
            site, claims, total = page
        return _of(site, _page(index_page(site, claims, total=total, view=view)))

    async def _feed(self, request: web.Request) -> web.Response:
        found = await self._db.published_feed(_slug(request), limit=FEED_ENTRIES)
        if found is None:
            raise web.HTTPNotFound()
        site, claims = found
        feed = atom_feed(site, claims, now=self._clock())
        return _of(site, _page(feed, content_type="application/atom+xml"))


def _of(site: PublishedSite, response: web.Response) -> web.Response:
    """Mark a response as one server's page, which the cache may keep."""
    response[GUILD_KEY] = site.guild_id
    return response


def _slug(request: web.Request) -> str:
    """The slug of a page's address; one that cannot be a slug ends the request with 404
    before any read."""
    slug = request.match_info["slug"]
    if not is_slug(slug):
        raise web.HTTPNotFound()
    return slug


def index_view(page: str | None, status: str | None, query: str | None) -> IndexView:
    """The index's parameters as a reader typed them: what makes no sense is left out (a
    page that is not a number is the first, an unknown status is every status)."""
    number = int(page) if page and page.isascii() and page.isdigit() and len(page) < 6 else 1
    return IndexView(
        page=min(max(1, number), MAX_PAGE),
        status=status if status in PUBLISHED_STATUSES else None,
        query=" ".join((query or "").split())[:MAX_QUERY_CHARS],
    )
