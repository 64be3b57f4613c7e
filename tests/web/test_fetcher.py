"""bot.web.fetcher: every fetch against real servers on 127.0.0.1, redirects, time, TLS."""

from __future__ import annotations

import asyncio
import json
import shutil
import ssl
import subprocess
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
import pytest
from aiohttp import web

from bot.web.fetcher import DEFAULT_CONTENT_TYPES, USER_AGENT, FetchLimits
from bot.web.responses import FetchResult
from tests.web.servers import (
    ARTICLE,
    FakeResolver,
    Handler,
    LoopbackGuard,
    RawServer,
    Server,
    canned,
    echo,
    expect_error,
    make_fetcher,
    start_app,
)

# -- fetch: happy path ---------------------------------------------------------------------


async def test_happy_path_html_with_charset(server: Server) -> None:
    resolver = FakeResolver()
    async with make_fetcher(resolver=resolver) as fetcher:
        result = await fetcher.fetch(server.url("/article", host="public.test"))
    assert result == FetchResult(
        url=f"http://public.test:{server.port}/article",
        status=200,
        content_type="text/html",
        charset="iso-8859-1",
        body=ARTICLE.encode("latin-1"),
        truncated=False,
        redirects=(),
    )
    assert result.text() == ARTICLE
    assert resolver.calls == [("public.test", server.port)]


async def test_request_goes_to_the_checked_ip_with_the_original_host_header(server: Server) -> None:
    guard = LoopbackGuard()
    async with make_fetcher(transport=guard) as fetcher:
        result = await fetcher.fetch(
            server.url("/echo?q=1", host="Public.Test"),
            allowed_content_types=frozenset({"application/json"}),
        )
    seen = json.loads(result.body)
    assert seen["path"] == "/echo?q=1"
    assert seen["headers"]["host"] == f"public.test:{server.port}"
    assert seen["headers"]["user-agent"] == USER_AGENT
    assert seen["headers"]["accept"] == "application/json"
    assert "cookie" not in seen["headers"]
    assert "authorization" not in seen["headers"]
    assert [str(r.url) for r in guard.requests] == [f"http://127.0.0.1:{server.port}/echo?q=1"]


async def test_default_accept_header_lists_the_allowed_types(server: Server) -> None:
    async with make_fetcher() as fetcher:
        result = await fetcher.fetch(
            server.url("/echo"),
            allowed_content_types=DEFAULT_CONTENT_TYPES | {"application/json"},
        )
    assert json.loads(result.body)["headers"]["accept"] == (
        "application/json, application/xhtml+xml, text/html, text/markdown, text/plain"
    )


async def test_https_request_carries_sni_hostname_and_ip_url() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, headers={"Content-Type": "text/plain"}, content=b"ok")

    async with make_fetcher(transport=httpx.MockTransport(handler)) as fetcher:
        result = await fetcher.fetch("https://public.test/a?b=1#frag")
    assert result.url == "https://public.test/a?b=1"
    assert result.body == b"ok"
    (request,) = seen
    assert str(request.url) == "https://127.0.0.1/a?b=1"
    assert request.headers["host"] == "public.test"
    assert request.extensions["sni_hostname"] == "public.test"
    assert set(request.extensions["timeout"]) == {"connect", "read", "write", "pool"}


async def test_proxy_environment_is_ignored(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "all_proxy"):
        monkeypatch.setenv(name, "http://127.0.0.1:9/")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    async with make_fetcher() as fetcher:
        result = await fetcher.fetch(server.url("/article"))
    assert result.status == 200


# -- fetch: redirects --------------------------------------------------------------------------


async def test_redirect_chain_of_five_is_followed(server: Server) -> None:
    resolver = FakeResolver()
    async with make_fetcher(resolver=resolver) as fetcher:
        result = await fetcher.fetch(server.url("/chain/5", host="public.test"))
    base = f"http://public.test:{server.port}"
    assert result.url == f"{base}/chain/0"
    assert result.redirects == tuple(f"{base}/chain/{n}" for n in (5, 4, 3, 2, 1))
    assert result.body == b"end of chain"
    assert len(resolver.calls) == 6  # re-resolved and re-checked on every hop


async def test_sixth_redirect_is_refused(server: Server) -> None:
    async with make_fetcher() as fetcher:
        err = await expect_error(fetcher, server.url("/chain/6"))
    assert err.code == "too_many_redirects"
    assert str(err) == "That link redirects too many times (more than 5)."


async def test_redirect_limit_is_configurable(server: Server) -> None:
    async with make_fetcher(FetchLimits(max_redirects=1)) as fetcher:
        assert (await fetcher.fetch(server.url("/chain/1"))).redirects == (server.url("/chain/1"),)
        err = await expect_error(fetcher, server.url("/chain/2"))
    assert err.code == "too_many_redirects"


