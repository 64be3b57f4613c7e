"""Tests for bot.documents: text, Markdown and HTML submissions to plain text."""

from __future__ import annotations

import dataclasses
import encodings.aliases
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.errors import UserFacingError
from bot.documents.reader import (
    MAX_DOCUMENT_CHARS,
    Document,
    DocumentError,
    PageMetadata,
    html_to_document,
    load_text,
    markdown_to_text,
    page_metadata,
    parse_content_type,
    text_codec,
    time_budget,
)

FIXTURES = Path(__file__).parent / "fixtures"
NEWS = (FIXTURES / "news_article.html").read_text(encoding="utf-8")
BLOG = (FIXTURES / "blog_post.html").read_text(encoding="utf-8")

NEWS_LINES = [
    "Pellham approves new seawall after record floods",
    "The town council of Pellham voted eleven to two on Monday evening to replace the harbour"
    " seawall, ending a debate that has run since the floods of 2022.",
    "The new wall will cost 12 million euros and will be two metres higher than the structure"
    " it replaces, according to the council's engineering report.",
    "Two winters of flooding",
    "Flood water reached the market square four times in the past two winters, and the harbour"
    " master said repairs to the old wall now cost more each year than the town spends on its"
    " schools.",
    "Residents on Quay Street told the council that insurers had stopped offering flood cover"
    " to homes closest to the water.",
    "What happens next",
    "Construction is expected to start in September and last about eighteen months, the deputy"
    " mayor said after the vote.",
]
SENTINELS = [
    "NAV_SENTINEL",
    "FOOTER_SENTINEL",
    "SCRIPT_SENTINEL",
    "CAPTION_SENTINEL",
    "COOKIE_SENTINEL",
    "RELATED_SENTINEL",
    "Photo:",
    "Accept all",
    "Privacy policy",
    "trackingQueue",
]
BINARY_MESSAGE = "That file looks binary, not text. Send text, Markdown or HTML."


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
    import bot.documents.reader

    monkeypatch.setattr(bot.documents.reader, "_MAX_HTML_ELEMENTS", 100)
    html = "<html><body>" + "".join(f"<p>Paragraph {i} text.</p>" for i in range(500)) + "</body>"
    doc = html_to_document(html)
    assert doc.truncated is True
    assert doc.text.split("\n")[0] == "Paragraph 0 text."
    assert "Paragraph 99 text." not in doc.text
    assert len(doc.text.split("\n")) < 100


def test_html_text_is_normalised() -> None:
    html = "<html><body><p>Zero\u200bwidth and \u202eRTL\u202c   spaced\u00a0out</p></body></html>"
    assert html_to_document(html).text == "Zerowidth and RTL spaced out"


# -- load_text: kinds ---------------------------------------------------------------------------


def test_load_text_html_bytes_by_content_type() -> None:
    doc = load_text(
        NEWS.encode("utf-8"), content_type="text/html; charset=utf-8", url="https://l.example/a"
    )
    assert doc == html_to_document(NEWS, url="https://l.example/a")


@pytest.mark.parametrize(
    ("kwargs", "kind"),
    [
        ({"filename": "notes.md"}, "markdown"),
        ({"filename": "NOTES.MARKDOWN"}, "markdown"),
        ({"filename": "notes.txt"}, "text"),
        ({"filename": "page.htm"}, "html"),
        ({"filename": "page.html", "content_type": "text/plain"}, "html"),
        ({"content_type": "text/markdown; charset=utf-8"}, "markdown"),
        ({"content_type": "text/html"}, "html"),
        ({"content_type": "application/xhtml+xml"}, "html"),
        ({"content_type": "text/plain", "url": "https://raw.example/README.md"}, "markdown"),
        ({"content_type": "text/plain", "url": "https://example.com/page"}, "text"),
        ({}, "text"),
    ],
)
def test_kind_detection(kwargs: dict[str, str], kind: str) -> None:
    raw = b"<html><body><p># Heading words</p></body></html>" if kind == "html" else b"# Hi\n\nyo"
    assert load_text(raw, **kwargs).kind == kind


