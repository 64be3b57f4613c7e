"""bot.web.url_syntax: links read as a browser reads them, refused before any lookup."""

from __future__ import annotations

import ipaddress

import pytest

from bot.core.errors import UserFacingError
from bot.web.addresses import is_forbidden_address
from bot.web.errors import FetchError
from bot.web.url_syntax import check_url

# -- pure checks: check_url --------------------------------------------------------------

LITERAL_FORBIDDEN = [
    "http://127.0.0.1/",
    "http://2130706433/",  # decimal
    "http://0177.0.0.1/",  # octal
    "http://0x7f.1/",  # hex, short form
    "http://0x7f000001/",
    "http://127.1/",  # short form
    "http://127.0.1/",
    "http://0/",  # 0.0.0.0
    "http://0x/",  # "0x" alone is 0 to a browser
    "http://0.0.0.0/",
    "http://127.0.0.1./",  # trailing dot
    "http://127.0.0.%31/",  # percent-encoded digit
    "http://１２７．０．０．１/",  # full-width digits and dots
    "http://10.1.2.3/",
    "http://172.16.0.1/",
    "http://192.168.1.1/",
    "http://100.64.0.1/",  # shared address space
    "http://198.18.0.1/",  # benchmarking
    "http://169.254.169.254/latest/meta-data/",
    "http://100.100.100.200/",
    "http://224.0.0.1/",
    "http://255.255.255.255/",
    "http://[::1]/",
    "http://[::]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:7f00:1]/",
    "http://[::ffff:169.254.169.254]/",
    "http://[::127.0.0.1]/",  # IPv4-compatible
    "http://[64:ff9b::7f00:1]/",  # NAT64
    "http://[64:ff9b::a00:1]/",
    "http://[2002:7f00:1::]/",  # 6to4
    "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/",  # Teredo
    "http://[fe80::1%25eth0]/",  # link-local with zone id
    "http://[fe80::1]/",
    "http://[fd00:ec2::254]/",
    "http://[fc00::1]/",
    "http://[ff02::1]/",
    "https://[::1]:8443/x",
]


@pytest.mark.parametrize("url", LITERAL_FORBIDDEN)
def test_check_url_refuses_internal_ip_literals_in_every_spelling(url: str) -> None:
    with pytest.raises(FetchError) as info:
        check_url(url)
    assert info.value.code == "forbidden_address"
    assert str(info.value) == (
        "That link points to a private or internal network address, so I won't fetch it."
    )


