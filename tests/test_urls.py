"""Evidence URL normalisation and link finding."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.urls import is_http_url, links_in, looks_like_url, normalize_url, short_url


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("HTTPS://News.Example.COM/a?utm_source=x&id=3#top", "https://news.example.com/a?id=3"),
        ("http://news.example.com:80", "http://news.example.com/"),
        ("https://news.example.com:8443/p", "https://news.example.com:8443/p"),
        ("https://x.example/p?fbclid=1&gclid=2&UTM_medium=3", "https://x.example/p"),
        ("https://x.example/p?b=2&a=1", "https://x.example/p?b=2&a=1"),
        ("https://[2001:db8::1]/p", "https://[2001:db8::1]/p"),
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize_url(raw) == expected


@pytest.mark.parametrize(
    "raw", ["ftp://x.example/", "javascript:alert(1)", "not a url", "https://"]
)
def test_normalize_refuses_non_http(raw: str) -> None:
    with pytest.raises(ValueError, match="not an http"):
        normalize_url(raw)


def test_links_in_chat_text() -> None:
    text = (
        "See https://a.example/report.pdf, and (https://b.example/x?y=1). "
        "Again https://a.example/report.pdf!"
    )
    assert links_in(text, limit=5) == ["https://a.example/report.pdf", "https://b.example/x?y=1"]
    assert links_in(text, limit=1) == ["https://a.example/report.pdf"]


@pytest.mark.slow
@given(st.from_regex(r"https?://[a-z]{1,10}\.example/[a-z0-9/]{0,20}", fullmatch=True))
def test_normalize_is_idempotent(url: str) -> None:
    assert normalize_url(normalize_url(url)) == normalize_url(url)


@pytest.mark.parametrize(
    ("value", "http", "link"),
    [
        ("https://news.example/a", True, True),
        ("  HTTP://news.example/wiki/Port_(city).  ", True, True),
        ("ftp://files.example/report.pdf", False, True),
        ("file:///etc/passwd", False, True),
        ("https://news.example/a and more", False, False),
        ("see https://news.example/a", False, False),
        ("https://", False, False),
        ("articles/ferries.html", False, False),
        ("https://news.example/<script>", False, False),
    ],
)
def test_a_whole_value_as_a_link(value: str, http: bool, link: bool) -> None:
    """An `origin` or `url` option must be an http(s) link; a CLI argument of any scheme is a link
    (the fetcher explains the scheme), anything else a path."""
    assert is_http_url(value) is http
    assert looks_like_url(value) is link


def test_links_in_a_message_leave_its_punctuation_out() -> None:
    """The message command fetches the page, not the page plus the sentence's full stop."""
    assert links_in("Worth a read (https://news.example/ferries).", limit=1) == [
        "https://news.example/ferries"
    ]


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://www.example.org/report/", "example.org/report"),
        ("http://news.test:8080/ferries?id=3", "news.test:8080/ferries?id=3"),
        ("HTTPS://WWW.Example.org", "Example.org"),
        ("https://wwwx.example/a", "wwwx.example/a"),
        ("https:///", "https:///"),  # nothing left: the link as stored
    ],
)
def test_a_short_url_for_a_list_of_sources(url: str, shown: str) -> None:
    assert short_url(url) == shown
