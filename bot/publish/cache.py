"""Pages already rendered, kept by address for up to CLAIMBOT_WEB_CACHE seconds, so a page
many people read costs one render, not one per reader.

Staleness is bounded twice: an entry expires after the cache's seconds (the pages'
`Cache-Control: max-age` says as much to browsers and proxies), and every
`POLL_SECONDS` the server asks the database which servers changed (`publishing_changes`: its
publishing choices, a claim withheld or let back, a claim's status, votes or sources, since
they all stamp the claim) and drops every page of those servers. So `/claimbot publish
state:off` or `/claim publish state:off` empties the pages within about a second, and a new
vote shows within a second too. Only 200 answers are kept, at most `max_bytes` of them, the
least recently read dropped first.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Final

POLL_SECONDS: Final = 1.0
MAX_BYTES: Final = 16 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class CachedPage:
    guild_id: int
    body: bytes
    content_type: str
    expires: float


class PageCache:
    def __init__(self, seconds: float, *, max_bytes: int = MAX_BYTES) -> None:
        self.seconds = seconds
        self._max_bytes = max_bytes
        self._pages: OrderedDict[str, CachedPage] = OrderedDict()
        self._bytes = 0

    @property
    def enabled(self) -> bool:
        return self.seconds > 0

    def __len__(self) -> int:
        return len(self._pages)

    def get(self, address: str, now: float) -> CachedPage | None:
        page = self._pages.get(address)
        if page is None:
            return None
        if page.expires <= now:
            self._remove(address)
            return None
        self._pages.move_to_end(address)
        return page

    def put(self, address: str, guild_id: int, body: bytes, content_type: str, now: float) -> None:
        if not self.enabled or len(body) > self._max_bytes // 16:
            return
        self._remove(address)
        self._pages[address] = CachedPage(guild_id, body, content_type, now + self.seconds)
        self._bytes += len(body)
        while self._bytes > self._max_bytes:
            self._remove(next(iter(self._pages)))

    def drop_servers(self, guild_ids: set[int]) -> None:
        """Forget every page of these servers."""
        for address in [a for a, page in self._pages.items() if page.guild_id in guild_ids]:
            self._remove(address)

    def _remove(self, address: str) -> None:
        page = self._pages.pop(address, None)
        if page is not None:
            self._bytes -= len(page.body)