@pytest.mark.parametrize(
    ("target", "code"),
    [
        ("http://127.0.0.2:{port}/", "forbidden_address"),
        ("http://169.254.169.254/latest/meta-data/", "forbidden_address"),
        ("http://[::1]:{port}/", "forbidden_address"),
        ("http://[::ffff:127.0.0.1]:{port}/", "forbidden_address"),
        ("http://2130706434:{port}/", "forbidden_address"),  # 127.0.0.2
        ("http://evil.test/", "forbidden_address"),
        ("http://mapped.test:{port}/", "forbidden_address"),
        ("file:///etc/passwd", "bad_scheme"),
        ("gopher://127.0.0.1:{port}/", "bad_scheme"),
        ("http://user:pw@public.test:{port}/", "credentials_in_url"),
        ("http://nowhere.test/", "dns_failure"),
    ],
)
async def test_redirect_targets_are_checked_like_the_first_url(
    server: Server, target: str, code: str
) -> None:
    guard = LoopbackGuard()
    location = target.format(port=server.port)
    async with make_fetcher(transport=guard) as fetcher:
        err = await expect_error(
            fetcher, server.url("/redirect-to?" + str(httpx.QueryParams({"target": location})))
        )
    assert err.code == code
    assert len(guard.requests) == 1  # only the first, allowed hop ever reached a socket


async def test_redirect_refusal_message_says_redirect(server: Server) -> None:
    async with make_fetcher() as fetcher:
        err = await expect_error(fetcher, server.url("/redirect-to?target=http://169.254.169.254/"))
        assert str(err) == (
            "That link redirects to a private or internal network address, so I stopped there."
        )
        err = await expect_error(fetcher, server.url("/redirect-to?target=file:///etc/passwd"))
        assert str(err) == (
            "That link redirects to something that isn't an http:// or https:// address."
        )


async def test_relative_and_host_changing_redirects(server: Server) -> None:
    async with make_fetcher() as fetcher:
        result = await fetcher.fetch(
            server.url("/redirect-to?target=/echo%3Fx%3D1", host="public.test"),
            allowed_content_types=frozenset({"application/json"}),
        )
        assert result.url == f"http://public.test:{server.port}/echo?x=1"
        assert json.loads(result.body)["headers"]["host"] == f"public.test:{server.port}"
        hop = f"//public.test:{server.port}/echo"
        result = await fetcher.fetch(
            server.url("/redirect-to?target=" + hop),
            allowed_content_types=frozenset({"application/json"}),
        )
    assert result.url == f"http://public.test:{server.port}/echo"
    assert result.redirects == (server.url(f"/redirect-to?target={hop}"),)


async def test_redirect_without_location_is_a_bad_response(server: Server) -> None:
    async with make_fetcher() as fetcher:
        err = await expect_error(fetcher, server.url("/redirect-no-location"))
    assert err.code == "bad_response"


async def test_cookies_set_on_a_redirect_are_not_sent_back(server: Server) -> None:
    async with make_fetcher() as fetcher:
        result = await fetcher.fetch(
            server.url("/cookie-redirect"), allowed_content_types=frozenset({"application/json"})
        )
        assert "cookie" not in json.loads(result.body)["headers"]
        # Nor on a later fetch with the same fetcher.
        again = await fetcher.fetch(
            server.url("/echo"), allowed_content_types=frozenset({"application/json"})
        )
    assert "cookie" not in json.loads(again.body)["headers"]


# -- fetch: time ----------------------------------------------------------------------------


async def test_trickling_server_hits_the_overall_deadline(server: Server) -> None:
    limits = FetchLimits(total_timeout=0.5, read_timeout=5.0)
    async with make_fetcher(limits) as fetcher:
        start = time.monotonic()
        err = await expect_error(fetcher, server.url("/trickle"))
        elapsed = time.monotonic() - start
    assert err.code == "timeout"
    assert str(err) == "The site took too long to respond."
    assert 0.4 < elapsed < 1.5


async def _never_answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await asyncio.sleep(10)


async def test_hanging_server_hits_the_overall_deadline(
    raw_server: Callable[[Handler], Awaitable[RawServer]],
) -> None:
    srv = await raw_server(_never_answer)
    async with make_fetcher(FetchLimits(total_timeout=0.5, read_timeout=5.0)) as fetcher:
        start = time.monotonic()
        err = await expect_error(fetcher, f"http://public.test:{srv.port}/")
        elapsed = time.monotonic() - start
    assert err.code == "timeout"
    assert 0.4 < elapsed < 1.5


async def test_hanging_server_hits_the_read_timeout(
    raw_server: Callable[[Handler], Awaitable[RawServer]],
) -> None:
    srv = await raw_server(_never_answer)
    async with make_fetcher(FetchLimits(total_timeout=5.0, read_timeout=0.3)) as fetcher:
        start = time.monotonic()
        err = await expect_error(fetcher, f"http://public.test:{srv.port}/")
        elapsed = time.monotonic() - start
    assert err.code == "timeout"
    assert 0.2 < elapsed < 1.5


