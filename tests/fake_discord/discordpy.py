"""Point the real, unmodified discord.py at a :class:`FakeDiscord`.

discord.py reads ``Route.BASE`` whenever a Route is built (REST and webhooks/interaction
callbacks alike) and ``DiscordWebSocket.DEFAULT_GATEWAY`` whenever it IDENTIFYs (a RESUME
uses the ``resume_gateway_url`` from READY, which the fake sets to itself). Both are
class attributes, so the patch is process-wide: keep bots inside the ``with`` block.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol

import discord
import discord.gateway
import discord.http
import yarl


class _HasUrls(Protocol):
    @property
    def api_base(self) -> str: ...

    @property
    def gateway_url(self) -> str: ...


async def _no_identify_delay(self: Any, shard_id: int | None, *, initial: bool = False) -> None:
    """discord.py sleeps 5 s before every non-initial IDENTIFY; pointless against the fake."""


@contextmanager
def point_discord_py_at(fake: _HasUrls, *, fast_reidentify: bool = True) -> Iterator[None]:
    """Redirect discord.py's REST base and gateway URL to ``fake``; restore on exit.

    ``fast_reidentify`` replaces ``Client.before_identify_hook`` (which sleeps 5 s before
    re-IDENTIFYing after an invalidated session) with a no-op for the duration.
    """
    route_cls = discord.http.Route
    ws_cls = discord.gateway.DiscordWebSocket
    old_base = route_cls.BASE
    old_gateway = ws_cls.DEFAULT_GATEWAY
    old_hook = discord.Client.before_identify_hook
    route_cls.BASE = fake.api_base
    ws_cls.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)
    if fast_reidentify:
        discord.Client.before_identify_hook = _no_identify_delay  # type: ignore[method-assign]
    try:
        yield
    finally:
        route_cls.BASE = old_base
        ws_cls.DEFAULT_GATEWAY = old_gateway
        discord.Client.before_identify_hook = old_hook  # type: ignore[method-assign]