@pytest.mark.parametrize(
    "head",
    [
        "<!DOCTYPE html>",
        "<!doctype HTML>",
        "  \n<html lang='en'>",
        "\ufeff<html>",
        "<?xml version='1.0'?><html>",
        "<!-- saved page --><html>",
    ],
)
def test_html_is_sniffed(head: str) -> None:
    doc = load_text((head + "<body><p>Sniffed page text.</p></body></html>").encode("utf-8"))
    assert doc.kind == "html"
    assert doc.text == "Sniffed page text."


def test_text_mentioning_html_tags_stays_text() -> None:
    doc = load_text(b"Tip: every page starts with <html> and ends with </html>.")
    assert doc.kind == "text"
    assert doc.text == "Tip: every page starts with <html> and ends with </html>."


def test_plain_text_document() -> None:
    doc = load_text("First line.\nSecond line.", url="https://x.example/t")
    assert doc == Document(
        text="First line.\nSecond line.",
        title=None,
        kind="text",
        url="https://x.example/t",
        site_name=None,
        truncated=False,
    )


def test_markdown_document_gets_title_and_plain_text() -> None:
    doc = load_text(b"# The *Seawall* Vote\n\nCouncil voted **11-2**.\n", filename="vote.md")
    assert doc.text == "The Seawall Vote\n\nCouncil voted 11-2."
    assert doc.title == "The Seawall Vote"
    assert doc.kind == "markdown"


def test_markdown_setext_title() -> None:
    assert load_text("Ferry News\n==========\n\nBody.", filename="a.md").title == "Ferry News"


# -- load_text: bytes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "what"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "a PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a PNG image"),
        (b"PK\x03\x04\x14\x00\x06\x00", "a ZIP archive or Office document"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "a JPEG image"),
        (b"GIF89a\x01\x00", "a GIF image"),
        (b"\x1f\x8b\x08\x00", "a gzip archive"),
        (b"\x7fELF\x02\x01\x01", "a program"),
    ],
)
def test_known_binary_formats_are_refused(raw: bytes, what: str) -> None:
    with pytest.raises(DocumentError) as info:
        load_text(raw, filename="upload.txt")
    assert (
        str(info.value)
        == f"That file looks binary ({what}), not text. Send text, Markdown or HTML."
    )


@pytest.mark.parametrize(
    "raw",
    [b"abc\x00def", bytes(range(1, 32)) * 20, b"\x01\x02\x03\x04\x05 text \x06\x07\x08\x0e\x0f"],
)
def test_nul_bytes_and_control_heavy_bytes_are_binary(raw: bytes) -> None:
    with pytest.raises(DocumentError) as info:
        load_text(raw)
    assert str(info.value) == BINARY_MESSAGE


def test_text_starting_like_a_magic_word_is_still_text() -> None:
    assert load_text(b"ID3 tags are metadata in MP3 files.").text == (
        "ID3 tags are metadata in MP3 files."
    )


@pytest.mark.parametrize("raw", [b"", b"   \n\t ", "", "  \n\n "])
def test_empty_input_is_refused(raw: bytes | str) -> None:
    with pytest.raises(DocumentError) as info:
        load_text(raw)
    assert str(info.value) == "That input is empty."


def test_invisible_only_input_is_empty() -> None:
    with pytest.raises(DocumentError) as info:
        load_text("\u200b\u200d\ufeff\u202e")
    assert str(info.value) == "That input is empty."


def test_invalid_utf8_in_mostly_utf8_text_becomes_replacement_characters() -> None:
    doc = load_text(b"caf\xc3\xa9 and \xff and na\xc3\xafve")
    assert doc.text == "café and \ufffd and naïve"


def test_cp1252_text_is_decoded() -> None:
    doc = load_text("“Smart quotes” cost €5 in Café Crème".encode("cp1252"))
    assert doc.text == "“Smart quotes” cost €5 in Café Crème"


