"""The kept pages of `claimbot web`: by address, until they expire, within a byte budget
(least recently read out first), and dropped per server."""

from __future__ import annotations

from bot.publish.cache import PageCache

HTML = "text/html; charset=utf-8"


def test_a_page_is_kept_until_it_expires() -> None:
    cache = PageCache(60)
    cache.put("/a/claims/1", 1, b"one", HTML, now=100.0)
    kept = cache.get("/a/claims/1", now=159.9)
    assert kept is not None and (kept.body, kept.content_type, kept.guild_id) == (b"one", HTML, 1)
    assert cache.get("/a/claims/1", now=160.0) is None
    assert len(cache) == 0


def test_the_byte_budget_drops_the_least_recently_read() -> None:
    cache = PageCache(60, max_bytes=800)  # 16 pages of 50 bytes; none over 50 bytes kept
    for n in range(16):
        cache.put(f"/a/claims/{n}", 1, b"x" * 50, HTML, now=0.0)
    assert cache.get("/a/claims/0", now=1.0) is not None  # read: now the most recent
    cache.put("/a/claims/16", 1, b"x" * 50, HTML, now=1.0)  # one over the budget: one goes
    assert cache.get("/a/claims/1", now=1.0) is None
    assert all(cache.get(f"/a/claims/{n}", now=1.0) is not None for n in (0, *range(2, 17)))
    cache.put("/a/big", 1, b"x" * 51, HTML, now=1.0)
    assert cache.get("/a/big", now=1.0) is None


def test_a_servers_pages_are_dropped_together() -> None:
    cache = PageCache(60)
    cache.put("/a/", 1, b"a", HTML, now=0.0)
    cache.put("/a/claims/1", 1, b"a1", HTML, now=0.0)
    cache.put("/b/", 2, b"b", HTML, now=0.0)
    cache.drop_servers({1})
    assert (cache.get("/a/", now=0.0), cache.get("/a/claims/1", now=0.0)) == (None, None)
    assert cache.get("/b/", now=0.0) is not None


def test_zero_seconds_keeps_nothing() -> None:
    cache = PageCache(0)
    cache.put("/a/", 1, b"a", HTML, now=0.0)
    assert not cache.enabled and len(cache) == 0
