"""Turn a submission (pasted text, an uploaded file, a fetched page) into plain text.

Pure functions, no I/O. Claim extraction works line by line, so paragraphs and headings stay
on their own lines while everything invisible or decorative goes: zero-width and bidi
control characters (they hide or reorder text, a known way to smuggle look-alike claims),
page chrome (navigation, cookie banners, captions, scripts) and Markdown syntax.

trafilatura and lxml are imported lazily so importing this module stays cheap for commands
that never see HTML. Every pattern applied to submitted text is linear however it is built,
each page is parsed once, and parsing stops at a size cap. Reading is still CPU-bound: async
callers go through bot.parsing, which runs it in a worker thread within a time budget
(`time_budget` here makes the stages give up with TOO_COMPLEX).
"""

from __future__ import annotations

import codecs
import copy
import functools
import html as html_lib
import importlib
import math
import re
import time
import unicodedata
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from bot.core.errors import UserFacingError
from bot.core.text import clip_line
from bot.documents.offsets import SourceMap, TrackedText

__all__ = [
    "MAX_DOCUMENT_CHARS",
    "TOO_COMPLEX",
    "Document",
    "DocumentError",
    "PageMetadata",
    "SourceMap",
    "html_to_document",
    "load_text",
    "markdown_to_text",
    "page_metadata",
    "time_budget",
]

MAX_DOCUMENT_CHARS = 200_000
# Work done before the final cut is bounded too: normalising never sees more than this many
# characters of text, and HTML parsing never more than MAX_HTML_CHARS.
_MAX_RAW_TEXT_CHARS = 4 * MAX_DOCUMENT_CHARS
MAX_HTML_CHARS = 5_000_000
# Elements parsed, then elements left for extraction after the page chrome is pruned: trafilatura
# costs about 0.1 ms per element, and the kept text is capped far lower anyway.
_MAX_PARSED_ELEMENTS = 30_000
_MAX_HTML_ELEMENTS = 5_000
# Above this many elements trafilatura runs without its readability/jusText fallbacks, whose
# cost is quadratic in the number of paragraphs.
_FULL_EXTRACTION_MAX_ELEMENTS = 1_500
METADATA_SCAN_CHARS = 1_000_000
_METADATA_MAX_CHARS = 200_000
_METADATA_MAX_ELEMENTS = 2_000

# libxml2 compares each attribute name with every earlier one in the same tag (quadratic):
# a tag keeps this many, far more than any real page uses.
_MAX_ATTRIBUTES_PER_TAG = 256
# The HTML is fed to the parser in pieces so that it can stop at the element cap.
_FEED_CHUNK_CHARS = 16_384
TOO_COMPLEX = "That document is too complex to read."

Kind = Literal["text", "markdown", "html"]


@dataclass(frozen=True, slots=True)
class Document:
    """Plain text ready for claim extraction, plus what we know about where it came from."""

    text: str
    title: str | None
    kind: Kind
    url: str | None = None
    site_name: str | None = None
    truncated: bool = False
    #: spans of `text` back in the input as given; plain text only (markup is rewritten)
    source_map: SourceMap | None = field(default=None, compare=False, repr=False)

    def input_span(self, start: int, end: int) -> tuple[int, int] | None:
        """`text[start:end]` as a span of the input as given (the decoded submission); None
        for Markdown and HTML, whose markup the reader rewrote, and for an empty span."""
        if self.source_map is None or not 0 <= start < end <= len(self.text):
            return None
        return self.source_map.span(start, end)


class DocumentError(UserFacingError, ValueError):
    """The submission can't be turned into text; `str(exc)` is meant for the user."""


@dataclass(frozen=True, slots=True)
class PageMetadata:
    """What an evidence link says about itself; `published` is an ISO date (YYYY-MM-DD)."""

    title: str | None
    site_name: str | None
    canonical_url: str | None
    published: str | None
    description: str | None


# -- time budget ---------------------------------------------------------------------------

# When the current parse must give up (time.monotonic()); set by `time_budget`, per thread/task.
_deadline: ContextVar[float] = ContextVar("document_deadline", default=math.inf)


@contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Parsing inside this block raises DocumentError(TOO_COMPLEX) once `seconds` have passed.

    Checked between stages and every few hundred lines: every stage is linear, so a check is
    never far away, and a document that still takes too long gets an answer, not a hang.
    """
    token = _deadline.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _deadline.reset(token)


def _check_time() -> None:
    if time.monotonic() > _deadline.get():
        raise DocumentError(TOO_COMPLEX)


# -- normalisation -----------------------------------------------------------------------

# Zero-width characters, bidi embeddings/overrides/isolates and marks, soft hyphen.
_INVISIBLE_RE = re.compile(
    "[\u200b-\u200f\u2060\ufeff\u202a-\u202e\u2066-\u2069\u061c\u00ad]"
    # C0 controls except tab/newline/CR/FF/VT, DEL and C1 controls (NEL is a line break).
    "|[\x00-\x08\x0e-\x1f\x7f\x80-\x84\x86-\x9f]"
)
_LINE_BREAKS_RE = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
_SPACES_RE = re.compile("[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_SPACE_AROUND_NEWLINE_RE = re.compile(" ?\n ?")
_BLANK_RUNS_RE = re.compile("\n{3,}")


def _normalise(text: str) -> str:
    """NFC, no invisible characters, LF line ends, single spaces, at most one blank line."""
    text = _LINE_BREAKS_RE.sub("\n", text)
    text = _INVISIBLE_RE.sub("", text)
    text = unicodedata.normalize("NFC", text)
    text = _SPACES_RE.sub(" ", text)
    text = _SPACE_AROUND_NEWLINE_RE.sub("\n", text)
    text = _BLANK_RUNS_RE.sub("\n\n", text)
    return text.strip()


# The same steps for a text whose offsets are tracked, each a one-for-one replacement or a
# deletion of single characters (linear however many; see TrackedText.delete).
_SPACE_CHAR_RE = re.compile("[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_LINE_BREAK_CHAR_RE = re.compile("[\r\x0b\x0c\x85\u2028\u2029]")
_CR_BEFORE_LF_RE = re.compile("\r(?=\n)")
_REPEATED_SPACE_RE = re.compile("(?<= ) ")
_SPACE_BY_NEWLINE_RE = re.compile(" (?=\n)|(?<=\n) ")
_EXTRA_BLANK_LINE_RE = re.compile("(?<=\n\n)\n")


def _normalise_tracked(text: TrackedText) -> TrackedText:
    """`_normalise`, keeping where each character came from (a test holds them equal)."""
    text = text.delete(_CR_BEFORE_LF_RE).replace(_LINE_BREAK_CHAR_RE, "\n")
    text = text.delete(_INVISIBLE_RE)
    text = text.nfc()
    text = text.replace(_SPACE_CHAR_RE, " ").delete(_REPEATED_SPACE_RE)
    text = text.delete(_SPACE_BY_NEWLINE_RE)
    text = text.delete(_EXTRA_BLANK_LINE_RE)
    return text.strip()


def _one_line(value: str | None, limit: int) -> str | None:
    """A metadata value on one line, cleaned like document text and capped."""
    if value is None:
        return None
    return clip_line(_normalise(str(value)), limit) or None


def _cut(text: str, limit: int) -> tuple[str, bool]:
    """Cut to `limit` characters, at a line or word break when one is near the end."""
    if len(text) <= limit:
        return text, False
    head = text[:limit]
    brk = max(head.rfind("\n"), head.rfind(" "))
    if brk > limit - 2000:
        head = head[:brk]
    return head.rstrip(), True


# -- bytes to str ---------------------------------------------------------------------------

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"PK\x03\x04", "a ZIP archive or Office document"),
    (b"PK\x05\x06", "a ZIP archive"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office document"),
    (b"\x7fELF", "a program"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"OggS", "an audio file"),
    (b"ID3\x02", "an audio file"),
    (b"ID3\x03", "an audio file"),
    (b"ID3\x04", "an audio file"),
    (b"fLaC", "an audio file"),
    (b"\x00asm", "a program"),
)
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_DECLARED_CHARSET_RE = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)"""
    rb"""|<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.\-]+)""",
    re.IGNORECASE,
)
# Per the WHATWG Encoding standard these labels mean windows-1252 on the web.
_CP1252_LABELS = frozenset({"iso-8859-1", "iso8859-1", "latin1", "latin-1", "us-ascii", "ascii"})
_CONTROL_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f]")


def _binary_kind(raw: bytes) -> str | None:
    for magic, name in _MAGIC:
        if raw.startswith(magic):
            return name
    if raw[4:8] == b"ftyp":
        return "a video or image file"
    if raw.startswith(b"RIFF") and raw[8:12] in (b"WEBP", b"WAVE", b"AVI "):
        return "a media file"
    return None


def _binary_error(kind: str | None = None) -> DocumentError:
    what = f" ({kind})" if kind else ""
    return DocumentError(f"That file looks binary{what}, not text. Send text, Markdown or HTML.")


def _declared_charset(raw: bytes) -> str | None:
    match = _DECLARED_CHARSET_RE.search(raw[:4096])
    if not match:
        return None
    return _codec_for_label((match.group(1) or match.group(2)).decode("ascii"))


def parse_content_type(value: str | None) -> tuple[str, str | None]:
    """A Content-Type as (media type, charset label), both lowercased: the one parser for
    fetched pages and submitted documents. The label is the first `charset=` Python has a
    codec for; whether that codec is a text encoding is `text_codec`'s call."""
    if not value:
        return "", None
    mime, _, params = value.partition(";")
    for param in params.split(";"):
        key, _, label = param.partition("=")
        if key.strip().lower() != "charset":
            continue
        name = label.strip().strip("\"'").lower()
        try:
            codecs.lookup(name)
        except (LookupError, ValueError):
            continue
        return mime.strip().lower(), name
    return mime.strip().lower(), None


