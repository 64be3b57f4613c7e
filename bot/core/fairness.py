"""Fair shares of the bot's outbound fetches, and the rate limits on what members post.

Plain bookkeeping, no I/O and no clock of its own (every call is given `now`), so every rule
is unit-tested; the fetcher, the submission intake and the thread-link listener are the thin
callers.

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

Rates per member (submissions, links in claim threads) keep their state in one
``MemberTable``, which forgets a member once their state has gone idle, so memory follows the
members active lately, not every member ever seen.
"""

from __future__ import annotations

import math
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

__all__ = [
    "GUILD_FETCHES",
    "MEMBER_FETCHES",
    "TOTAL_FETCHES",
    "FetchOwner",
    "FetchShares",
    "FetchSlots",
    "LinkGrant",
    "LinkRateLimit",
    "MemberTable",
    "TokenBuckets",
    "whole_seconds",
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
        self.refused = 0  # fetches refused over a share since start (for /metrics)

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
            self.refused += 1
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
    A `window` of 0 turns the limit off. Times are whatever clock the caller passes in.

    A sliding window rather than a `TokenBuckets`: the documented promise is "N links per
    window", and a bucket of N refilling over the window would let up to 2N through in one."""

    def __init__(self, limit: int, window: float) -> None:
        if limit < 1 or window < 0:
            raise ValueError("a link limit needs limit >= 1 and window >= 0")
        self.limit = limit
        self.window = window
        self._recent: MemberTable[deque[float]] = MemberTable(
            lambda recent, now: not recent or recent[-1] <= now - self.window
        )
        self._told: MemberTable[float] = MemberTable(lambda told, now: told <= now - self.window)

    def take(self, owner: FetchOwner, wanted: int, now: float) -> LinkGrant:
        if self.window <= 0 or wanted <= 0:
            return LinkGrant(allowed=max(wanted, 0), retry_after=0.0)
        recent = self._recent.get(owner) or deque()
        while recent and recent[0] <= now - self.window:
            recent.popleft()
        allowed = min(wanted, self.limit - len(recent))
        recent.extend([now] * allowed)
        if recent:
            self._recent.put(owner, recent, now)
        else:
            self._recent.forget(owner)
        retry_after = 0.0 if allowed == wanted else recent[0] + self.window - now
        return LinkGrant(allowed=allowed, retry_after=retry_after)

    def should_tell(self, owner: FetchOwner, now: float) -> bool:
        """True at most once per window per member: a member who keeps posting over a limit
        is told once, and the bot does not become the louder voice in the thread."""
        last = self._told.get(owner)
        if last is not None and now - last < self.window:
            return False
        self._told.put(owner, now, now)
        return True

    def describe(self, retry_after: float) -> str:
        """The reason a member reads when links went over the limit."""
        return (
            f"You can post {self.limit} links per {self.window:g} s in claim threads; "
            f"try again in {whole_seconds(retry_after)} s."
        )

    def tracked(self) -> int:
        """Members currently remembered (for tests of the sweep)."""
        return len(self._recent) + len(self._told)


@dataclass(slots=True)
class _Bucket:
    tokens: float  # tokens held at `at`, before refilling since
    at: float


# Float slack when comparing a refilled level with a whole token: the wait a refusal names is
# computed from the same level, and a take at exactly that time must succeed.
_SLACK = 1e-9


class TokenBuckets:
    """Per member per server: up to `burst` actions at once, then one more every `interval`
    seconds (a token bucket).

    Each member has a bucket of `burst` tokens; an action takes one, and the bucket refills at
    one token per `interval` seconds, never above `burst`. In any span of t seconds a member
    therefore gets at most ``burst + t / interval`` actions, while a member who was quiet for
    ``burst * interval`` seconds has the whole burst again: a reviewer adding the claims of a
    live debate in a rush is not told to wait after the second one. An `interval` of 0 turns
    the limit off. A full bucket is the same as no bucket, so it is forgotten."""

    def __init__(self, burst: int, interval: float) -> None:
        if burst < 1 or interval < 0:
            raise ValueError("a token bucket needs burst >= 1 and interval >= 0")
        self.burst = burst
        self.interval = interval
        self._buckets: MemberTable[_Bucket] = MemberTable(
            lambda bucket, now: self._level(bucket, now) >= self.burst
        )

    def take(self, owner: FetchOwner, now: float) -> float:
        """Take one token: 0.0 when granted; otherwise nothing is taken and the answer is the
        wait, in seconds, until a token is there."""
        if self.interval <= 0:
            return 0.0
        bucket = self._buckets.get(owner)
        level = self.burst if bucket is None else self._level(bucket, now)
        if level + _SLACK >= 1:
            self._buckets.put(owner, _Bucket(max(0.0, level - 1), now), now)
            return 0.0
        return (1 - level) * self.interval

    def refund(self, owner: FetchOwner, now: float) -> None:
        """Give back a token taken by `take` (the action failed on the bot's side)."""
        bucket = self._buckets.get(owner)
        if self.interval <= 0 or bucket is None:
            return  # a full bucket has nothing to take back
        level = min(float(self.burst), self._level(bucket, now) + 1)
        if level >= self.burst:
            self._buckets.forget(owner)
        else:
            self._buckets.put(owner, _Bucket(level, now), now)

    def tracked(self) -> int:
        """Members whose bucket is not full (for tests of the sweep)."""
        return len(self._buckets)

    def _level(self, bucket: _Bucket, now: float) -> float:
        refilled = max(0.0, now - bucket.at) / self.interval
        return min(float(self.burst), bucket.tokens + refilled)


def whole_seconds(wait: float) -> int:
    """A wait as members read it: whole seconds rounded up, at least 1, so "again in N s"
    is never too early."""
    return max(1, math.ceil(wait - _SLACK))


_State = TypeVar("_State")
_SWEEP_FLOOR = 1024


class MemberTable(Generic[_State]):
    """State per member per server that forgets members whose state has gone idle.

    `idle(state, now)` says when a member's state is the same as having none (a window that
    has passed, a bucket that is full again). The sweep runs once the table has doubled since
    the last one, so it costs O(1) per call on average and memory stays proportional to the
    members active lately."""

    def __init__(self, idle: Callable[[_State, float], bool]) -> None:
        self._idle = idle
        self._rows: dict[FetchOwner, _State] = {}
        self._sweep_at = _SWEEP_FLOOR

    def __len__(self) -> int:
        return len(self._rows)

    def get(self, owner: FetchOwner) -> _State | None:
        return self._rows.get(owner)

    def put(self, owner: FetchOwner, state: _State, now: float) -> None:
        self._rows[owner] = state
        if len(self._rows) >= self._sweep_at:
            self._rows = {k: v for k, v in self._rows.items() if not self._idle(v, now)}
            self._sweep_at = max(_SWEEP_FLOOR, 2 * len(self._rows))

    def forget(self, owner: FetchOwner) -> None:
        self._rows.pop(owner, None)
