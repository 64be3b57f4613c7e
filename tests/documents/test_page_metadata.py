"""bot.documents.page_metadata: what an evidence page says about itself, bounded."""

from __future__ import annotations

import time

from bot.documents.page_metadata import PageMetadata, page_metadata
from tests.documents.pages import BLOG, NEWS

# -- metadata --------------------------------------------------------------------------------------


def test_page_metadata_from_og_and_canonical() -> None:
    assert page_metadata(NEWS, url="https://ledger.example/news/x?utm=1") == PageMetadata(
        title="Pellham approves new seawall after record floods",
        site_name="The Coastal Ledger",
        canonical_url="https://ledger.example/news/2024/03/pellham-seawall",
        published="2024-03-05",
        description="Councillors in Pellham approved a 12 million euro seawall after two"
        " winters of flooding.",
    )


def test_page_metadata_fallbacks_and_unsafe_canonical() -> None:
    meta = page_metadata(BLOG)
    assert meta.title == "Why the ferry timetable changed"  # twitter:title
    assert meta.canonical_url == "https://notes.example/ferry-timetable"  # og:url, not javascript:
    assert meta.published == "2023-11-20"  # itemprop datePublished
    assert meta.description == "A short explainer on the winter schedule."


def test_page_metadata_title_tag_fallback_is_one_clean_line() -> None:
    html = "<html><head><title>\n  Ferry\u202e  news\n | Notes </title></head><body></body></html>"
    meta = page_metadata(html)
    assert meta.title == "Ferry news"  # trafilatura also drops the " | Site" suffix
    assert meta.canonical_url is None
    assert meta.published is None


def test_page_metadata_published_time_variants() -> None:
    def published(value: str) -> str | None:
        html = (
            f"<html><head><meta property='article:published_time' content='{value}'></head></html>"
        )
        return page_metadata(html).published

    assert published("2024-03-05T23:30:00-05:00") == "2024-03-05"
    assert published("2024-03-05T09:30:00Z") == "2024-03-05"
    assert published("2024-03-05") == "2024-03-05"


def test_page_metadata_is_bounded_to_the_first_megabyte() -> None:
    filler = "<!-- " + "x" * 1_100_000 + " -->"
    html = f"<html><head>{filler}<meta property='og:title' content='Too late'></head></html>"
    start = time.monotonic()
    meta = page_metadata(html)
    assert meta.title is None
    assert time.monotonic() - start < 2.0


def test_page_metadata_of_nothing() -> None:
    assert page_metadata("") == PageMetadata(None, None, None, None, None)
