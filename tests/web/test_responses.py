"""bot.web.responses: bodies within their cap, decompressed by hand, typed or refused."""

from __future__ import annotations

import time
import tracemalloc
import zlib
from collections.abc import Awaitable, Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.web.fetcher import FetchLimits
from bot.web.responses import FetchResult
from tests.documents.test_decoding import NOT_CHARSETS
from tests.web.servers import (
    ARTICLE,
    PDF_OK,
    Handler,
    RawServer,
    Server,
    canned,
    expect_error,
    make_fetcher,
)

# -- content encodings ----------------------------------------------------------------------


async def test_gzip_body_is_decoded(server: Server) -> None:
    async with make_fetcher() as fetcher:
        result = await fetcher.fetch(server.url("/gzip"))
    assert result.body == ARTICLE.encode("utf-8")
    assert result.charset == "utf-8"
    assert result.truncated is False


async def test_gzip_bomb_is_cut_at_the_cap(server: Server) -> None:
    async with make_fetcher(FetchLimits(max_bytes=100_000)) as fetcher:
        result = await fetcher.fetch(server.url("/gzip-bomb"))
    assert result.body == b"a" * 100_000
    assert result.truncated is True


async def test_unknown_content_encoding_is_refused(server: Server) -> None:
    async with make_fetcher() as fetcher:
        err = await expect_error(fetcher, server.url("/brotli"))
    assert err.code == "bad_response"
    assert str(err) == "The site compressed its answer in a way I can't read."


# -- fetch: size -------------------------------------------------------------------------------


async def test_endless_body_is_truncated_quickly_with_bounded_memory(server: Server) -> None:
    cap = 2_000_000
    async with make_fetcher(FetchLimits(max_bytes=cap)) as fetcher:
        tracemalloc.start()
        try:
            start = time.monotonic()
            result = await fetcher.fetch(server.url("/endless"))
            elapsed = time.monotonic() - start
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert result.truncated is True
    assert len(result.body) == cap
    assert result.body.startswith(b"<p>aaa")
    assert elapsed < 3.0
    # The body itself is `cap` bytes; streaming adds at most a chunk and one hand-over copy.
    assert peak < 3 * cap + 1_000_000


async def test_endless_body_with_default_cap(server: Server) -> None:
    async with make_fetcher() as fetcher:
        result = await fetcher.fetch(server.url("/endless"))
    assert len(result.body) == 5_000_000
    assert result.truncated is True


async def test_declared_length_over_cap_keeps_the_start_of_a_page(server: Server) -> None:
    async with make_fetcher(FetchLimits(max_bytes=1_000_000)) as fetcher:
        result = await fetcher.fetch(server.url("/declared-big"))
    assert result.truncated is True
    assert result.body == b"b" * 1_000_000


async def test_declared_length_over_cap_refuses_non_text_up_front(server: Server) -> None:
    async with make_fetcher(FetchLimits(max_bytes=1_000_000)) as fetcher:
        err = await expect_error(
            fetcher, server.url("/declared-big?type=application/pdf"), allowed_content_types=PDF_OK
        )
    assert err.code == "too_large"
    assert str(err) == "That file is too large (over 1,000,000 bytes)."


async def test_undeclared_non_text_over_cap_is_too_large(server: Server) -> None:
    async with make_fetcher(FetchLimits(max_bytes=1_000_000)) as fetcher:
        err = await expect_error(fetcher, server.url("/chunked-pdf"), allowed_content_types=PDF_OK)
    assert err.code == "too_large"


async def test_body_exactly_at_cap_is_not_truncated(server: Server) -> None:
    async with make_fetcher(FetchLimits(max_bytes=len(ARTICLE))) as fetcher:
        result = await fetcher.fetch(server.url("/article"))
    assert result.truncated is False
    assert len(result.body) == len(ARTICLE)


# -- fetch: content types and statuses ---------------------------------------------------------


async def test_image_content_type_is_refused(server: Server) -> None:
    async with make_fetcher() as fetcher:
        err = await expect_error(fetcher, server.url("/image"))
    assert err.code == "bad_content_type"
    assert str(err) == "That link points to image/png content, which I can't read."


