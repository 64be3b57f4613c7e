"""Fair shares of the bot's outbound fetches and of links posted in claim threads.

Plain bookkeeping, no I/O and no clock of its own, so every rule is unit-tested; the fetcher
and the thread-link listener are the thin callers.

Why: one member posting 50 slow links used to hold every connection of the fetcher, and every
other member's fetch then timed out waiting for one. Now each fetch is admitted against three
counts of fetches in flight, keyed by the (server, member) the caller names:

* ``MEMBER_FETCHES`` (2) per member per server: enough for a submission and a source at once;
* ``GUILD_FETCHES`` (8) per server: four busy members, so one server's crowd (or one
  member's alternate accounts) cannot take the whole bot;
* ``TOTAL_FETCHES`` (32) in all: below the fetcher's connection pool (50), so an admitted
  fetch never queues for a connection, and four times a server's share.

A member under their share is therefore never blocked by another member's links: one member
holds at most 2 of their server's 8 slots, one server at most 8 of the 32. A fetch over a
share is refused at once, with a sentence saying why, rather than queued: the commands already
wait a few seconds for the page, and a queued fetch would eat that wait without telling anyone.
"""

from __future__ import annotations

import math
from collections import Counter, deque
from dataclasses import dataclass
from typing import TypeVar

__all__ = [
    "GUILD_FETCHES",
    "MEMBER_FETCHES",
    "TOTAL_FETCHES",
    "FetchOwner",
    "FetchShares",
    "FetchSlots",
    "LinkGrant",
    "LinkRateLimit",
]

# (guild id, member id): whose request a fetch is.
FetchOwner = tuple[int, int]

MEMBER_FETCHES = 2
GUILD_FETCHES = 8
TOTAL_FETCHES = 32


@dataclass(frozen=True, slots=True)
class FetchShares:
    """How many fetches may be in flight per member, per server and in all."""

    member: int = MEMBER_FETCHES
    guild: int = GUILD_FETCHES
    total: int = TOTAL_FETCHES

    def __post_init__(self) -> None:
        # Strictly nested shares are what keep the others' room: a member at their share
        # leaves room in their server, a server at its share leaves room in the bot.
        if not 1 <= self.member < self.guild < self.total:
            raise ValueError("fetch shares must satisfy 1 <= member < guild < total")


class FetchSlots:
    """Fetches in flight per member, per server and in all; one instance is shared by every
    fetcher of the bot so that the shares hold across submissions and evidence."""

    def __init__(self, shares: FetchShares | None = None) -> None:
        self.shares = shares or FetchShares()
        self._members: Counter[FetchOwner] = Counter()
        self._guilds: Counter[int] = Counter()
        self.in_flight = 0

    def refusal(self, owner: FetchOwner | None) -> str | None:
        """Why a fetch for `owner` may not start now, or None when it may.

        A fetch without an owner (the CLI, background work) counts only against the total."""
        shares = self.shares
        if owner is not None:
            if self._members[owner] >= shares.member:
                return (
                    f"You already have {shares.member} links being fetched; "
                    "wait for them to finish."
                )
            if self._guilds[owner[0]] >= shares.guild:
                return (
                    f"This server already has {shares.guild} links being fetched; "
                    "try again in a minute."
                )
        if self.in_flight >= shares.total:
            return "I am fetching too many links right now; try again in a minute."
        return None

    def take(self, owner: FetchOwner | None) -> str | None:
        """Take a slot for `owner`, or return the refusal and take nothing."""
        refusal = self.refusal(owner)
        if refusal is not None:
            return refusal
        self.in_flight += 1
        if owner is not None:
            self._members[owner] += 1
            self._guilds[owner[0]] += 1
        return None

    def release(self, owner: FetchOwner | None) -> None:
        """Give back a slot taken by `take`; empty counters are dropped so memory stays
        proportional to the fetches in flight, not to every member ever seen."""
        self.in_flight -= 1
        if owner is not None:
            _decrement(self._members, owner)
            _decrement(self._guilds, owner[0])

    def held_by(self, owner: FetchOwner) -> int:
        return self._members[owner]

    def held_in_guild(self, guild_id: int) -> int:
        return self._guilds[guild_id]


_Key = TypeVar("_Key")


def _decrement(counter: Counter[_Key], key: _Key) -> None:
    if counter[key] <= 1:
        counter.pop(key, None)
    else:
        counter[key] -= 1


@dataclass(frozen=True, slots=True)
class LinkGrant:
    """The answer to `LinkRateLimit.take`: how many of the wanted links may go ahead, and
    when one more would (0 when all were allowed)."""

    allowed: int
    retry_after: float


class LinkRateLimit:
    """At most `limit` links per `window` seconds per member per server (a sliding window).

    Only allowed links count, so refused ones do not push the member's wait further out.
    A `window` of 0 turns the limit off. Times are whatever clock the caller passes in."""

    def __init__(self, limit: int, window: float) -> None:
        if limit < 1 or window < 0:
            raise ValueError("a link limit needs limit >= 1 and window >= 0")
        self.limit = limit
        self.window = window
        self._recent: dict[FetchOwner, deque[float]] = {}
        self._told: dict[FetchOwner, float] = {}
        self._sweep_at = _SWEEP_FLOOR

    def take(self, owner: FetchOwner, wanted: int, now: float) -> LinkGrant:
        if self.window <= 0 or wanted <= 0:
            return LinkGrant(allowed=max(wanted, 0), retry_after=0.0)
        self._sweep(now)
        recent = self._recent.setdefault(owner, deque())
        while recent and recent[0] <= now - self.window:
            recent.popleft()
        allowed = min(wanted, self.limit - len(recent))
        recent.extend([now] * allowed)
        if not recent:
            del self._recent[owner]
        retry_after = 0.0 if allowed == wanted else recent[0] + self.window - now
        return LinkGrant(allowed=allowed, retry_after=retry_after)

    def should_tell(self, owner: FetchOwner, now: float) -> bool:
        """True at most once per window per member: a member who keeps posting over a limit
        is told once, and the bot does not become the louder voice in the thread."""
        last = self._told.get(owner)
        if last is not None and now - last < self.window:
            return False
        self._told[owner] = now
        return True

    def describe(self, retry_after: float) -> str:
        """The reason a member reads when links went over the limit."""
        return (
            f"You can post {self.limit} links per {self.window:g} s in claim threads; "
            f"try again in {max(1, math.ceil(retry_after))} s."
        )

    def _sweep(self, now: float) -> None:
        """Forget members whose window has passed, once the tables have grown: memory stays
        proportional to recently active members."""
        if len(self._recent) + len(self._told) < self._sweep_at:
            return
        horizon = now - self.window
        self._recent = {k: q for k, q in self._recent.items() if q and q[-1] > horizon}
        self._told = {k: t for k, t in self._told.items() if t > horizon}
        self._sweep_at = max(_SWEEP_FLOOR, 2 * (len(self._recent) + len(self._told)))

    def tracked(self) -> int:
        """Members currently remembered (for tests of the sweep)."""
        return len(self._recent) + len(self._told)


_SWEEP_FLOOR = 1024