def test_utf8_bom_and_utf16_are_decoded() -> None:
    assert load_text(b"\xef\xbb\xbfhello").text == "hello"
    assert load_text("hé there".encode("utf-16")).text == "hé there"
    assert load_text("hé there".encode("utf-32")).text == "hé there"


def test_content_type_charset_is_honoured() -> None:
    raw = "Привет мир".encode("koi8-r")
    assert load_text(raw, content_type="text/plain; charset=KOI8-R").text == "Привет мир"
    latin = "café".encode("latin-1")
    assert load_text(latin, content_type='text/plain; charset="ISO-8859-1"').text == "café"
    assert load_text(b"ok", content_type="text/plain; charset=no-such-codec").text == "ok"


def test_html_meta_charset_is_used_when_bytes_are_not_utf8() -> None:
    raw = (
        b"<!DOCTYPE html><html><head><meta charset='windows-1251'></head>"
        b"<body><p>\xcf\xf0\xe8\xe2\xe5\xf2 \xec\xe8\xf0</p></body></html>"
    )
    assert load_text(raw).text == "Привет мир"


# Labels Python's codecs.lookup accepts that name no character set: host-name codecs, codecs
# that raise even with errors="replace", byte-to-byte transforms, escape decoders and UTF-7.
NOT_CHARSETS = [
    "idna",
    "punycode",
    "undefined",
    "rot13",
    "rot_13",
    "base64",
    "hex",
    "zlib",
    "uu",
    "bz2",
    "quopri",
    "unicode-escape",
    "raw-unicode-escape",
    "utf-7",
    "UTF7",
]


@pytest.mark.parametrize("label", NOT_CHARSETS)
def test_a_label_that_names_no_text_encoding_is_refused(label: str) -> None:
    assert text_codec(label) is None


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("utf-8", "utf-8"),
        (" UTF-8 ", "utf-8"),
        ("Windows-1251", "cp1251"),
        ("iso-8859-1", "iso8859-1"),
        ("koi8-r", "koi8-r"),
        ("shift_jis", "shift_jis"),
        ("utf-16", "utf-16"),
        ("no-such-codec", None),
        ("", None),
    ],
)
def test_text_codec_names_the_codec_of_a_real_charset(label: str, codec: str | None) -> None:
    assert text_codec(label) == codec


@pytest.mark.parametrize("label", NOT_CHARSETS)
def test_a_content_type_charset_that_is_no_text_encoding_falls_back_to_sniffing(
    label: str,
) -> None:
    utf8 = "Café +ADw-b+AD4- \\u0041 costs 4 €".encode()
    assert load_text(utf8, content_type=f"text/plain; charset={label}").text == (
        "Café +ADw-b+AD4- \\u0041 costs 4 €"
    )
    cp1252 = "Le café coûte 4 €".encode("cp1252")
    assert load_text(cp1252, content_type=f"text/plain; charset={label}").text == (
        "Le café coûte 4 €"
    )


@pytest.mark.parametrize("label", NOT_CHARSETS)
def test_a_meta_charset_that_is_no_text_encoding_falls_back_to_sniffing(label: str) -> None:
    raw = (
        f"<!DOCTYPE html><html><head><meta charset='{label}'></head>"
        "<body><p>Le prix du café a augmenté de 4 % en 2024.</p></body></html>"
    ).encode("cp1252")
    assert load_text(raw).text == "Le prix du café a augmenté de 4 % en 2024."


ALL_CODEC_LABELS = sorted(set(encodings.aliases.aliases) | set(encodings.aliases.aliases.values()))


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(
    st.one_of(st.sampled_from(ALL_CODEC_LABELS + NOT_CHARSETS), st.text(max_size=20)),
    st.binary(max_size=512),
)
def test_property_any_declared_charset_gives_a_document_or_a_document_error(
    label: str, raw: bytes
) -> None:
    for content_type, body in (
        (f"text/plain; charset={label}", raw),
        ("text/html", b"<html><head><meta charset='" + label.encode() + b"'></head>" + raw),
    ):
        try:
            doc = load_text(body, content_type=content_type)
        except DocumentError:
            continue
        assert "\x00" not in doc.text


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2048))
def test_property_any_bytes_give_a_document_or_a_document_error(raw: bytes) -> None:
    try:
        doc = load_text(raw)
    except DocumentError:
        return
    assert doc.text == doc.text.strip()
    assert "\r" not in doc.text
    assert "\x00" not in doc.text


