"""bot.documents.html_text: a page's main text, without its chrome, within bounds."""

from __future__ import annotations

import time

import pytest

from bot.documents.document import MAX_DOCUMENT_CHARS, DocumentError
from bot.documents.html_text import html_to_document
from tests.documents.pages import BLOG, NEWS, NEWS_LINES, SENTINELS

# -- HTML ---------------------------------------------------------------------------------


def test_news_page_main_text_keeps_paragraphs_and_headings_on_their_own_lines() -> None:
    doc = html_to_document(NEWS, url="https://ledger.example/news/pellham")
    assert [line for line in doc.text.split("\n") if line] == NEWS_LINES
    assert doc.title == "Pellham approves new seawall after record floods"
    assert doc.site_name == "The Coastal Ledger"
    assert doc.kind == "html"
    assert doc.url == "https://ledger.example/news/pellham"
    assert doc.truncated is False


@pytest.mark.parametrize("sentinel", SENTINELS)
def test_news_page_drops_chrome(sentinel: str) -> None:
    assert sentinel not in html_to_document(NEWS).text


def test_fallback_extraction_when_trafilatura_finds_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import trafilatura

    monkeypatch.setattr(trafilatura, "extract", lambda *args, **kwargs: None)
    doc = html_to_document(NEWS)
    lines = [line for line in doc.text.split("\n") if line]
    # The simple extractor also keeps the byline, but none of the page chrome.
    assert lines == [NEWS_LINES[0], "By Mara Quint, local affairs reporter", *NEWS_LINES[1:]]
    for sentinel in SENTINELS:
        assert sentinel not in doc.text
    assert doc.title == "Pellham approves new seawall after record floods"


def test_fallback_extraction_when_trafilatura_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    import trafilatura

    def boom(*args: object, **kwargs: object) -> str:
        raise RuntimeError("extractor bug")

    monkeypatch.setattr(trafilatura, "extract", boom)
    doc = html_to_document("<html><body><p>Budget passes.</p><p>Vote was 7-2.</p></body></html>")
    assert doc.text == "Budget passes.\n\nVote was 7-2."


def test_blog_page_without_semantic_tags() -> None:
    doc = html_to_document(BLOG)
    assert doc.text.split("\n") == [
        "Why the ferry timetable changed",
        "The island ferry now leaves at 07:10 instead of 06:40 because the operator lost one of"
        " its two crews over the winter.",
        "The operator said the earlier sailing will return in April once new crew members"
        " finish their training.",
    ]
    assert "SIDEBAR_SENTINEL" not in doc.text
    assert "SHARE_SENTINEL" not in doc.text
    assert doc.title == "Why the ferry timetable changed"


@pytest.mark.parametrize(
    "html",
    [
        "",
        "   ",
        "<html><body></body></html>",
        "<html><body><nav><a href='/'>Home</a></nav><script>var a = 1;</script>"
        "<footer>(c) 2024 Example</footer></body></html>",
        "<html><body><div class='cookie-banner'>We use cookies.</div></body></html>",
    ],
)
def test_page_without_article_text_is_refused(html: str) -> None:
    with pytest.raises(DocumentError) as info:
        html_to_document(html)
    assert str(info.value) == "That page has no readable article text."


def test_body_class_mentioning_cookies_does_not_hide_the_article() -> None:
    html = (
        "<html><body class='cookie-consent-pending'>"
        "<p>Budget passes in late vote.</p></body></html>"
    )
    assert html_to_document(html).text == "Budget passes in late vote."


def test_pages_with_too_many_elements_are_cut(monkeypatch: pytest.MonkeyPatch) -> None:
    import bot.documents.html_text

    monkeypatch.setattr(bot.documents.html_text, "_MAX_HTML_ELEMENTS", 100)
    html = "<html><body>" + "".join(f"<p>Paragraph {i} text.</p>" for i in range(500)) + "</body>"
    doc = html_to_document(html)
    assert doc.truncated is True
    assert doc.text.split("\n")[0] == "Paragraph 0 text."
    assert "Paragraph 99 text." not in doc.text
    assert len(doc.text.split("\n")) < 100


def test_html_text_is_normalised() -> None:
    html = "<html><body><p>Zero\u200bwidth and \u202eRTL\u202c   spaced\u00a0out</p></body></html>"
    assert html_to_document(html).text == "Zerowidth and RTL spaced out"


@pytest.mark.slow
def test_huge_html_is_bounded() -> None:
    html = "<html><body>" + "<p>Paragraph number text here.</p>\n" * 8_000 + "</body></html>"
    start = time.monotonic()
    doc = html_to_document(html)
    assert doc.text.startswith("Paragraph number text here.")
    assert len(doc.text) <= MAX_DOCUMENT_CHARS
    assert doc.truncated is True
    assert time.monotonic() - start < 5.0


def test_html_element_with_40000_attributes() -> None:
    # libxml2 compares every attribute name with the earlier ones: 19.5 s before.
    attributes = " ".join(f"a{i}=1" for i in range(40_000))
    html = f"<html><body><p {attributes}>Budget passes.</p><p>Vote was 7-2.</p></body></html>"
    assert html_to_document(html).text == "Budget passes.\nVote was 7-2."


@pytest.mark.slow
def test_five_megabytes_of_line_breaks_are_parsed_once_and_cut() -> None:
    # 5.6 s and 525 MB before: the whole page was parsed twice, then walked in Python.
    doc = html_to_document("a<br>" * 1_000_000)
    assert doc.truncated is True
    assert set(doc.text.split("\n")) == {"a"}


def test_title_and_text_come_from_one_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    import bot.documents.html_text
    import bot.documents.html_tree
    import bot.documents.page_metadata

    calls: list[int] = []
    real = bot.documents.html_tree.parse_html

    def counted(html: str, max_elements: int) -> object:
        calls.append(len(html))
        return real(html, max_elements)

    # Wherever a reading stage looks the parser up, every parse is counted.
    for module in (bot.documents.html_text, bot.documents.page_metadata):
        monkeypatch.setattr(module, "parse_html", counted)
    doc = html_to_document(NEWS, url="https://ledger.example/news/pellham")
    assert (doc.title, doc.site_name) == (
        "Pellham approves new seawall after record floods",
        "The Coastal Ledger",
    )
    assert calls == [len(NEWS)]