# Codecs Python finds by name that are no page's character set: host-name codecs that raise
# even with errors="replace", escape-sequence decoders, and UTF-7 (which browsers refuse
# because it smuggles markup past filters). Byte-to-byte codecs fail the probe below.
_NOT_CHARSETS = frozenset(
    {"idna", "punycode", "undefined", "unicode-escape", "raw-unicode-escape", "utf-7"}
)
# Valid UTF-8, an invalid byte, and a lone lead byte: a charset decodes all of it, replacing.
_CHARSET_PROBE = b"<meta> caf\xc3\xa9 \xff\xfe\x80 \xe9"


@functools.lru_cache(maxsize=256)
def text_codec(label: str) -> str | None:
    """The Python codec for a declared charset, or None when the label names no text
    encoding: the one rule for every decoder, so a hostile label falls back to sniffing."""
    try:
        name = codecs.lookup(label.strip().lower()).name
    except (LookupError, ValueError):
        return None
    if name in _NOT_CHARSETS:
        return None
    try:
        _CHARSET_PROBE.decode(name, errors="replace")
    except Exception:  # a codec that cannot decode arbitrary bytes is no charset
        return None
    return name


def _codec_for_label(label: str) -> str | None:
    label = label.strip().lower()
    if label in _CP1252_LABELS:
        return "cp1252"
    name = text_codec(label)
    # A page cannot really be UTF-16/32 if its bytes contain an ASCII meta tag.
    return None if name is None or name.startswith(("utf-16", "utf-32")) else name


