"""Fair shares of fetches, the thread-link rate limit and the submission token buckets: the
bookkeeping, and the fetcher admitting against it."""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.config import ConfigError, load_settings
from bot.core.fairness import (
    GUILD_FETCHES,
    MEMBER_FETCHES,
    TOTAL_FETCHES,
    FetchOwner,
    FetchShares,
    FetchSlots,
    LinkGrant,
    LinkRateLimit,
    TokenBuckets,
    whole_seconds,
)
from bot.web.errors import FetchError
from bot.web.fetcher import POOL_CONNECTIONS, SafeFetcher

MEMBER_BUSY = "You already have 2 links being fetched; wait for them to finish."
GUILD_BUSY = "This server already has 8 links being fetched; try again in a minute."
ALL_BUSY = "I am fetching too many links right now; try again in a minute."

# -- fetch slots ------------------------------------------------------------------------


def test_the_shares_are_nested_and_below_the_connection_pool() -> None:
    assert (MEMBER_FETCHES, GUILD_FETCHES, TOTAL_FETCHES) == (2, 8, 32)
    assert TOTAL_FETCHES < POOL_CONNECTIONS
    for member, guild, total in [(0, 8, 32), (8, 8, 32), (2, 32, 32), (3, 2, 32)]:
        with pytest.raises(ValueError, match="1 <= member < guild < total"):
            FetchShares(member=member, guild=guild, total=total)


def test_a_member_at_their_share_is_refused_and_others_are_not() -> None:
    slots = FetchSlots()
    alice, bob = (1, 10), (1, 11)
    assert slots.take(alice) is None
    assert slots.take(alice) is None
    assert slots.take(alice) == MEMBER_BUSY
    assert slots.held_by(alice) == 2
    assert slots.take(bob) is None
    assert (slots.held_in_guild(1), slots.in_flight) == (3, 3)
    slots.release(alice)
    assert slots.take(alice) is None


def test_a_server_at_its_share_is_refused_and_other_servers_are_not() -> None:
    slots = FetchSlots()
    for member in range(4):
        assert slots.take((1, member)) is None
        assert slots.take((1, member)) is None
    assert slots.take((1, 99)) == GUILD_BUSY
    assert slots.take((2, 99)) is None
    assert slots.held_in_guild(1) == 8


def test_the_bot_at_its_total_refuses_everyone_including_unowned_fetches() -> None:
    slots = FetchSlots()
    for guild in range(4):
        for member in range(4):
            assert slots.take((guild, member)) is None
            assert slots.take((guild, member)) is None
    assert slots.in_flight == 32
    assert slots.take((9, 9)) == ALL_BUSY
    assert slots.take(None) == ALL_BUSY
    slots.release((0, 0))
    assert slots.take(None) is None


def test_unowned_fetches_count_only_against_the_total() -> None:
    slots = FetchSlots()
    for _ in range(10):
        assert slots.take(None) is None
    assert (slots.in_flight, slots.held_in_guild(0)) == (10, 0)
    assert slots.take((1, 1)) is None


def test_released_slots_leave_nothing_behind() -> None:
    slots = FetchSlots()
    owners = [(g, m) for g in range(3) for m in range(3)]
    for owner in owners:
        assert slots.take(owner) is None
    for owner in owners:
        slots.release(owner)
    assert slots.in_flight == 0
    assert slots._members == Counter() and slots._guilds == Counter()


OWNERS = [(g, m) for g in range(3) for m in range(5)] + [None]


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.sampled_from(OWNERS)), max_size=200))
def test_slots_admit_exactly_when_every_share_has_room(
    steps: list[tuple[bool, FetchOwner | None]],
) -> None:
    """Model check: a take succeeds iff the member, their server and the bot all have room,
    so a member under their share is never refused because of someone else's member share."""
    shares = FetchShares(member=2, guild=5, total=9)
    slots = FetchSlots(shares)
    held: list[FetchOwner | None] = []
    for is_take, owner in steps:
        if not is_take:
            if owner in held:
                held.remove(owner)
                slots.release(owner)
            continue
        member = sum(1 for h in held if h == owner) if owner else 0
        guild = sum(1 for h in held if h and owner and h[0] == owner[0])
        room = len(held) < shares.total and (
            owner is None or (member < shares.member and guild < shares.guild)
        )
        assert (slots.take(owner) is None) == room
        if room:
            held.append(owner)
        assert slots.in_flight == len(held)


