"""bot.web.addresses: only global addresses are reached, every answer of a lookup checked."""

from __future__ import annotations

import errno
import ipaddress
import socket

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.web.addresses import METADATA_ADDRESSES, is_forbidden_address, system_resolver
from bot.web.fetcher import SafeFetcher
from tests.web.servers import (
    FakeResolver,
    LoopbackGuard,
    Server,
    expect_error,
    make_fetcher,
)
from tests.web.test_url_syntax import LITERAL_FORBIDDEN

# -- pure checks: is_forbidden_address ---------------------------------------------------


@pytest.mark.parametrize(
    "ip",
    [
        "127.0.0.1",
        "127.255.255.254",
        "10.0.0.5",
        "172.31.255.255",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "100.127.255.255",
        "198.18.0.1",
        "198.19.255.255",
        "0.0.0.0",
        "224.0.0.251",
        "239.255.255.250",
        "240.0.0.1",
        "255.255.255.255",
        "192.0.2.1",
        "192.0.0.170",
        "::",
        "::1",
        "::ffff:127.0.0.1",
        "::ffff:7f00:1",
        "::ffff:10.0.0.1",
        "::ffff:169.254.169.254",
        "::127.0.0.1",
        "::ffff:0:7f00:1",
        "64:ff9b::7f00:1",
        "64:ff9b::a9fe:a9fe",
        "64:ff9b:1::1",
        "2002:7f00:1::",
        "2002:808:808::1",  # 6to4 is refused outright
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",
        "2001:db8::1",
        "fe80::1",
        "fe80::1%eth0",
        "fc00::1",
        "fd00:ec2::254",
        "fec0::1",
        "ff02::1",
        "100::1",
        "4000::1",  # outside global unicast 2000::/3
        "not an ip",
        "",
        "0177.0.0.1",  # non-canonical spellings are never waved through
        "127.1",
    ],
)
def test_is_forbidden_address_refuses(ip: str) -> None:
    assert is_forbidden_address(ip) is True


@pytest.mark.parametrize(
    "ip",
    [
        "8.8.8.8",
        "1.1.1.1",
        "93.184.215.14",
        "2606:4700:4700::1111",
        "::ffff:8.8.8.8",
        "64:ff9b::808:808",
    ],
)
def test_is_forbidden_address_allows_global(ip: str) -> None:
    assert is_forbidden_address(ip) is False


@pytest.mark.parametrize("addr", sorted(METADATA_ADDRESSES, key=str))
def test_cloud_metadata_addresses_are_forbidden(
    addr: ipaddress.IPv4Address | ipaddress.IPv6Address,
) -> None:
    assert is_forbidden_address(str(addr)) is True
    if addr.version == 4:
        assert is_forbidden_address(f"::ffff:{addr}") is True


_EXTRA_RULES = [
    ipaddress.ip_network(n)
    for n in (
        "100.64.0.0/10", "192.0.0.0/24", "192.88.99.0/24", "198.18.0.0/15", "224.0.0.0/4",
        "240.0.0.0/4", "168.63.129.16/32", "::ffff:0:0/96", "64:ff9b::/96", "64:ff9b:1::/48",
        "2001::/23", "2002::/16", "3fff::/20", "5f00::/16", "ff00::/8",
    )
]  # fmt: skip


