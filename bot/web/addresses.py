"""Which addresses a fetch may reach, and the one lookup per hop whose answers are checked.

Every address a name resolves to must be global: one private answer spoils them all, so a
name that resolves to both a public and an internal address cannot be used to reach the
internal one. The connection then goes to an address that was checked (`connect_address`).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Sequence

from bot.web.errors import FetchError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], Awaitable[list[str]]]

# Cloud metadata endpoints, listed explicitly so a reader can see they are covered: most
# sit in ranges refused anyway, but Azure's wire server (168.63.129.16) looks global.
METADATA_ADDRESSES: frozenset[IPAddress] = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, GCP, Azure, OpenStack, DigitalOcean, Oracle...
        "169.254.170.2",  # AWS ECS task metadata
        "169.254.169.123",  # AWS time sync
        "169.254.0.23",  # Tencent Cloud
        "100.100.100.200",  # Alibaba Cloud
        "168.63.129.16",  # Azure wire server
        "192.0.0.192",  # Oracle Cloud
        "fd00:ec2::254",  # AWS IMDS over IPv6
        "fd00:ec2::23",  # AWS ECS task metadata over IPv6
    )
)

# Refused whatever this Python's `is_global` says (its tables changed between patch releases).
_FORBIDDEN_V4 = tuple(
    ipaddress.IPv4Network(n)
    for n in (
        "0.0.0.0/8",  # "this network"; 0.0.0.0 reaches localhost on Linux
        "10.0.0.0/8",
        "100.64.0.0/10",  # carrier-grade NAT (and Alibaba metadata)
        "127.0.0.0/8",
        "169.254.0.0/16",  # link-local (and most metadata services)
        "172.16.0.0/12",
        "192.0.0.0/24",  # IETF protocol assignments
        "192.0.2.0/24",
        "192.88.99.0/24",  # deprecated 6to4 relay anycast
        "192.168.0.0/16",
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, includes broadcast
    )
)
_FORBIDDEN_V6 = tuple(
    ipaddress.IPv6Network(n)
    for n in (
        "::/96",  # unspecified, loopback and deprecated IPv4-compatible addresses
        "::ffff:0:0:0/96",  # SIIT IPv4-translated
        "64:ff9b:1::/48",  # local-use NAT64
        "100::/64",  # discard-only
        "2001::/23",  # IETF protocol assignments, includes Teredo 2001::/32
        "2001:db8::/32",  # documentation
        "2002::/16",  # 6to4: deprecated, refused outright
        "3fff::/20",  # documentation
        "5f00::/16",  # SRv6 SIDs
        "fc00::/7",  # unique local (fd00:ec2::254 lives here)
        "fe80::/10",  # link-local
        "fec0::/10",  # site-local (deprecated)
        "ff00::/8",  # multicast
    )
)
_GLOBAL_UNICAST_V6 = ipaddress.IPv6Network("2000::/3")
_IPV4_MAPPED = ipaddress.IPv6Network("::ffff:0:0/96")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_LOOPBACK_NETS: tuple[IPNetwork, ...] = (
    ipaddress.IPv4Network("127.0.0.0/8"),
    ipaddress.IPv6Network("::1/128"),
)


def _embedded_ipv4(addr: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv4-mapped or NAT64 address really reaches."""
    if addr in _IPV4_MAPPED or addr in _NAT64:
        return ipaddress.IPv4Address(int(addr) & 0xFFFF_FFFF)
    return None


def _address_is_forbidden(addr: IPAddress) -> bool:
    if isinstance(addr, ipaddress.IPv6Address):
        if addr.scope_id is not None:
            addr = ipaddress.IPv6Address(int(addr))
        inner = _embedded_ipv4(addr)
        if inner is not None:
            # Mapped and NAT64 addresses are judged by the IPv4 host they lead to.
            return _address_is_forbidden(inner)
        if addr.teredo is not None or addr.sixtofour is not None:
            return True
        if addr not in _GLOBAL_UNICAST_V6 or any(addr in net for net in _FORBIDDEN_V6):
            return True
        if addr.is_site_local:
            return True
    elif any(addr in net for net in _FORBIDDEN_V4):
        return True
    if addr in METADATA_ADDRESSES:
        return True
    return (
        not addr.is_global
        or addr.is_private
        or addr.is_loopback
        or addr.is_link_local
        or addr.is_multicast
        or addr.is_reserved
        or addr.is_unspecified
    )


