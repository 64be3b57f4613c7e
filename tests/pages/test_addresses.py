"""The URL scheme: slugs, the base URL a server gives, and the paths of its pages."""

from __future__ import annotations

import pytest

from bot.pages.addresses import (
    absolute,
    base_url_problem,
    claim_path,
    feed_path,
    index_path,
    is_slug,
    normal_base_url,
    slug_from,
)
from bot.pages.markup import href, json_for_script, text


def test_paths_name_the_server_by_slug_and_the_claim_by_number() -> None:
    assert index_path("verif") == "/verif/"
    assert index_path("verif", page=3, status="misleading", query="a b") == (
        "/verif/?q=a+b&status=misleading&page=3"
    )
    assert claim_path("verif", 12) == "/verif/claims/12"
    assert feed_path("verif") == "/verif/feed.atom"
    assert absolute("https://checks.example.org", "/verif/") == "https://checks.example.org/verif/"


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Les Vérificateurs", "les-verificateurs"),
        ("  AFP Factuel!! ", "afp-factuel"),
        ("Straße & Co", "strasse-co"),
        ("??", ""),
        ("x" * 60, "x" * 40),
    ],
)
def test_a_slug_is_made_of_the_organisations_name(name: str, slug: str) -> None:
    assert slug_from(name) == slug


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("verif", True),
        ("a", True),
        ("a-1", True),
        ("-a", False),
        ("a-", False),
        ("A", False),
        ("a/b", False),
        ("", False),
        ("x" * 41, False),
        ("static", True),
    ],
)
def test_slugs(value: str, valid: bool) -> None:
    assert is_slug(value) is valid


def test_a_base_url_is_an_origin() -> None:
    assert base_url_problem("https://checks.example.org") is None
    assert base_url_problem("https://checks.example.org/") is None
    assert base_url_problem("http://127.0.0.1:8080") is None
    assert (
        base_url_problem("ftp://x.example")
        == "must start with https:// (or http://) and name a host"
    )
    assert base_url_problem("checks.example.org") is not None
    assert base_url_problem("https://checks.example.org/claims") is not None
    assert base_url_problem("https://user@checks.example.org") is not None
    assert normal_base_url(" HTTPS://Checks.Example.org/ ") == "https://checks.example.org"


def test_markup_escapes_and_refuses_links_that_are_not_http() -> None:
    assert text('<a href="x">\'&') == "&lt;a href=&quot;x&quot;&gt;&#x27;&amp;"
    assert href("javascript:alert(1)") is None
    assert href("data:text/html,x") is None
    assert href("/relative") is None
    assert href('https://x.example/?a=1&b="2"') == "https://x.example/?a=1&amp;b=&quot;2&quot;"
    assert json_for_script({"a": "</script><!--&\u2028\u2029"}) == (
        '{"a": "\\u003c/script\\u003e\\u003c!--\\u0026\\u2028\\u2029"}'
    )
