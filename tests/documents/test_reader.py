"""bot.documents.reader: any submission to a Document, its kind, its cleaning, its budget."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import time
from collections.abc import Callable

import pytest

from bot.core.errors import UserFacingError
from bot.documents.budget import time_budget
from bot.documents.document import MAX_DOCUMENT_CHARS, Document, DocumentError
from bot.documents.html_text import html_to_document
from bot.documents.page_metadata import page_metadata
from bot.documents.reader import load_text
from tests.documents.pages import NEWS

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


# -- the time budget ----------------------------------------------------------------------


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