def _plain(addr: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Addresses where bot.fetch has no rule of its own beyond `is_global`."""
    if addr.is_multicast or addr.is_reserved:
        return False
    if addr.version == 6 and addr not in ipaddress.IPv6Network("2000::/3"):
        return False
    return not any(addr.version == n.version and addr in n for n in _EXTRA_RULES)


@pytest.mark.slow
@settings(max_examples=400, deadline=None)
@given(st.ip_addresses())
def test_property_agrees_with_is_global_for_plain_addresses(
    addr: ipaddress.IPv4Address | ipaddress.IPv6Address,
) -> None:
    if not addr.is_global and not any(
        addr.version == n.version and addr in n for n in _EXTRA_RULES[7:9]
    ):
        assert is_forbidden_address(str(addr)) is True
    if _plain(addr):
        assert is_forbidden_address(str(addr)) is (not addr.is_global)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.ip_addresses(network="10.0.0.0/8"),
        st.ip_addresses(network="127.0.0.0/8"),
        st.ip_addresses(network="172.16.0.0/12"),
        st.ip_addresses(network="192.168.0.0/16"),
        st.ip_addresses(network="169.254.0.0/16"),
        st.ip_addresses(network="100.64.0.0/10"),
        st.ip_addresses(network="0.0.0.0/8"),
    )
)
def test_property_embedded_private_ipv4_is_never_allowed(addr: ipaddress.IPv4Address) -> None:
    value = int(addr)
    assert is_forbidden_address(str(addr)) is True
    assert is_forbidden_address(str(ipaddress.IPv6Address((0xFFFF << 32) | value))) is True
    assert is_forbidden_address(f"::ffff:{addr}") is True
    assert is_forbidden_address(str(ipaddress.IPv6Address(value))) is True  # compat
    nat64 = int(ipaddress.IPv6Address("64:ff9b::")) | value
    assert is_forbidden_address(str(ipaddress.IPv6Address(nat64))) is True
    sixtofour = (0x2002 << 112) | (value << 80)
    assert is_forbidden_address(str(ipaddress.IPv6Address(sixtofour))) is True


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(st.ip_addresses(v=4).filter(lambda a: a.is_global and not a.is_multicast))
def test_property_mapped_global_ipv4_follows_the_inner_address(addr: ipaddress.IPv4Address) -> None:
    assert is_forbidden_address(f"::ffff:{addr}") is is_forbidden_address(str(addr))


async def test_system_resolver_answers_numeric_hosts_without_dns() -> None:
    assert await system_resolver("127.0.0.1", 80) == ["127.0.0.1"]


# -- the test seam -----------------------------------------------------------------------


def test_test_seam_only_accepts_loopback_networks() -> None:
    with pytest.raises(ValueError):
        SafeFetcher(_allow_networks_for_tests=[ipaddress.IPv4Network("10.0.0.0/8")])
    with pytest.raises(ValueError):
        SafeFetcher(_allow_networks_for_tests=[ipaddress.IPv4Network("0.0.0.0/0")])
    with pytest.raises(TypeError):
        SafeFetcher(_allow_networks_for_tests=["127.0.0.1/32"])  # type: ignore[list-item]


async def test_without_the_seam_loopback_is_refused_before_connecting(server: Server) -> None:
    guard = LoopbackGuard()
    async with SafeFetcher(resolver=FakeResolver(), transport=guard) as fetcher:
        err = await expect_error(fetcher, server.url("/article"))
        assert err.code == "forbidden_address"
        err = await expect_error(fetcher, server.url("/article", host="public.test"))
        assert err.code == "forbidden_address"
    assert guard.requests == []


# -- fetch: addresses ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "host",
    ["evil.test", "evil2.test", "mapped.test", "metadata.test", "v6local.test", "linklocal6.test"],
)
async def test_dns_name_to_internal_address_is_refused_before_connecting(host: str) -> None:
    resolver = FakeResolver()
    mock = httpx.MockTransport(lambda r: pytest.fail(f"connected to {r.url}"))
    async with make_fetcher(resolver=resolver, transport=mock) as fetcher:
        err = await expect_error(fetcher, f"http://{host}:8080/x")
    assert err.code == "forbidden_address"
    assert (
        str(err)
        == "That link points to a private or internal network address, so I won't fetch it."
    )
    assert resolver.calls == [(host, 8080)]


async def test_mixed_resolution_is_refused() -> None:
    mock = httpx.MockTransport(lambda r: pytest.fail("must not connect"))
    async with make_fetcher(transport=mock) as fetcher:
        err = await expect_error(fetcher, "http://mixed.test/")
    assert err.code == "forbidden_address"


@pytest.mark.parametrize("url", LITERAL_FORBIDDEN)
async def test_fetch_refuses_internal_literals(url: str) -> None:
    resolver = FakeResolver()
    mock = httpx.MockTransport(lambda r: pytest.fail("must not connect"))
    async with SafeFetcher(resolver=resolver, transport=mock) as fetcher:
        err = await expect_error(fetcher, url)
    assert err.code == "forbidden_address"
    assert resolver.calls == []


@pytest.mark.parametrize(
    "host", ["127.0.0.2", "[::1]", "[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "[::7f00:1]", "0.0.0.0"]
)
async def test_the_seam_opens_only_the_listed_network(host: str) -> None:
    mock = httpx.MockTransport(lambda r: pytest.fail("must not connect"))
    async with make_fetcher(transport=mock) as fetcher:
        err = await expect_error(fetcher, f"http://{host}:8080/")
    assert err.code == "forbidden_address"


@pytest.mark.parametrize("host", ["2130706433", "0177.0.0.1", "0x7f.1", "127.1", "127.0.0.%31"])
async def test_the_seam_reads_spellings_of_its_address_as_that_address(
    server: Server, host: str
) -> None:
    async with make_fetcher() as fetcher:
        result = await fetcher.fetch(f"http://{host}:{server.port}/article")
    assert result.url == server.url("/article")


async def test_unknown_host_is_a_dns_failure() -> None:
    async with make_fetcher() as fetcher:
        err = await expect_error(fetcher, "http://nowhere.test/")
        assert err.code == "dns_failure"
        assert str(err) == "I couldn't find the site nowhere.test. Check the link for typos."
        err = await expect_error(fetcher, "http://garbage.test/")
        assert err.code == "dns_failure"


async def test_empty_resolution_is_a_dns_failure() -> None:
    async with make_fetcher(resolver=FakeResolver({"empty.test": []})) as fetcher:
        err = await expect_error(fetcher, "http://empty.test/")
    assert err.code == "dns_failure"


async def test_unreachable_port_is_connect_failed() -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    async with make_fetcher() as fetcher:
        err = await expect_error(fetcher, f"http://public.test:{port}/")
    assert err.code == "connect_failed"
    assert str(err) == "I couldn't connect to that site."


# -- fetch: what a failure says -----------------------------------------------------------


class FailingResolver:
    """A resolver whose every lookup fails with one given error, as getaddrinfo would."""

    def __init__(self, error: OSError) -> None:
        self.error = error

    async def __call__(self, host: str, port: int) -> list[str]:
        raise self.error


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (
            socket.gaierror(socket.EAI_NONAME, "Name or service not known"),
            "I couldn't find the site news.test. Check the link for typos.",
        ),
        (
            socket.gaierror(socket.EAI_NODATA, "No address associated with hostname"),
            "I couldn't find the site news.test. Check the link for typos.",
        ),
        (
            socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution"),
            "I couldn't reach the site news.test: looking up its address failed "
            "(Temporary failure in name resolution).",
        ),
        (
            socket.gaierror(socket.EAI_FAIL, "Non-recoverable failure in name resolution"),
            "I couldn't reach the site news.test: looking up its address failed "
            "(Non-recoverable failure in name resolution).",
        ),
        (
            OSError(errno.ENETUNREACH, "Network is unreachable"),
            "I couldn't reach the site news.test: looking up its address failed "
            "(Network is unreachable).",
        ),
    ],
)
async def test_a_failed_lookup_blames_a_typo_only_when_the_name_does_not_exist(
    error: OSError, message: str
) -> None:
    guard = LoopbackGuard()
    async with SafeFetcher(resolver=FailingResolver(error), transport=guard) as fetcher:
        err = await expect_error(fetcher, "https://news.test/article")
    assert (err.code, str(err)) == ("dns_failure", message)
    assert guard.requests == []