def _parse_ip(text: str) -> IPAddress | None:
    """Strict parse of a resolver's answer; a zone id is dropped (it only scopes link-local)."""
    try:
        return ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return None


def is_forbidden_address(ip: str) -> bool:
    """True unless `ip` is a plain global unicast address; anything unparseable is forbidden."""
    addr = _parse_ip(ip)
    return True if addr is None else _address_is_forbidden(addr)


def _in_test_networks(addr: IPAddress, networks: Sequence[IPNetwork]) -> bool:
    # Compare versions explicitly: ::7f00:1 must never count as 127.0.0.1.
    return any(addr.version == net.version and addr in net for net in networks)


def validate_test_networks(networks: Sequence[IPNetwork]) -> tuple[IPNetwork, ...]:
    """The test seam may only ever open loopback, so a misuse cannot reach a real network."""
    checked: list[IPNetwork] = []
    for net in networks:
        if not isinstance(net, ipaddress.IPv4Network | ipaddress.IPv6Network):
            raise TypeError("_allow_networks_for_tests takes ipaddress network objects")
        if not any(
            net.version == lo.version and net.subnet_of(lo)  # type: ignore[arg-type]
            for lo in _LOOPBACK_NETS
        ):
            raise ValueError(f"_allow_networks_for_tests only accepts loopback, not {net}")
        checked.append(net)
    return tuple(checked)


def _forbidden_error(via_redirect: bool) -> FetchError:
    if via_redirect:
        return FetchError(
            "forbidden_address",
            "That link redirects to a private or internal network address, so I stopped there.",
        )
    return FetchError(
        "forbidden_address",
        "That link points to a private or internal network address, so I won't fetch it.",
    )


def require_allowed(
    addr: IPAddress, test_networks: Sequence[IPNetwork], *, via_redirect: bool
) -> None:
    if _in_test_networks(addr, test_networks):
        return
    if _address_is_forbidden(addr):
        raise _forbidden_error(via_redirect)


def connect_address(addr: IPAddress) -> IPAddress:
    """Where to connect for a checked address: no zone id, IPv4-mapped becomes plain IPv4."""
    if isinstance(addr, ipaddress.IPv6Address):
        addr = ipaddress.IPv6Address(int(addr))
        if addr in _IPV4_MAPPED:
            return ipaddress.IPv4Address(int(addr) & 0xFFFF_FFFF)
    return addr


# -- resolution ----------------------------------------------------------------------------


async def system_resolver(host: str, port: int) -> list[str]:
    """Default resolver: the event loop's getaddrinfo, TCP only, de-duplicated, in order."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


# getaddrinfo's answers that mean the name does not exist; any other failure means it could
# not be looked up at all (no network, no resolver), which is not the link's fault.
_NAME_DOES_NOT_EXIST = frozenset(
    code
    for code in (getattr(socket, "EAI_NONAME", None), getattr(socket, "EAI_NODATA", None))
    if code is not None
)


def _no_such_site(host: str) -> str:
    return f"I couldn't find the site {host}. Check the link for typos."


def resolution_failure(host: str, error: OSError) -> FetchError:
    """The user's sentence for a failed lookup: a typo only when the name does not exist."""
    if isinstance(error, socket.gaierror) and error.errno in _NAME_DOES_NOT_EXIST:
        return FetchError("dns_failure", _no_such_site(host))
    reason = error.strerror or str(error) or type(error).__name__
    return FetchError(
        "dns_failure",
        f"I couldn't reach the site {host}: looking up its address failed ({reason}).",
    )


async def resolve_allowed(
    host: str,
    port: int,
    resolver: Resolver,
    test_networks: Sequence[IPNetwork],
    *,
    via_redirect: bool,
) -> list[IPAddress]:
    """Resolve once; refuse unless every answer is allowed (one bad answer spoils all).

    The answers are where to connect (`connect_address`), so the checked addresses are the
    ones dialled: nothing resolves the name again between the check and the connection.
    """
    try:
        answers = await resolver(host, port)
    except UnicodeError:
        answers = []
    except OSError as exc:
        raise resolution_failure(host, exc) from None
    if not answers:
        raise FetchError("dns_failure", _no_such_site(host))
    addresses: list[IPAddress] = []
    for answer in answers:
        addr = _parse_ip(answer)
        if addr is None:
            raise FetchError("dns_failure", f"I couldn't look up the site {host}.")
        require_allowed(addr, test_networks, via_redirect=via_redirect)
        addr = connect_address(addr)
        if addr not in addresses:
            addresses.append(addr)
    return addresses