# -- normalisation -------------------------------------------------------------------------------

INVISIBLES = [
    "\u200b",
    "\u200c",
    "\u200d",
    "\u2060",
    "\ufeff",
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\u200e",
    "\u200f",
]


@pytest.mark.parametrize("char", INVISIBLES)
def test_zero_width_and_bidi_controls_are_stripped(char: str) -> None:
    assert load_text(f"The vote{char} was 11{char}-2.").text == "The vote was 11-2."


def test_rtl_override_spoof_is_neutralised() -> None:
    # "\u202e" would display "fdp.exe" reversed; the stored text is the logical order, no control.
    assert load_text("invoice\u202efdp.exe".encode()).text == "invoicefdp.exe"


def test_line_structure_is_kept_while_spaces_collapse() -> None:
    raw = "  Heading  \r\n\r\nFirst   paragraph\tline.\r\n\r\n\r\n\r\nSecond\u00a0 paragraph.  \n"
    assert load_text(raw).text == "Heading\n\nFirst paragraph line.\n\nSecond paragraph."


def test_text_is_nfc_normalised() -> None:
    assert load_text("Cafe\u0301").text == "Caf\u00e9"


def test_huge_text_is_cut_quickly() -> None:
    raw = ("word " * 2_000_000).encode("ascii")  # 10 MB
    start = time.monotonic()
    doc = load_text(raw)
    elapsed = time.monotonic() - start
    assert doc.truncated is True
    assert doc.text == ("word " * 40_000)[:-1]
    assert len(doc.text) == MAX_DOCUMENT_CHARS - 1
    assert elapsed < 2.0


def test_text_at_the_limit_is_not_truncated() -> None:
    raw = "x" * MAX_DOCUMENT_CHARS
    doc = load_text(raw)
    assert doc.truncated is False
    assert doc.text == raw


@pytest.mark.slow
def test_huge_html_is_bounded() -> None:
    html = "<html><body>" + "<p>Paragraph number text here.</p>\n" * 8_000 + "</body></html>"
    start = time.monotonic()
    doc = html_to_document(html)
    assert doc.text.startswith("Paragraph number text here.")
    assert len(doc.text) <= MAX_DOCUMENT_CHARS
    assert doc.truncated is True
    assert time.monotonic() - start < 5.0


# -- Markdown ------------------------------------------------------------------------------------

MARKDOWN = """\
---
title: front matter is dropped
---
# The *Seawall* Vote #

Some **bold**, __strong__, _em_, *em* and ***both*** with a [link](https://x.test/a_(b) "t").
An image ![alt text](pic.png) disappears, `co*de*` stays literal, ~~gone~~ strikes.
A [reference][ref] link, an <https://auto.example/x> autolink, \\*escaped\\* stars, AT&amp;T.

> Quoted claim
> > nested quote

1. first item
2) second item
- [x] done task
* star item
+ plus item

Setext Heading
--------------

<!-- a comment
over two lines -->
| City | Votes |
|------|------:|
| Pellham | 11 |

***

snake_case_name and 2 * 3 * 4 stay as they are.
```python
x = 1  # *not emphasis*
```
[ref]: https://example.com/ref
"""


def test_markdown_to_text() -> None:
    assert [line for line in markdown_to_text(MARKDOWN).split("\n") if line] == [
        "The Seawall Vote",
        "Some bold, strong, em, em and both with a link.",
        "An image  disappears, co*de* stays literal, gone strikes.",
        "A reference link, an https://auto.example/x autolink, *escaped* stars, AT&T.",
        "Quoted claim",
        "nested quote",
        "first item",
        "second item",
        "done task",
        "star item",
        "plus item",
        "Setext Heading",
        "City | Votes",
        "Pellham | 11",
        "snake_case_name and 2 * 3 * 4 stay as they are.",
        "x = 1  # *not emphasis*",
    ]


