"""The Atom feed of a server's verdicts: it parses, each published claim is an entry named by
its page, and no member text can break the XML."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace

from bot.pages.feed import atom_feed
from tests.pages.records import NOW, SITE, published

ATOM = "{http://www.w3.org/2005/Atom}"


def test_the_feed_parses_and_has_an_entry_per_claim() -> None:
    claims = [
        replace(published(number=13, status="misleading", is_final=True), resolved_at=NOW - 60),
        published(),
    ]
    root = ET.fromstring(atom_feed(SITE, claims, now=NOW).encode("utf-8"))
    assert root.tag == f"{ATOM}feed"
    assert root.findtext(f"{ATOM}id") == "https://checks.example.org/verif/"
    assert root.findtext(f"{ATOM}title") == "Verdicts of Les Vérificateurs"
    assert root.findtext(f"{ATOM}updated") == "2024-05-04T11:59:00Z"
    assert root.findtext(f"{ATOM}author/{ATOM}name") == "Les Vérificateurs"
    [self_link] = [link for link in root.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert self_link.get("href") == "https://checks.example.org/verif/feed.atom"
    entries = root.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}id") for e in entries] == [
        "https://checks.example.org/verif/claims/13",
        "https://checks.example.org/verif/claims/12",
    ]
    assert [e.findtext(f"{ATOM}updated") for e in entries] == [
        "2024-05-04T11:59:00Z",
        "2024-05-02T12:00:00Z",
    ]
    first = entries[1]
    assert first.findtext(f"{ATOM}title") == (
        "Verified false: La ville a dépensé 4,2 millions d’euros pour les routes en 2025."
    )
    assert first.find(f"{ATOM}category").get("term") == "verified_false"  # type: ignore[union-attr]
    assert first.findtext(f"{ATOM}summary") == (
        "La ville a dépensé 4,2 millions d’euros pour les routes en 2025.\n\n"
        "Verified false: 3 of 4 reviewers refute it; 1 source refutes it"
    )


def test_hostile_text_stays_text_in_the_feed() -> None:
    hostile = '</summary><entry>& "x" \x00\x1b ]]> <![CDATA[ \ufffe'
    root = ET.fromstring(atom_feed(SITE, [published(text=hostile)], now=NOW).encode("utf-8"))
    [entry] = root.findall(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}summary", "").startswith(
        '</summary><entry>& "x" \ufffd\ufffd ]]> <![CDATA[ \ufffd'
    )


def test_an_empty_feed_is_a_feed() -> None:
    root = ET.fromstring(atom_feed(SITE, [], now=NOW).encode("utf-8"))
    assert root.findall(f"{ATOM}entry") == []
    assert root.findtext(f"{ATOM}updated") == "2024-05-04T12:00:00Z"