def test_one_member_filling_their_share_leaves_the_rest_of_the_server() -> None:
    slots = FetchSlots()
    greedy = (1, 1)
    while slots.take(greedy) is None:
        pass
    others = 0
    member = 2
    while slots.take((1, member)) is None:
        others += 1
        if slots.held_by((1, member)) == MEMBER_FETCHES:
            member += 1
    assert (slots.held_by(greedy), others) == (MEMBER_FETCHES, GUILD_FETCHES - MEMBER_FETCHES)


# -- the fetcher admits against the slots -----------------------------------------------


class HeldSite:
    """A mock site whose answers wait until the test releases them."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.arrived: list[str] = []
        self._arrival = asyncio.Event()

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        self.arrived.append(request.url.path)
        self._arrival.set()
        if request.url.path.startswith("/slow"):
            await self.release.wait()
        return httpx.Response(200, headers={"Content-Type": "text/plain"}, content=b"ok")

    async def wait_arrived(self, count: int) -> None:
        async with asyncio.timeout(5):
            while len(self.arrived) < count:
                self._arrival.clear()
                await self._arrival.wait()


async def test_the_fetcher_refuses_a_member_over_their_share_before_connecting() -> None:
    site = HeldSite()
    slots = FetchSlots()
    alice, bob = (1, 10), (1, 11)
    async with SafeFetcher(transport=httpx.MockTransport(site), slots=slots) as fetcher:
        held = [
            asyncio.create_task(fetcher.fetch(f"http://93.184.216.34/slow/{i}", owner=alice))
            for i in range(2)
        ]
        await site.wait_arrived(2)
        with pytest.raises(FetchError) as refused:
            await fetcher.fetch("http://93.184.216.34/slow/3", owner=alice)
        assert (refused.value.code, refused.value.message) == ("busy", MEMBER_BUSY)
        assert site.arrived == ["/slow/0", "/slow/1"]

        other = await fetcher.fetch("http://93.184.216.34/fast", owner=bob)
        unowned = await fetcher.fetch("http://93.184.216.34/fast")
        assert (other.body, unowned.body) == (b"ok", b"ok")
        assert (slots.held_by(alice), slots.held_by(bob), slots.in_flight) == (2, 0, 2)

        site.release.set()
        assert [r.body for r in await asyncio.gather(*held)] == [b"ok", b"ok"]
    assert slots.in_flight == 0


async def test_a_failed_or_cancelled_fetch_gives_its_slot_back() -> None:
    site = HeldSite()
    slots = FetchSlots()
    owner = (1, 10)

    async def broken(request: httpx.Request) -> httpx.Response:
        return httpx.Response(500)

    async with SafeFetcher(transport=httpx.MockTransport(broken), slots=slots) as fetcher:
        with pytest.raises(FetchError) as failed:
            await fetcher.fetch("http://93.184.216.34/", owner=owner)
        assert failed.value.code == "http_error"
        with pytest.raises(FetchError) as bad:
            await fetcher.fetch("ftp://93.184.216.34/", owner=owner)
        assert bad.value.code == "bad_scheme"
    assert slots.in_flight == 0

    async with SafeFetcher(transport=httpx.MockTransport(site), slots=slots) as fetcher:
        task = asyncio.create_task(fetcher.fetch("http://93.184.216.34/slow", owner=owner))
        await site.wait_arrived(1)
        assert slots.held_by(owner) == 1
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert (slots.held_by(owner), slots.in_flight) == (0, 0)


async def test_two_fetchers_sharing_slots_share_the_member_s_share() -> None:
    site = HeldSite()
    slots = FetchSlots()
    owner = (1, 10)
    async with (
        SafeFetcher(transport=httpx.MockTransport(site), slots=slots) as articles,
        SafeFetcher(transport=httpx.MockTransport(site), slots=slots) as evidence,
    ):
        held = [
            asyncio.create_task(articles.fetch("http://93.184.216.34/slow/a", owner=owner)),
            asyncio.create_task(evidence.fetch("http://93.184.216.34/slow/b", owner=owner)),
        ]
        await site.wait_arrived(2)
        with pytest.raises(FetchError) as refused:
            await evidence.fetch("http://93.184.216.34/fast", owner=owner)
        assert refused.value.message == MEMBER_BUSY
        site.release.set()
        await asyncio.gather(*held)
    assert slots.in_flight == 0


# -- thread-link rate limit ---------------------------------------------------------------


def test_links_within_the_limit_pass_and_the_rest_wait_for_the_window() -> None:
    limit = LinkRateLimit(5, 60)
    alice, bob = (1, 10), (1, 11)
    assert limit.take(alice, 3, now=100.0) == LinkGrant(allowed=3, retry_after=0.0)
    assert limit.take(alice, 4, now=110.0) == LinkGrant(allowed=2, retry_after=50.0)
    assert limit.take(alice, 1, now=150.0) == LinkGrant(allowed=0, retry_after=10.0)
    assert limit.take(bob, 5, now=150.0) == LinkGrant(allowed=5, retry_after=0.0)
    assert limit.take((2, 10), 5, now=150.0) == LinkGrant(allowed=5, retry_after=0.0)
    # The window slides: the three links of t=100 expire at 160, the two of t=110 at 170.
    assert limit.take(alice, 4, now=160.0) == LinkGrant(allowed=3, retry_after=10.0)
    assert limit.take(alice, 2, now=170.0) == LinkGrant(allowed=2, retry_after=0.0)


def test_a_zero_window_turns_the_limit_off() -> None:
    limit = LinkRateLimit(1, 0)
    assert limit.take((1, 1), 50, now=0.0) == LinkGrant(allowed=50, retry_after=0.0)
    assert limit.tracked() == 0


def test_bad_limits_are_refused() -> None:
    for count, window in [(0, 60.0), (5, -1.0)]:
        with pytest.raises(ValueError, match="limit >= 1 and window >= 0"):
            LinkRateLimit(count, window)


def test_the_member_is_told_once_per_window() -> None:
    limit = LinkRateLimit(5, 60)
    alice = (1, 10)
    assert limit.should_tell(alice, 0.0) is True
    assert limit.should_tell(alice, 59.0) is False
    assert limit.should_tell((1, 11), 59.0) is True
    assert limit.should_tell(alice, 60.0) is True


def test_the_reason_is_short_and_rounds_the_wait_up() -> None:
    limit = LinkRateLimit(5, 60)
    assert limit.describe(41.2) == (
        "You can post 5 links per 60 s in claim threads; try again in 42 s."
    )
    assert limit.describe(0.01) == (
        "You can post 5 links per 60 s in claim threads; try again in 1 s."
    )
    assert LinkRateLimit(3, 2.5).describe(2.5) == (
        "You can post 3 links per 2.5 s in claim threads; try again in 3 s."
    )


def test_memory_follows_recent_members_only() -> None:
    limit = LinkRateLimit(5, 60)
    for member in range(5000):
        limit.take((1, member), 1, now=float(member))
        limit.should_tell((1, member), float(member))
    # Only the last 60 s of members can still matter; the sweep runs as the table doubles.
    assert limit.tracked() < 2 * 1024 + 2 * 60


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 2), st.integers(0, 6), st.floats(0, 30)),
        max_size=80,
    )
)
def test_never_more_than_the_limit_in_any_window_and_never_less_than_asked_when_room(
    steps: list[tuple[int, int, float]],
) -> None:
    window, most = 60.0, 5
    limit = LinkRateLimit(most, window)
    granted: dict[FetchOwner, list[float]] = {}
    now = 0.0
    for member, wanted, step in steps:
        now += step
        owner = (1, member)
        times = granted.setdefault(owner, [])
        in_window = [t for t in times if t > now - window]
        grant = limit.take(owner, wanted, now)
        assert grant.allowed == min(wanted, most - len(in_window))
        times.extend([now] * grant.allowed)
        if grant.allowed < wanted:
            # The wait is exactly until the oldest link in the window expires.
            assert grant.retry_after == min(t for t in times if t > now - window) + window - now
        else:
            assert grant.retry_after == 0.0
        assert len([t for t in times if t > now - window]) <= most


# -- token buckets (submissions) -----------------------------------------------------------


def test_a_burst_then_one_token_per_interval() -> None:
    buckets = TokenBuckets(burst=5, interval=6.0)
    alice, bob = (1, 10), (1, 11)
    assert [buckets.take(alice, now=100.0) for _ in range(5)] == [0.0] * 5
    assert buckets.take(alice, now=100.0) == 6.0  # empty: the wait for one token
    assert buckets.take(alice, now=104.5) == pytest.approx(1.5)
    assert buckets.take(bob, now=104.5) == 0.0  # another member has their own bucket
    assert buckets.take((2, 10), now=104.5) == 0.0  # and so has the same member elsewhere
    assert buckets.take(alice, now=106.0) == 0.0  # one token came back
    assert buckets.take(alice, now=106.0) == 6.0
    # Quiet for burst x interval seconds: the whole burst again, no more.
    assert [buckets.take(alice, now=136.0) for _ in range(6)] == [0.0] * 5 + [6.0]


def test_a_refund_gives_back_one_token_and_never_more_than_the_burst() -> None:
    buckets = TokenBuckets(burst=2, interval=30.0)
    alice = (1, 10)
    assert buckets.take(alice, now=0.0) == 0.0
    assert buckets.take(alice, now=0.0) == 0.0
    buckets.refund(alice, now=0.0)
    assert buckets.take(alice, now=0.0) == 0.0
    assert buckets.take(alice, now=0.0) == 30.0
    buckets.refund(alice, now=90.0)  # already full again: nothing to give back
    assert buckets.tracked() == 0
    assert [buckets.take(alice, now=90.0) for _ in range(3)] == [0.0, 0.0, 30.0]


def test_an_interval_of_zero_turns_the_bucket_off() -> None:
    buckets = TokenBuckets(burst=1, interval=0.0)
    assert [buckets.take((1, 1), now=0.0) for _ in range(100)] == [0.0] * 100
    assert buckets.tracked() == 0


def test_bad_buckets_are_refused() -> None:
    for burst, interval in [(0, 6.0), (5, -1.0)]:
        with pytest.raises(ValueError, match="burst >= 1 and interval >= 0"):
            TokenBuckets(burst, interval)


def test_waits_are_read_in_whole_seconds_rounded_up() -> None:
    assert [whole_seconds(w) for w in (6.0, 5.2, 0.01, 0.0, 28.0000000001)] == [6, 6, 1, 1, 28]


def test_idle_buckets_are_forgotten() -> None:
    buckets = TokenBuckets(burst=5, interval=6.0)
    for member in range(5000):
        buckets.take((1, member), now=float(member))
    # A bucket is full again 6 s after its one take: only the last 6 s of members can still
    # matter, and the sweep runs as the table doubles.
    assert buckets.tracked() <= 1024 + 6
    assert buckets.take((1, 0), now=5000.0) == 0.0


@settings(max_examples=300, deadline=None)
@given(
    st.integers(1, 6),
    st.sampled_from([0.5, 6.0, 30.0]),
    st.lists(
        st.tuples(st.integers(0, 2), st.floats(0, 20), st.booleans()),
        max_size=120,
    ),
)
def test_never_more_than_burst_plus_rate_times_t_in_any_window(
    burst: int, interval: float, steps: list[tuple[int, float, bool]]
) -> None:
    """For every member and every window [a, b]: tokens granted minus tokens refunded in it
    is at most burst + (b - a) / interval. And a refusal names a wait after which the next
    take succeeds."""
    buckets = TokenBuckets(burst, interval)
    events: dict[FetchOwner, list[tuple[float, int]]] = {}  # (time, +1 granted / -1 refunded)
    now = 0.0
    for member, step, refund in steps:
        now += step
        owner = (1, member)
        history = events.setdefault(owner, [])
        if refund and history and sum(change for _, change in history) > 0:
            buckets.refund(owner, now)
            history.append((now, -1))
            continue
        wait = buckets.take(owner, now)
        if wait == 0.0:
            history.append((now, 1))
        else:
            assert 0.0 < wait <= interval
    for history in events.values():
        for i, (start, _) in enumerate(history):
            net = 0
            for end, change in history[i:]:
                net += change
                assert net <= burst + (end - start) / interval + 1e-6
    if steps:  # the wait a refusal names is enough, and not more than needed
        owner = (1, steps[-1][0])
        wait = buckets.take(owner, now)
        if wait > 0.0:
            assert buckets.take(owner, now + wait * 0.999) > 0.0
            assert buckets.take(owner, now + wait) == 0.0


# -- settings -------------------------------------------------------------------------------


@pytest.fixture
def no_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    monkeypatch.chdir(tmp_path)  # no stray .env from the developer's checkout
    for name in ("CLAIMBOT_THREAD_LINKS", "CLAIMBOT_THREAD_LINK_WINDOW"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_the_thread_link_limit_defaults_to_5_per_minute(no_env: pytest.MonkeyPatch) -> None:
    settings = load_settings()
    assert (settings.thread_links_per_window, settings.thread_link_window_seconds) == (5, 60.0)
    no_env.setenv("CLAIMBOT_THREAD_LINKS", "12")
    no_env.setenv("CLAIMBOT_THREAD_LINK_WINDOW", "0")
    settings = load_settings()
    assert (settings.thread_links_per_window, settings.thread_link_window_seconds) == (12, 0.0)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("CLAIMBOT_THREAD_LINKS", "0"),
        ("CLAIMBOT_THREAD_LINKS", "many"),
        ("CLAIMBOT_THREAD_LINK_WINDOW", "-1"),
    ],
)
def test_a_bad_thread_link_setting_names_the_variable(
    no_env: pytest.MonkeyPatch, name: str, value: str
) -> None:
    no_env.setenv(name, value)
    with pytest.raises(ConfigError, match=rf"^{name}: "):
        load_settings()