async def test_content_types_are_configurable_per_call(server: Server) -> None:
    async with make_fetcher() as fetcher:
        err = await expect_error(
            fetcher, server.url("/article"), allowed_content_types=frozenset({"text/plain"})
        )
        assert err.code == "bad_content_type"
        result = await fetcher.fetch(
            server.url("/image"), allowed_content_types=frozenset({"image/png"})
        )
    assert result.body == b"\x89PNG\r\n\x1a\n"


async def test_missing_content_type_is_sniffed_as_html_or_text(
    raw_server: Callable[[Handler], Awaitable[RawServer]],
) -> None:
    html = b"<!DOCTYPE html><html><body><p>hi</p></body></html>"
    html_srv = await raw_server(
        canned(
            b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % len(html) + html
        )
    )
    text_srv = await raw_server(
        canned(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello")
    )
    binary_srv = await raw_server(
        canned(b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\nConnection: close\r\n\r\n\x89PNG\x00\x01")
    )
    async with make_fetcher() as fetcher:
        result = await fetcher.fetch(f"http://127.0.0.1:{html_srv.port}/")
        assert (result.content_type, result.body) == ("text/html", html)
        result = await fetcher.fetch(f"http://127.0.0.1:{text_srv.port}/")
        assert (result.content_type, result.body) == ("text/plain", b"hello")
        err = await expect_error(fetcher, f"http://127.0.0.1:{binary_srv.port}/")
        assert err.code == "bad_content_type"
        err = await expect_error(
            fetcher,
            f"http://127.0.0.1:{text_srv.port}/",
            allowed_content_types=frozenset({"text/html"}),
        )
        assert err.code == "bad_content_type"


@pytest.mark.parametrize("raw_deflate", [False, True])
async def test_deflate_body_is_decoded(
    raw_server: Callable[[Handler], Awaitable[RawServer]], raw_deflate: bool
) -> None:
    text = b"deflated text " * 100
    if raw_deflate:
        packer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
        body = packer.compress(text) + packer.flush()
    else:
        body = zlib.compress(text)
    head = (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Encoding: deflate\r\n"
        b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body)
    )
    srv = await raw_server(canned(head + body))
    async with make_fetcher() as fetcher:
        result = await fetcher.fetch(f"http://127.0.0.1:{srv.port}/")
    assert result.body == text


def test_result_text_decodes_with_charset_or_sniffs() -> None:
    result = FetchResult("http://x.test/", 200, "text/plain", None, b"ok caf\xc3\xa9", False, ())
    assert result.text() == "ok café"
    broken = FetchResult(
        "http://x.test/", 200, "text/plain", None, b"\xc3\xa9t\xc3\xa9 \xff", False, ()
    )
    assert broken.text() == "été \ufffd"
    latin = FetchResult("http://x.test/", 200, "text/plain", "latin-1", b"caf\xe9", False, ())
    assert latin.text() == "café"


@pytest.mark.parametrize("label", NOT_CHARSETS)
def test_result_text_ignores_a_charset_that_is_no_text_encoding(label: str) -> None:
    page = "<title>Café +ADw-b+AD4- prices</title>"
    utf8 = FetchResult("http://x.test/", 200, "text/html", label, page.encode(), False, ())
    assert utf8.text() == page
    legacy = FetchResult(
        "http://x.test/", 200, "text/html", label, "<p>Le café</p>".encode("cp1252"), False, ()
    )
    assert legacy.text() == "<p>Le café</p>"


async def test_a_served_charset_that_is_no_text_encoding_decodes_by_sniffing(
    server: Server,
) -> None:
    async with make_fetcher() as fetcher:
        result = await fetcher.fetch(server.url("/idna-charset"))
    assert result.charset == "idna"
    assert result.text() == "<title>Café report</title>"


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.sampled_from(NOT_CHARSETS), st.text(max_size=20)), st.binary(max_size=256))
def test_property_result_text_never_raises(label: str, body: bytes) -> None:
    result = FetchResult("http://x.test/", 200, "text/html", label, body, False, ())
    assert isinstance(result.text(), str)