def decode_fetched(raw: bytes, charset: str | None) -> str:
    """A fetched page's bytes to text, never raising: a byte-order mark, the declared
    charset when it is a text codec, UTF-8, then the same sniffing as documents."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            return raw.decode(encoding, errors="replace")
    codec = _codec_for_label(charset) if charset else None
    if codec and codec != "utf-8":
        return raw.decode(codec, errors="replace")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return _decode_legacy(raw)


def _decode(raw: bytes, charset: str | None = None) -> str:
    """Bytes to text, refusing anything that is not text; invalid UTF-8 never raises.

    Order: byte-order mark, the transport's declared charset, strict UTF-8, an HTML/XML
    declared charset, then a UTF-8-with-errors versus windows-1252 guess.
    """
    if not raw.strip():
        raise DocumentError("That input is empty.")
    kind = _binary_kind(raw)
    if kind:
        raise _binary_error(kind)
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError:
                raise _binary_error() from None
    if b"\x00" in raw:
        raise _binary_error()
    if charset and charset != "utf-8":
        text = raw.decode(charset, errors="replace")
    else:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = _decode_legacy(raw)
    sample = text[:65_536]
    if len(_CONTROL_RE.findall(sample)) * 20 > len(sample):
        raise _binary_error()
    return text


def decode_text(raw: bytes) -> str:
    """Bytes to text as a submitted file is read (binary refused, the encoding detected):
    the command line reads its files and standard input with it too."""
    return _decode(raw)


def _decode_legacy(raw: bytes) -> str:
    declared = _declared_charset(raw)
    if declared and declared != "utf-8":
        return raw.decode(declared, errors="replace")
    replaced = raw.decode("utf-8", errors="replace")
    errors = replaced.count("\ufffd") - raw.count(b"\xef\xbf\xbd")
    # Extra bytes that valid multi-byte UTF-8 characters took (U+FFFD itself takes 2 extra).
    valid_multibyte = len(replaced.encode("utf-8")) - len(replaced) - 2 * replaced.count("\ufffd")
    if valid_multibyte >= errors:
        return replaced  # UTF-8 with a few broken bytes
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


# -- kind detection ---------------------------------------------------------------------------

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
    codec = _codec_for_label(charset) if charset else None
    text = raw if isinstance(raw, str) else _decode(bytes(raw), codec)
    if not text.strip():
        raise DocumentError("That input is empty.")
    _check_time()
    if kind is None:
        kind = "text" if mime == "text/plain" else _sniff_kind(text)
    if kind == "html":
        return html_to_document(text, url=url)

    truncated = len(text) > _MAX_RAW_TEXT_CHARS
    text = text[:_MAX_RAW_TEXT_CHARS]
    if kind == "text":
        return _plain_document(raw, text, url, truncated)
    title: str | None = None
    if kind == "markdown":
        title = _markdown_title(text)
        text = markdown_to_text(text)
    _check_time()
    body, cut = _cut(_normalise(text), MAX_DOCUMENT_CHARS)
    if not body:
        raise DocumentError("That input is empty.")
    return Document(text=body, title=title, kind=kind, url=url, truncated=truncated or cut)


def _plain_document(raw: bytes | str, text: str, url: str | None, truncated: bool) -> Document:
    """Plain text keeps a map back to the input, so claims can cite it as it was given."""
    _check_time()
    tracked = _normalise_tracked(TrackedText.of(text))
    body, cut = _cut(tracked.text, MAX_DOCUMENT_CHARS)
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


# -- Markdown ---------------------------------------------------------------------------------

_HTML_COMMENT_RE = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_FRONT_MATTER_RE = re.compile(r"\A---\n.*?\n(?:---|\.\.\.)\n", re.DOTALL)
_FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_SETEXT_RE = re.compile(r"^ {0,3}(?:=+|-+) *$")
_THEMATIC_RE = re.compile(r"^ {0,3}(?:(?:\* *){3,}|(?:- *){3,}|(?:_ *){3,})$")
_REF_DEF_RE = re.compile(r"^ {0,3}\[[^\]]+\]: *\S+")
_BLOCKQUOTE_RE = re.compile(r"^ {0,3}(?:> ?)+")
_ATX_RE = re.compile(r"^ {0,3}#{1,6}(?: +(.*))?$")
_LIST_RE = re.compile(r"^ *(?:[-*+]|\d{1,9}[.)]) +(?:\[[ xX]\] +)?")
# Possessive everywhere: with plain ` *\|? *` a line of spaces splits two ways per space.
_TABLE_RULE_RE = re.compile(r"^ *+\|? *+:?-{3,}+:? *+(?:\| *+:?-{3,}+:? *+)*+\|? *+$")
_TITLE_ATX_RE = re.compile(r"^ {0,3}# +(.*)$")
_TITLE_SETEXT_RE = re.compile(r"^ {0,3}=+ *$")
# A line whose first non-space character is none of these is a paragraph line.
_BLOCK_MARKS = frozenset("`~=-*_[>#|+0123456789")
# ... and a line with none of these has no inline Markdown either (the last range: _PROTECT).
_INLINE_MARKS_RE = re.compile("[\\\\`!\\[\\]<*_~&\ue000-\ue0ff]")

_ESCAPABLE = "\\`*_{}[]()#+-.!|~<>&"
_PROTECT = {ch: chr(0xE000 + i) for i, ch in enumerate(_ESCAPABLE)}
_PROTECT_TABLE = str.maketrans(_PROTECT)
_RESTORE_TABLE = str.maketrans({v: k for k, v in _PROTECT.items()})
_ESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|~<>&])")
# Possessive `++` and the lookbehinds keep every pattern linear on hostile input.
_CODE_SPAN_RE = re.compile(r"(?<!`)(`++)([^`]+)\1(?!`)")
_LINK_TARGET = r"\((?:[^()\s]|\([^()\s]*\))*(?: +(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))? *\)"
_IMAGE_RE = re.compile(r"!\[[^\[\]]*\](?:" + _LINK_TARGET + r"|\[[^\[\]]*\])")
_LINK_RE = re.compile(r"\[([^\[\]]*)\]" + _LINK_TARGET)
_REF_LINK_RE = re.compile(r"\[([^\[\]]+)\]\[[^\[\]]*\]")
# No `<` inside (as CommonMark says): each attempt then stops at the next `<`, not at the end.
_AUTOLINK_RE = re.compile(r"<((?:https?|mailto):[^<>\s]++)>", re.IGNORECASE)
_HTML_TAG_RE = re.compile(r"</?[A-Za-z][A-Za-z0-9\-]*(?:\s[^<>]*)?/?>")
_STRONG_RE = re.compile(
    r"\*\*(?=\S)((?:[^*]|\*(?!\*))+?)(?<=\S)\*\*"
    r"|(?<!\w)__(?=\S)((?:[^_]|_(?!_))+?)(?<=\S)__(?!\w)"
)
_EM_RE = re.compile(
    r"(?<!\*)\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?!\*)"
    r"|(?<!\w)_(?=\S)([^_\n]+?)(?<=\S)_(?!\w)"
)
_STRIKE_RE = re.compile(r"~~(?=\S)((?:[^~]|~(?!~))+?)(?<=\S)~~")


def _inline(line: str) -> str:
    """Inline Markdown to its visible text; backslash escapes and code spans stay literal.

    Each pattern runs only when its leading character is on the line: most lines are plain
    prose, and a long document is many lines.
    """
    if "\\" in line:
        line = _ESCAPE_RE.sub(lambda m: _PROTECT[m.group(1)], line)
    if "`" in line:
        line = _CODE_SPAN_RE.sub(lambda m: m.group(2).strip().translate(_PROTECT_TABLE), line)
    if "![" in line:
        line = _IMAGE_RE.sub("", line)
    if "](" in line:
        line = _LINK_RE.sub(r"\1", line)
    if "][" in line:
        line = _REF_LINK_RE.sub(r"\1", line)
    if "<" in line:
        line = _AUTOLINK_RE.sub(r"\1", line)
        line = _HTML_TAG_RE.sub("", line)
    for _ in range(2):  # nested emphasis such as ***both***
        if "*" not in line and "_" not in line:
            break
        line = _STRONG_RE.sub(lambda m: m.group(1) or m.group(2), line)
        line = _EM_RE.sub(lambda m: m.group(1) or m.group(2), line)
    if "~~" in line:
        line = _STRIKE_RE.sub(r"\1", line)
    line = html_lib.unescape(line)
    return line.translate(_RESTORE_TABLE)


def markdown_to_text(md: str) -> str:
    """Markdown to plain text with the same line structure.

    Headings lose their `#`, list items and quotes lose their markers, links keep their text,
    images, HTML comments, reference definitions and rules disappear, fenced code keeps its
    content. Not a full CommonMark parser: good enough for claims, never raises.
    """
    md = _LINE_BREAKS_RE.sub("\n", md)
    md = _HTML_COMMENT_RE.sub("", md)
    md = _FRONT_MATTER_RE.sub("", md)
    out: list[str] = []
    fence: str | None = None
    for number, line in enumerate(md.split("\n")):
        if number % 256 == 0:
            _check_time()
        if fence is not None:
            if _closes_fence(line, fence):
                fence = None
                out.append("")
            else:
                out.append(line)
            continue
        if line.lstrip(" ")[:1] not in _BLOCK_MARKS:
            out.append(_inline(line) if _INLINE_MARKS_RE.search(line) else line)
            continue
        fence_match = _FENCE_RE.match(line)
        if fence_match:
            fence = fence_match.group(1)
            continue
        # A Setext underline (the line above was a heading) or a rule: a line break remains.
        if _SETEXT_RE.match(line) or _THEMATIC_RE.match(line) or _REF_DEF_RE.match(line):
            out.append("")
            continue
        line = _BLOCKQUOTE_RE.sub("", line)
        heading = _ATX_RE.match(line)
        if heading:
            out.append(_inline(_heading_text(heading.group(1))))
            continue
        if _TABLE_RULE_RE.match(line) and "-" in line:
            continue
        line = _LIST_RE.sub("", line)
        stripped = line.strip()
        if stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 1:
            cells = [cell.strip() for cell in stripped[1:-1].split("|")]
            line = " | ".join(cell for cell in cells if cell)
        out.append(_inline(line))
    return "\n".join(out)


def _closes_fence(line: str, fence: str) -> bool:
    """A closing fence: up to 3 spaces, at least as many of the same mark, then spaces."""
    body = line.lstrip(" ")
    if len(line) - len(body) > 3:
        return False
    mark = body.rstrip(" ")
    return len(mark) >= len(fence) and mark == fence[0] * len(mark)


def _heading_text(raw: str | None) -> str:
    """ATX heading content without the optional closing `#`s (regex-free trailing strip)."""
    text = (raw or "").rstrip(" ")
    bare = text.rstrip("#")
    if bare != text and (not bare or bare.endswith(" ")):
        text = bare.rstrip(" ")
    return text


def _markdown_title(md: str) -> str | None:
    """The first level-1 heading (ATX `# Title` or Setext `Title` over `===`)."""
    lines = _FRONT_MATTER_RE.sub("", _HTML_COMMENT_RE.sub("", md[:100_000])).split("\n")
    for i, line in enumerate(lines):
        if i % 256 == 0:
            _check_time()
        match = _TITLE_ATX_RE.match(line)
        if match:
            return _one_line(_inline(_heading_text(match.group(1))), 300)
        if i + 1 < len(lines) and line.strip() and _TITLE_SETEXT_RE.match(lines[i + 1]):
            return _one_line(_inline(line.strip()), 300)
    return None


# -- HTML -------------------------------------------------------------------------------------

_BOILERPLATE_WORDS = (
    "cookie",
    "consent",
    "gdpr",
    "newsletter",
    "related",
    "share",
    "social",
    "advert",
    "promo",
    "breadcrumb",
    "subscribe",
    "sidebar",
)
_CHROME_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "iframe",
    "object",
    "embed",
    "canvas",
    "nav",
    "aside",
    "footer",
    "form",
    "button",
    "select",
    "figure",
    "figcaption",
    "picture",
    "video",
    "audio",
    "dialog",
)
_CHROME_ROLES = (
    "navigation",
    "banner",
    "contentinfo",
    "complementary",
    "dialog",
    "alertdialog",
    "search",
)
# Found with tree.iter(*tags), in C: an XPath union or predicate over every element took
# 0.3-0.5 s on a tree of 30,000 elements.
_CHROME_ATTRIBUTES_XPATH = "//*[@hidden or @aria-hidden or @role]"
_NEVER_PRUNED = frozenset({"html", "body", "main", "article"})
_BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "blockquote",
        "dd",
        "div",
        "dl",
        "dt",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "li",
        "main",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "td",
        "th",
        "tr",
        "ul",
        "br",
    ]
)


def _lxml_html() -> Any:
    """lxml.html, imported on first use (and typed loosely: lxml ships no stubs here)."""
    return importlib.import_module("lxml.html")


# A tag's attributes as the HTML5 tokenizer (libxml2 >= 2.14) reads them: a name is anything
# up to whitespace, `/`, `>` or `=`; a value is quoted (and may hold `<` and `>`) or runs to
# whitespace or `>`. Every quantifier is possessive, so nothing is scanned twice.
_ATTRIBUTE = r"""[\s/]*+[^\s/>][^\s/>=]*+(?:\s*+=\s*+(?:"[^"]*+"|'[^']*+'|[^\s>]*+))?+"""
_TAG_OPEN = r"<[A-Za-z][^\s/>]*+"
_START_TAG_RE = re.compile("<[A-Za-z]")
# Elements whose content the parser reads as text up to their end tag.
_RAW_TEXT_ELEMENTS = (
    "script",
    "style",
    "title",
    "textarea",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
)


def _any_case(name: str) -> str:
    """`name` in any letter case, without re.IGNORECASE (which slows every other branch)."""
    return "".join(f"[{ch}{ch.upper()}]" for ch in name)


# Everything up to the next start tag with too many attributes, tokenized as the parser does:
# text, comments, other markup declarations, end tags, raw-text elements (whose content is
# not markup) and start tags with few attributes. Matched from a given position only, so the
# whole page is read once however it is built.
_RAW_TEXT_NAME = "|".join(_any_case(name) for name in (*_RAW_TEXT_ELEMENTS, "plaintext"))
_ORDINARY_MARKUP_RE = re.compile(
    r"(?:[^<]++"
    rf"|<(?!(?:{_RAW_TEXT_NAME})(?![^\s/>]))[A-Za-z][^\s/>]*+"
    rf"(?:{_ATTRIBUTE}){{0,{_MAX_ATTRIBUTES_PER_TAG}}}+[\s/]*+(?:>|\Z)"
    rf"|</[A-Za-z][^\s/>]*+(?:{_ATTRIBUTE})*+[\s/]*+(?:>|\Z)"
    r"|<!--(?:>|->|(?:[^-]++|-(?!-!?>))*+(?:--!?>|\Z))"
    r"|<[!?][^>]*+>?"
    r"|</[^>]*+>?"
    r"|<(?=[^A-Za-z!?/])|<\Z"
    + "".join(
        rf"|<{_any_case(name)}(?![^\s/>])"
        rf"(?:{_ATTRIBUTE}){{0,{_MAX_ATTRIBUTES_PER_TAG}}}+[\s/]*+(?:>|\Z)"
        rf"(?:[^<]++|<(?!/{_any_case(name)}(?![^\s/>])))*+"
        for name in _RAW_TEXT_ELEMENTS
    )
    + rf"|<{_any_case('plaintext')}(?![^\s/>])[\s\S]*+"
    r")*+"
)
_CROWDED_TAG_RE = re.compile(
    rf"(<([A-Za-z][^\s/>]*+)(?:{_ATTRIBUTE}){{{_MAX_ATTRIBUTES_PER_TAG}}}+)(?:{_ATTRIBUTE})*+"
)
_RAW_TEXT_END_RE = {
    name: re.compile(rf"</{name}(?![^\s/>])", re.IGNORECASE) for name in _RAW_TEXT_ELEMENTS
}


def _cap_attributes(html: str) -> str:
    """The page with every start tag cut to its first _MAX_ATTRIBUTES_PER_TAG attributes.

    libxml2 checks each new attribute name against all earlier ones of the tag, so 40,000
    attributes on one element took 20 s of parsing; this pass is linear.
    """
    pieces: list[str] = []
    position = 0
    while True:
        ordinary = _ORDINARY_MARKUP_RE.match(html, position)
        end = ordinary.end() if ordinary else position
        if end >= len(html):
            break
        crowded = _CROWDED_TAG_RE.match(html, end)
        if crowded is None:  # not expected: the tokenizer above reads any text
            end += 1
            pieces.append(html[position:end])
            position = end
            continue
        pieces.append(html[position : crowded.end(1)])
        position = crowded.end()
        name = crowded.group(2).lower()
        if name == "plaintext":
            break
        if name in _RAW_TEXT_END_RE:  # its content is text up to its end tag, as for the parser
            closing = _RAW_TEXT_END_RE[name].search(html, position)
            end = closing.start() if closing else len(html)
            pieces.append(html[position:end])
            position = end
        _check_time()
    if not pieces:
        return html
    pieces.append(html[position:])
    return "".join(pieces)


def _parse_html(html: str, max_elements: int) -> tuple[Any, bool] | None:
    """The page as an lxml document of about `max_elements` elements at most (one fed piece
    more), and whether some were left out; None when there is nothing to parse.

    The parser is fed in pieces and stops once the cap is passed, so a page of a million
    elements costs the time and memory of the cap, and the page is parsed only once.
    """
    if not html.strip():
        return None
    html = _cap_attributes(html)
    lxml_html = _lxml_html()
    etree = importlib.import_module("lxml.etree")
    parser = etree.HTMLParser(
        encoding="utf-8",
        remove_comments=True,
        remove_pis=True,
        no_network=True,
    )
    parser.set_element_class_lookup(lxml_html.HtmlElementClassLookup())
    start_tags = 0  # at least as many as the elements built so far
    cut = False
    for offset in range(0, len(html), _FEED_CHUNK_CHARS):
        _check_time()
        piece = html[offset : offset + _FEED_CHUNK_CHARS]
        parser.feed(piece.encode("utf-8", "replace"))
        start_tags += len(_START_TAG_RE.findall(piece))
        if start_tags > max_elements:
            cut = offset + _FEED_CHUNK_CHARS < len(html)
            break
    try:
        root = parser.close()
    except Exception:  # lxml raises XMLSyntaxError on documents with no elements
        return None
    if root is None or not isinstance(root.tag, str):
        return None
    return root, cut


def _prune(tree: Any) -> None:
    """Drop page chrome; a class/id match never removes anything holding the article."""
    doomed = [
        element
        for element in tree.iter(*_CHROME_TAGS, "header")
        if element.tag != "header"
        or not any(ancestor.tag in ("article", "main") for ancestor in element.iterancestors())
    ]
    doomed += [
        element
        for element in tree.xpath(_CHROME_ATTRIBUTES_XPATH)
        if element.get("hidden") is not None
        or element.get("aria-hidden") == "true"
        or element.get("role") in _CHROME_ROLES
    ]
    holds_article = {
        ancestor
        for found in tree.iter("article", "main", "h1")
        for ancestor in found.iterancestors()
    }
    for element in tree.xpath("//*[@class or @id]"):
        if element.tag in _NEVER_PRUNED:
            continue
        marker = f"{element.get('class', '')} {element.get('id', '')}".lower()
        if (
            marker != " "
            and any(word in marker for word in _BOILERPLATE_WORDS)
            and element not in holds_article
        ):
            doomed.append(element)
    for element in doomed:
        if element.getparent() is not None:
            element.drop_tree()


def _trim(tree: Any, max_chars: int, max_elements: int) -> bool:
    """Cut the document after about `max_chars` of text or `max_elements` elements.

    Extraction cost grows with the tree (and trafilatura's fallbacks are quadratic in the
    number of paragraphs), so a hostile or giant page must not buy unbounded CPU; the kept
    text is capped far lower anyway.
    """
    # Counting and finding in XPath (C) spares walking every element in Python.
    if tree.xpath("string-length(string(/))") <= max_chars:
        if tree.xpath("count(//*)") <= max_elements:
            return False
        _cut_after(tree.xpath(f"(//*)[{max_elements}]")[0])
        return True
    seen = 0
    for count, element in enumerate(tree.iter(), start=1):
        before = seen
        seen += len(element.text or "") + len(element.tail or "")
        if seen <= max_chars and count <= max_elements:
            continue
        if element.text and seen > max_chars:  # one huge text node is cut too
            element.text = element.text[: max(0, max_chars - before)]
        _cut_after(element)
        return True
    return False


def _cut_after(element: Any) -> None:
    """Remove everything after `element` in document order (its children included)."""
    del element[:]
    element.tail = None
    node = element
    while (parent := node.getparent()) is not None:
        del parent[parent.index(node) + 1 :]
        node = parent


def _simple_text(tree: Any) -> str:
    """Fallback when trafilatura finds nothing: visible body text, one line per block."""
    body = tree.find("body")
    if body is None:
        body = tree
    for element in body.iter():
        if isinstance(element.tag, str) and element.tag in _BLOCK_TAGS:
            element.tail = "\n" + (element.tail or "")
            if element.tag != "br":
                element.text = "\n" + (element.text or "")
    return str(body.text_content())


def _main_text(tree: Any, url: str | None) -> str:
    import trafilatura

    large = tree.xpath("count(//*)") > _FULL_EXTRACTION_MAX_ELEMENTS
    try:
        extracted = trafilatura.extract(
            copy.deepcopy(tree),
            url=url,
            fast=large,
            output_format="txt",
            include_comments=False,
            include_tables=False,
            include_images=False,
            include_links=False,
            include_formatting=False,
            deduplicate=False,
            with_metadata=False,
        )
    except Exception:  # trafilatura failing on odd markup must not lose the page
        extracted = None
    if extracted and str(extracted).strip():
        return str(extracted)
    return _simple_text(tree)


def html_to_document(html: str, url: str | None = None) -> Document:
    """The main article text of a page (no chrome), one paragraph or heading per line."""
    truncated = len(html) > MAX_HTML_CHARS
    html = html[:MAX_HTML_CHARS]
    # First bound what parsing builds and pruning walks, then what extraction sees (chrome
    # no longer counts). The one tree serves the metadata and the text.
    parsed = _parse_html(html, _MAX_PARSED_ELEMENTS)
    if parsed is None:
        raise DocumentError("That page has no readable article text.")
    tree, trimmed = parsed
    meta = _metadata_from_tree(tree, url)
    _check_time()
    _prune(tree)
    _check_time()
    trimmed = _trim(tree, _MAX_RAW_TEXT_CHARS, _MAX_HTML_ELEMENTS) or trimmed
    _check_time()
    main_text = _main_text(tree, url)
    _check_time()
    text, cut = _cut(_normalise(main_text), MAX_DOCUMENT_CHARS)
    if not text:
        raise DocumentError("That page has no readable article text.")
    return Document(
        text=text,
        title=meta.title,
        kind="html",
        url=url,
        site_name=meta.site_name,
        truncated=truncated or trimmed or cut,
    )


# -- metadata ---------------------------------------------------------------------------------


def _iso_date(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip()
    try:
        return datetime.fromisoformat(value).date().isoformat()
    except ValueError:
        pass
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})", value)
    if match:
        try:
            return date(int(match[1]), int(match[2]), int(match[3])).isoformat()
        except ValueError:
            return None
    return None