@pytest.mark.parametrize(
    ("url", "host", "ip"),
    [
        ("http://2130706433/", "127.0.0.1", "127.0.0.1"),
        ("http://0177.0.0.1/", "127.0.0.1", "127.0.0.1"),
        ("http://0x7f.1/", "127.0.0.1", "127.0.0.1"),
        ("http://127.1/", "127.0.0.1", "127.0.0.1"),
        ("http://0x08080808/", "8.8.8.8", "8.8.8.8"),
        ("http://010.010.010.010/", "8.8.8.8", "8.8.8.8"),
        ("http://[::ffff:8.8.8.8]/", "::ffff:808:808", "::ffff:808:808"),
    ],
)
def test_ip_literals_are_read_as_a_browser_reads_them(url: str, host: str, ip: str) -> None:
    if is_forbidden_address(ip):
        with pytest.raises(FetchError):
            check_url(url)
        # The spelling is still understood: it names exactly this address.
        assert is_forbidden_address(host)
        return
    target = check_url(url)
    assert target.host == host
    assert str(target.ip) == ip


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("file:///etc/passwd", "bad_scheme"),
        ("ftp://example.com/x", "bad_scheme"),
        ("data:text/html,<h1>x</h1>", "bad_scheme"),
        ("gopher://example.com/", "bad_scheme"),
        ("javascript:alert(1)", "bad_scheme"),
        ("example.com/page", "bad_scheme"),
        ("http:example.com", "bad_url"),
        ("http:///path", "bad_url"),
        ("http://", "bad_url"),
        ("http://:80/", "bad_url"),
        ("", "bad_url"),
        ("http://user:pass@example.com/", "credentials_in_url"),
        ("http://user@example.com/", "credentials_in_url"),
        ("http://example.com@127.0.0.1/", "credentials_in_url"),
        ("http://exa mple.com/", "bad_url"),
        ("http://example.com/a b", "bad_url"),
        ("ht\ntp://example.com/", "bad_url"),
        ("http://example.com\\@evil.test/", "bad_url"),
        ("http://example.com:99999/", "bad_url"),
        ("http://example.com:0/", "bad_url"),
        ("http://example.com:8o/", "bad_url"),
        ("http://example.com:80:80/", "bad_url"),
        ("http://::1/", "bad_url"),
        ("http://[::1/", "bad_url"),
        ("http://[127.0.0.1]/", "bad_url"),
        ("http://[2606:4700::1%25eth0]/", "bad_url"),  # zone id on a global address
        ("http://1.2.3.999/", "bad_url"),  # ends in a number but is not an address
        ("http://1.2.3.4.5/", "bad_url"),
        ("http://example.0x10/", "bad_url"),
        ("http://a..b/", "bad_url"),
        ("http://exa%00mple.com/", "bad_url"),
        ("http://ex%2fample.com/", "bad_url"),
        ("http://" + "a" * 64 + ".com/", "bad_url"),
        ("http://example.com/" + "a" * 2048, "url_too_long"),
    ],
)
def test_check_url_refusals(url: str, code: str) -> None:
    with pytest.raises(FetchError) as info:
        check_url(url)
    assert info.value.code == code
    assert "Traceback" not in str(info.value)
    assert str(info.value).endswith(".")


def test_refusal_messages_are_user_readable() -> None:
    cases = {
        "file:///etc/passwd": "Only http:// and https:// links can be fetched.",
        "http://u:p@example.com/": "Links with a username or password in them aren't accepted.",
        "http://example.com/" + "x" * 3000: "That link is too long (the limit is 2048 characters).",
        "http:///x": "That link has no host name.",
    }
    for url, message in cases.items():
        with pytest.raises(FetchError) as info:
            check_url(url)
        assert str(info.value) == message
    assert issubclass(FetchError, UserFacingError)


def test_check_url_normalises_and_keeps_the_hostname() -> None:
    target = check_url("  HTTPS://News.Example.COM.:8443/a/b?x=1&y=%20#frag  ")
    assert target.scheme == "https"
    assert target.host == "news.example.com"
    assert target.port == 8443
    assert target.path == "/a/b?x=1&y=%20"
    assert target.ip is None
    assert target.url == "https://news.example.com:8443/a/b?x=1&y=%20"
    assert target.host_header == "news.example.com:8443"


def test_check_url_defaults_path_port_and_encodes_idna() -> None:
    assert check_url("http://example.com").url == "http://example.com/"
    assert check_url("http://example.com?q=1").path == "/?q=1"
    assert check_url("http://example.com:80/").url == "http://example.com/"
    assert check_url("https://example.com:443/").port == 443
    idn = check_url("https://Bücher.example/x")
    assert idn.host == "xn--bcher-kva.example"
    assert idn.host_header == "xn--bcher-kva.example"
    assert check_url("http://ex%41mple.com/").host == "example.com"
    assert check_url("http://ex:80/").host == "ex"


def test_check_url_length_limit_is_configurable() -> None:
    url = "http://example.com/" + "a" * 20
    assert check_url(url, max_length=len(url)).url == url
    with pytest.raises(FetchError) as info:
        check_url(url, max_length=len(url) - 1)
    assert info.value.code == "url_too_long"


def test_global_ip_literals_pass() -> None:
    assert check_url("http://8.8.8.8/").ip == ipaddress.IPv4Address("8.8.8.8")
    target = check_url("https://[2606:4700:4700::1111]:8443/")
    assert target.ip == ipaddress.IPv6Address("2606:4700:4700::1111")
    assert target.url == "https://[2606:4700:4700::1111]:8443/"
    assert target.host_header == "[2606:4700:4700::1111]:8443"
