"""Turn a submission (pasted text, an uploaded file, a fetched page) into plain text.

Pure functions, no I/O. Claim extraction works line by line, so paragraphs and headings stay
on their own lines while everything invisible or decorative goes: zero-width and bidi
control characters (they hide or reorder text, a known way to smuggle look-alike claims),
page chrome (navigation, cookie banners, captions, scripts) and Markdown syntax.

This is the entry point; the stages live beside it: bytes to text (`decoding`), Markdown
(`markdown_text`), HTML (`html_tree` parses, `html_text` keeps the article,
`page_metadata` reads the head), the cleaning every stage ends with (`normalise`) and what
they give (`document`). trafilatura and lxml are imported lazily so importing this stays
cheap for commands that never see HTML. Every pattern applied to submitted text is linear
however it is built, each page is parsed once, and parsing stops at a size cap. Reading is
still CPU-bound: async callers go through bot.services.parsing, which runs it in a worker
thread within a time budget (`budget.time_budget` makes the stages give up with TOO_COMPLEX).
"""

from __future__ import annotations

import codecs
import urllib.parse

from bot.documents.budget import check_time
from bot.documents.decoding import codec_for_label, decode_document, parse_content_type
from bot.documents.document import (
    MAX_DOCUMENT_CHARS,
    MAX_RAW_TEXT_CHARS,
    Document,
    DocumentError,
    Kind,
)
from bot.documents.html_text import html_to_document
from bot.documents.markdown_text import markdown_title, markdown_to_text
from bot.documents.normalise import cut_at_break, normalise, normalise_tracked
from bot.documents.offsets import SourceMap, TrackedText

__all__ = ["load_text"]

_EXTENSION_KINDS: dict[str, Kind] = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".mdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
}
_TYPE_KINDS: dict[str, Kind] = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/markdown": "markdown",
    "text/x-markdown": "markdown",
}


def _kind_from_name(name: str | None) -> Kind | None:
    if not name:
        return None
    path = urllib.parse.urlsplit(name).path if "://" in name else name
    dot = path.rfind(".")
    return _EXTENSION_KINDS.get(path[dot:].lower()) if dot != -1 else None


def _sniff_kind(text: str) -> Kind:
    head = text[:1024].lstrip("\ufeff \t\r\n").lower()
    if head.startswith(("<!doctype html", "<html")):
        return "html"
    # An XML declaration or a comment may come first; plain text merely mentioning <html> may not.
    if head.startswith(("<?xml", "<!--")) and "<html" in head:
        return "html"
    return "text"


def load_text(
    raw: bytes | str,
    *,
    filename: str | None = None,
    content_type: str | None = None,
    url: str | None = None,
) -> Document:
    """Any submission to a Document; the kind comes from the file name, type, URL or content.

    Precedence: file extension, then a specific content type (HTML/Markdown), then the URL's
    extension (so a `.md` served as text/plain is still Markdown), then sniffing. A
    `charset=` parameter in `content_type` is honoured when decoding bytes.
    """
    mime, charset = parse_content_type(content_type)
    kind = _kind_from_name(filename) or _TYPE_KINDS.get(mime) or _kind_from_name(url)
    codec = codec_for_label(charset) if charset else None
    text = raw if isinstance(raw, str) else decode_document(bytes(raw), codec)
    if not text.strip():
        raise DocumentError("That input is empty.")
    check_time()
    if kind is None:
        kind = "text" if mime == "text/plain" else _sniff_kind(text)
    if kind == "html":
        return html_to_document(text, url=url)

    truncated = len(text) > MAX_RAW_TEXT_CHARS
    text = text[:MAX_RAW_TEXT_CHARS]
    if kind == "text":
        return _plain_document(raw, text, url, truncated)
    title: str | None = None
    if kind == "markdown":
        title = markdown_title(text)
        text = markdown_to_text(text)
    check_time()
    body, cut = cut_at_break(normalise(text), MAX_DOCUMENT_CHARS)
    if not body:
        raise DocumentError("That input is empty.")
    return Document(text=body, title=title, kind=kind, url=url, truncated=truncated or cut)


def _plain_document(raw: bytes | str, text: str, url: str | None, truncated: bool) -> Document:
    """Plain text keeps a map back to the input, so claims can cite it as it was given."""
    check_time()
    tracked = normalise_tracked(TrackedText.of(text))
    body, cut = cut_at_break(tracked.text, MAX_DOCUMENT_CHARS)
    if not body:
        raise DocumentError("That input is empty.")
    tracked = tracked.cut(0, len(body))
    source_map = SourceMap(text, tracked.starts, tracked.ends, _utf8_base(raw, text))
    return Document(
        text=body,
        title=None,
        kind="text",
        url=url,
        truncated=truncated or cut,
        source_map=source_map,
    )


def _utf8_base(raw: bytes | str, text: str) -> int | None:
    """Where `text` starts in `raw` when `raw` is exactly `text` in UTF-8 (after a BOM)."""
    if isinstance(raw, str):
        return None
    base = len(codecs.BOM_UTF8) if raw.startswith(codecs.BOM_UTF8) else 0
    encoded = text.encode("utf-8", "surrogatepass")
    return base if raw[base : base + len(encoded)] == encoded else None