def test_markdown_keeps_blank_line_structure() -> None:
    assert markdown_to_text("# A\n\npara one\n\n## B\npara two") == "A\n\npara one\n\nB\npara two"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_property_markdown_never_raises_and_keeps_line_count_bounded(md: str) -> None:
    out = markdown_to_text(md)
    assert isinstance(out, str)
    assert out.count("\n") <= md.count("\n") + md.count("\r") + md.count("\u2028") + md.count(
        "\u2029"
    ) + md.count("\x0b") + md.count("\x0c") + md.count("\x85")


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


# -- API shape -------------------------------------------------------------------------------------


def test_document_error_is_user_facing_and_a_value_error() -> None:
    assert issubclass(DocumentError, ValueError)
    assert issubclass(DocumentError, UserFacingError)


def test_document_is_frozen() -> None:
    doc = load_text("x")
    with pytest.raises(dataclasses.FrozenInstanceError):
        doc.text = "y"  # type: ignore[misc]


def test_importing_documents_does_not_import_trafilatura_or_lxml() -> None:
    code = (
        "import sys, bot.documents; "
        "print('trafilatura' in sys.modules, any(m.startswith('lxml') for m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "False False"


# -- hostile documents: every formerly slow input, at a size where the old code took seconds ---


def test_markdown_unclosed_autolinks_are_read_in_linear_time() -> None:
    # Each `<http:` was scanned to the end of the line: 18 s for these 96 KB.
    raw = "<http:" * 16_000
    assert load_text(raw.encode(), filename="a.md").text == raw


def test_markdown_autolinks_still_lose_their_brackets() -> None:
    assert markdown_to_text("see <https://a.example/x> and <http:<https://b.example>") == (
        "see https://a.example/x and <http:https://b.example"
    )


@pytest.mark.parametrize(
    ("line", "text"),
    [
        (" " * 32_000 + "x", "x"),  # 26 s before
        ("|---" + " " * 32_000 + "x", "|--- x"),  # 12 s before
        ("| --- |" + " " * 32_000 + "x", "| --- | x"),
    ],
)
def test_markdown_table_rule_pattern_is_linear(line: str, text: str) -> None:
    assert load_text(line, filename="a.md").text == text


def test_markdown_table_rules_are_still_dropped() -> None:
    md = "| a | b |\n|:---|---:|\n  |---| \n---|---\n| c | d |"
    assert markdown_to_text(md) == "a | b\nc | d"


def test_markdown_of_many_short_lines() -> None:
    # 100,000 lines took 4.4 s: every line went through every pattern.
    assert load_text("a\n" * 100_000, filename="a.md").text == "\n".join(["a"] * 100_000)


def test_markdown_fences_close_only_on_a_long_enough_fence_of_the_same_mark() -> None:
    md = "````\n```\n~~~~\n    ````\n  `````  \nafter *em*"
    assert markdown_to_text(md) == "```\n~~~~\n    ````\n\nafter em"


def test_html_element_with_40000_attributes() -> None:
    # libxml2 compares every attribute name with the earlier ones: 19.5 s before.
    attributes = " ".join(f"a{i}=1" for i in range(40_000))
    html = f"<html><body><p {attributes}>Budget passes.</p><p>Vote was 7-2.</p></body></html>"
    assert html_to_document(html).text == "Budget passes.\nVote was 7-2."


def test_crowded_tags_keep_their_first_256_attributes() -> None:
    from bot.documents.reader import _cap_attributes

    def names(count: int, sep: str = " ") -> str:
        return sep.join(f"a{i}" for i in range(count))

    assert _cap_attributes(f"<p {names(300)}>x</p>") == f"<p {names(256)}>x</p>"
    assert _cap_attributes(f"<p/{names(300, '/')}>x") == f"<p/{names(256, '/')}>x"
    quoted = " ".join(f"a{i}='<>'" for i in range(300))
    assert (
        _cap_attributes(f"<P {quoted}>x")
        == "<P " + " ".join(f"a{i}='<>'" for i in range(256)) + ">x"
    )
    # A raw-text element's content is text to the parser: a tag inside a quote there is
    # still a tag once the element ends.
    html = f"<script {names(300)}>a<b y='</script><p {names(300)}>z"
    assert _cap_attributes(html) == f"<script {names(256)}>a<b y='</script><p {names(256)}>z"
    assert _cap_attributes(f"<b x='<p {names(300)}>'>") == f"<b x='<p {names(300)}>'>"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="<>/=\"' \nabp!-?", max_size=400))