async def test_slow_resolver_hits_the_overall_deadline() -> None:
    class SlowResolver(FakeResolver):
        async def __call__(self, host: str, port: int) -> list[str]:
            await asyncio.sleep(5)
            return ["127.0.0.1"]

    async with make_fetcher(FetchLimits(total_timeout=0.3), resolver=SlowResolver()) as fetcher:
        start = time.monotonic()
        err = await expect_error(fetcher, "http://public.test/")
    assert err.code == "timeout"
    assert time.monotonic() - start < 1.0


# -- fetch: statuses and broken answers --------------------------------------------------


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (404, "The site answered with an error (HTTP 404 Not Found)."),
        (500, "The site answered with an error (HTTP 500 Internal Server Error)."),
        (403, "The site answered with an error (HTTP 403 Forbidden)."),
    ],
)
async def test_error_statuses_are_http_error(server: Server, code: int, message: str) -> None:
    async with make_fetcher() as fetcher:
        err = await expect_error(fetcher, server.url(f"/status/{code}"))
    assert err.code == "http_error"
    assert str(err) == message


@pytest.mark.parametrize(
    ("location", "code"),
    [
        (b"http://[::1", "bad_response"),  # httpx itself rejects this Location header
        (b"http://public.test/a b", "bad_url"),
        (b"http://public.test\\@evil.test/", "bad_url"),
    ],
)
async def test_malformed_redirect_locations_are_refused(
    raw_server: Callable[[Handler], Awaitable[RawServer]], location: bytes, code: str
) -> None:
    srv = await raw_server(
        canned(
            b"HTTP/1.1 302 Found\r\nLocation: " + location + b"\r\n"
            b"Content-Length: 0\r\nConnection: close\r\n\r\n"
        )
    )
    guard = LoopbackGuard()
    async with make_fetcher(transport=guard) as fetcher:
        err = await expect_error(fetcher, f"http://127.0.0.1:{srv.port}/")
    assert err.code == code
    assert len(guard.requests) == 1


async def test_garbage_response_is_a_bad_response(
    raw_server: Callable[[Handler], Awaitable[RawServer]],
) -> None:
    srv = await raw_server(canned(b"SSH-2.0-OpenSSH_9.6\r\n\r\n"))
    async with make_fetcher() as fetcher:
        err = await expect_error(fetcher, f"http://127.0.0.1:{srv.port}/")
    assert err.code == "bad_response"


# -- TLS: the checked IP is dialled, the real hostname is verified -----------------------------


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    openssl = shutil.which("openssl")
    assert openssl is not None, "the TLS tests need the openssl command (Debian: openssl)"
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "2",
         "-subj", "/CN=public.test", "-addext", "subjectAltName=DNS:public.test"],
        check=True, capture_output=True, timeout=30,
    )  # fmt: skip
    return cert, key


async def test_https_verifies_the_original_hostname(tls_files: tuple[Path, Path]) -> None:
    cert, key = tls_files
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_ctx.load_cert_chain(cert, key)
    app = web.Application()
    app.router.add_get("/echo", echo)
    runner, port = await start_app(app, server_ctx)
    try:
        client_ctx = ssl.create_default_context(cafile=str(cert))
        resolver = FakeResolver({"other.test": ["127.0.0.1"]})
        guard = LoopbackGuard(httpx.AsyncHTTPTransport(verify=client_ctx))
        async with make_fetcher(resolver=resolver, transport=guard) as fetcher:
            result = await fetcher.fetch(
                f"https://public.test:{port}/echo",
                allowed_content_types=frozenset({"application/json"}),
            )
            assert json.loads(result.body)["headers"]["host"] == f"public.test:{port}"
            assert result.url == f"https://public.test:{port}/echo"
            # Same IP, other name: the certificate (for public.test) must not be accepted.
            err = await expect_error(fetcher, f"https://other.test:{port}/echo")
            assert err.code == "tls_error"
            # Dialling the IP directly has no name the certificate could match.
            err = await expect_error(fetcher, f"https://127.0.0.1:{port}/echo")
            assert err.code == "tls_error"
    finally:
        await runner.cleanup()


@pytest.mark.parametrize("location", [b"http:\\\\evil/", b"https:\\\\evil.test\\x"])
async def test_an_unparseable_redirect_is_refused(
    raw_server: Callable[[Handler], Awaitable[RawServer]], location: bytes
) -> None:
    async def redirect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 302 Found\r\nLocation: " + location + b"\r\n")
        writer.write(b"Content-Length: 0\r\nConnection: close\r\n\r\n")
        await writer.drain()

    srv = await raw_server(redirect)
    guard = LoopbackGuard()
    async with make_fetcher(transport=guard) as fetcher:
        err = await expect_error(fetcher, f"http://127.0.0.1:{srv.port}/")
    assert (err.code, str(err)) == ("bad_url", "That link redirects to an invalid address.")
    assert len(guard.requests) == 1