def _absolute_http_url(href: str | None, base: str | None) -> str | None:
    """A canonical link made absolute; only http(s) URLs are kept (never javascript: etc.)."""
    if not href:
        return None
    href = href.strip()
    try:
        absolute = urllib.parse.urljoin(base, href) if base else href
        parts = urllib.parse.urlsplit(absolute)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or len(absolute) > 2048:
        return None
    if any(ch.isspace() or ord(ch) < 32 for ch in absolute):
        return None
    return absolute


def _first(*values: str | None) -> str | None:
    for value in values:
        if value and value.strip():
            return value
    return None


def _metadata_from_tree(tree: Any, url: str | None) -> PageMetadata:
    meta: dict[str, str] = {}
    for element in tree.xpath("//meta[@content]"):
        key = element.get("property") or element.get("name") or element.get("itemprop") or ""
        key = key.strip().lower()
        if key and key not in meta:
            meta[key] = element.get("content") or ""
    canonical: str | None = None
    for link in tree.xpath("//link[@rel and @href]"):
        if "canonical" in (link.get("rel") or "").lower().split():
            canonical = link.get("href")
            break
    title_tag = tree.findtext(".//title")

    import trafilatura

    traf_title = traf_site = traf_date = traf_description = None
    head_start = copy.deepcopy(tree)
    _trim(head_start, _METADATA_MAX_CHARS, _METADATA_MAX_ELEMENTS)  # heuristics stay cheap
    try:
        found = trafilatura.extract_metadata(head_start, default_url=url, extensive=False)
        traf_title, traf_site = found.title, found.sitename
        traf_date, traf_description = found.date, found.description
    except Exception:  # metadata is best effort; a page without it is still a page
        pass

    return PageMetadata(
        title=_one_line(
            _first(meta.get("og:title"), meta.get("twitter:title"), traf_title, title_tag), 300
        ),
        site_name=_one_line(
            _first(meta.get("og:site_name"), traf_site, meta.get("application-name")), 200
        ),
        canonical_url=_absolute_http_url(canonical, url)
        or _absolute_http_url(meta.get("og:url"), url),
        published=_iso_date(
            _first(
                meta.get("article:published_time"),
                meta.get("datepublished"),
                meta.get("og:published_time"),
                meta.get("pubdate"),
                meta.get("date"),
                meta.get("dc.date"),
            )
        )
        or _iso_date(traf_date),
        description=_one_line(
            _first(
                meta.get("og:description"),
                meta.get("description"),
                meta.get("twitter:description"),
                traf_description,
            ),
            1000,
        ),
    )


def page_metadata(html: str, url: str | None = None) -> PageMetadata:
    """Title, site, canonical URL, publication date and description of an evidence page.

    Only the first ~1 MB is read: metadata lives in <head>. Explicit og:/twitter:/<meta>
    values win over trafilatura's guesses; <title> is the last resort for the title.
    """
    parsed = _parse_html(html[:METADATA_SCAN_CHARS], _MAX_PARSED_ELEMENTS)
    if parsed is None:
        return PageMetadata(None, None, None, None, None)
    return _metadata_from_tree(parsed[0], url)
