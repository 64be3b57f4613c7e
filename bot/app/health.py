"""`/healthz` and `/metrics` on a local port, for whatever watches the process (compose, an
orchestrator, Prometheus).

`/healthz` answers 200 `ok` only when the process can do its work: its gateway connection
(each of its shards' connections, when it runs shards) is ready and the database answers a
trivial query within DATABASE_DEADLINE_SECONDS; otherwise 503 with one word of why
(`starting`, `gateway not ready`, `database not answering`; with shards, those down: `gateway
not ready: shard 1`), so a probe's log says what to look at. `/metrics` is the Prometheus
text of this process's own registry (bot/services/metrics.py). Both are read-only, take no
input, and answer on the bot's event loop (aiohttp, which discord.py already brings); the port
is loopback unless the operator says otherwise (CLAIMBOT_HEALTH_HOST).
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable
from types import SimpleNamespace

import aiohttp
import discord
from aiohttp import web

from bot.core.shards import ShardScope
from bot.services.metrics import Metrics
from bot.storage.database import Database

log = logging.getLogger("claimbot.health")

# A trivial query that takes longer than this means the database thread is stuck behind
# something (a lock held by another process, a long write): not ready, whatever the cause.
DATABASE_DEADLINE_SECONDS = 1.0

STARTING = "starting"
GATEWAY_NOT_READY = "gateway not ready"
DATABASE_NOT_ANSWERING = "database not answering"


class HealthPortUnavailable(Exception):
    """The health port cannot be listened on; the message is one line fit for a terminal."""


def gateway_problem(client: discord.Client) -> str | None:
    """Why the gateway is not serving this process, or None when it is.

    `starting` until discord.py's `is_ready()` (READY received and the guilds loaded, for
    every shard the process runs: AutoShardedClient's `is_ready()` waits for all of them).
    discord.py keeps `is_ready()` true across reconnects, so the sockets are looked at too:
    `gateway not ready` while the connection is down, or with shards `gateway not ready:
    shards 0, 1` naming each shard whose connection is down (`ShardInfo.is_closed()`), and
    once the bot is closing."""
    if client.is_closed():
        return GATEWAY_NOT_READY
    if not client.is_ready():
        return STARTING
    if isinstance(client, discord.AutoShardedClient):
        return _shards_down(client)
    ws = client.ws
    if ws is None or not ws.open:
        return GATEWAY_NOT_READY
    return None


def _shards_down(client: discord.AutoShardedClient) -> str | None:
    running = client.shards
    expected = client.shard_ids or range(client.shard_count or 0)
    down = [k for k in expected if k not in running or running[k].is_closed()]
    if not down:
        return None
    return f"{GATEWAY_NOT_READY}: shard{'s' if len(down) > 1 else ''} {', '.join(map(str, down))}"


def discord_trace(metrics: Metrics) -> aiohttp.TraceConfig:
    """Counts Discord's 429 and 5xx answers as discord.py's own HTTP session sees them
    (`discord.Client(http_trace=...)`), every try included, without touching discord.py."""

    async def on_request_end(
        session: aiohttp.ClientSession,
        context: SimpleNamespace,
        params: aiohttp.TraceRequestEndParams,
    ) -> None:
        metrics.discord_response(params.method, params.url.path, params.response.status)

    trace = aiohttp.TraceConfig()
    trace.on_request_end.append(on_request_end)
    return trace


class HealthServer:
    def __init__(
        self,
        metrics: Metrics,
        db: Database,
        gateway: Callable[[], str | None],
        *,
        shards: ShardScope,
        deadline: float = DATABASE_DEADLINE_SECONDS,
    ) -> None:
        """`shards` are the process's: `/metrics` counts their servers' notices."""
        self._metrics = metrics
        self._shards = shards
        self._db = db
        self._gateway = gateway
        self._deadline = deadline
        app = web.Application()
        app.router.add_get("/healthz", self._healthz)  # HEAD too (aiohttp adds it)
        app.router.add_get("/metrics", self._metrics_page)
        # No access log: a probe every few seconds would fill the bot's log. A request in
        # flight at shutdown gets 2 s (each one is bounded by the deadline), not aiohttp's 60.
        self._runner = web.AppRunner(
            app, access_log=None, handle_signals=False, shutdown_timeout=2.0
        )

    async def start(self, host: str, port: int) -> None:
        """Listen on host:port; HealthPortUnavailable (one line) when that cannot be."""
        await self._runner.setup()
        # asyncio sets SO_REUSEADDR: a restart binds at once past the old TIME_WAIT, and on
        # Linux it still refuses a port another socket listens on.
        site = web.TCPSite(self._runner, host, port)
        try:
            await site.start()
        except OSError as exc:
            await self._runner.cleanup()
            # asyncio rewords it ("error while attempting to bind on address ..."); the
            # errno says it plainly.
            reason = os.strerror(exc.errno) if exc.errno else str(exc)
            raise HealthPortUnavailable(
                f"Cannot serve /healthz and /metrics on {host}:{port} "
                f"(CLAIMBOT_HEALTH_HOST, CLAIMBOT_HEALTH_PORT): {reason}."
            ) from None
        log.info("serving /healthz and /metrics on %s:%d", host, port)

    async def close(self) -> None:
        await self._runner.cleanup()

    async def problem(self) -> str | None:
        """Why the process is not ready, or None: the gateway first (no query while it is
        down), then the database within the deadline."""
        reason = self._gateway()
        if reason is not None:
            return reason
        try:
            answered = await asyncio.wait_for(self._db.ping(), self._deadline)
        except Exception:  # a timeout, a closed or broken connection: all the same here
            answered = False
        return None if answered else DATABASE_NOT_ANSWERING

    async def _healthz(self, request: web.Request) -> web.Response:
        reason = await self.problem()
        if reason is None:
            return web.Response(text="ok\n")
        return web.Response(status=503, text=f"{reason}\n")

    async def _metrics_page(self, request: web.Request) -> web.Response:
        try:
            depth: int | None = await asyncio.wait_for(
                self._db.pending_notice_count(self._shards), self._deadline
            )
        except Exception:
            depth = None
        self._metrics.set_notices_pending(depth)
        body, content_type = self._metrics.exposition(request.headers.get("Accept", ""))
        return web.Response(body=body, headers={"Content-Type": content_type})