def test_property_pages_without_crowded_tags_are_left_alone(html: str) -> None:
    from bot.documents.reader import _cap_attributes

    assert _cap_attributes(html) == html


@pytest.mark.slow
def test_five_megabytes_of_line_breaks_are_parsed_once_and_cut() -> None:
    # 5.6 s and 525 MB before: the whole page was parsed twice, then walked in Python.
    doc = html_to_document("a<br>" * 1_000_000)
    assert doc.truncated is True
    assert set(doc.text.split("\n")) == {"a"}


def test_title_and_text_come_from_one_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    import bot.documents.reader

    calls: list[int] = []
    real = bot.documents.reader._parse_html

    def counted(html: str, max_elements: int) -> object:
        calls.append(len(html))
        return real(html, max_elements)

    monkeypatch.setattr(bot.documents.reader, "_parse_html", counted)
    doc = html_to_document(NEWS, url="https://ledger.example/news/pellham")
    assert (doc.title, doc.site_name) == (
        "Pellham approves new seawall after record floods",
        "The Coastal Ledger",
    )
    assert calls == [len(NEWS)]


@pytest.mark.parametrize(
    "read",
    [
        lambda: load_text("Plain words."),
        lambda: load_text("# Title\n\nWords.", filename="a.md"),
        lambda: load_text(NEWS, content_type="text/html"),
        lambda: page_metadata(NEWS),
    ],
)
def test_a_spent_time_budget_ends_in_a_clear_error(read: Callable[[], object]) -> None:
    with pytest.raises(DocumentError) as info, time_budget(-1.0):
        read()
    assert str(info.value) == "That document is too complex to read."


def test_the_time_budget_ends_with_its_block() -> None:
    with time_budget(-1.0):
        pass
    assert load_text("Plain words.").text == "Plain words."


def test_one_huge_text_node_is_cut_before_extraction() -> None:
    from bot.documents.reader import _parse_html, _trim

    parsed = _parse_html("<p>" + "word " * 200_000 + "</p><p>after</p>", 100)
    assert parsed is not None
    tree, cut = parsed
    assert cut is False
    assert _trim(tree, 1_000, 100) is True
    assert tree.xpath("string(/)") == ("word " * 200)


@pytest.mark.parametrize(
    ("header", "parsed"),
    [
        (None, ("", None)),
        ("", ("", None)),
        ("Text/HTML", ("text/html", None)),
        ('text/html; Charset="ISO-8859-1"', ("text/html", "iso-8859-1")),
        ("text/plain; format=flowed; charset=utf-8", ("text/plain", "utf-8")),
        ("text/plain; charset=no-such-codec", ("text/plain", None)),
        ("text/plain; charset=no-such-codec; charset=koi8-r", ("text/plain", "koi8-r")),
        ("text/html; charset=idna", ("text/html", "idna")),
    ],
)
def test_one_content_type_parser_for_pages_and_documents(
    header: str | None, parsed: tuple[str, str | None]
) -> None:
    """The fetcher and `load_text` read a Content-Type the same way: the label is kept as
    declared (lowercased), and whether it is a text encoding is decided when decoding."""
    assert parse_content_type(header) == parsed
