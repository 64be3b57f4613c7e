"""Turn a submission (pasted text, an uploaded file, a fetched page) into plain text.

Pure functions, no I/O. Claim extraction works line by line, so paragraphs and headings stay
on their own lines while everything invisible or decorative goes: zero-width and bidi
control characters (they hide or reorder text, a known way to smuggle look-alike claims),
page chrome (navigation, cookie banners, captions, scripts) and Markdown syntax.

trafilatura and lxml are imported lazily so importing this module stays cheap for commands
that never see HTML. Parsing HTML is CPU-bound; async callers should run these functions in
a worker thread.
"""

from __future__ import annotations

import codecs
import copy
import functools
import html as html_lib
import importlib
import re
import unicodedata
import urllib.parse
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from bot.errors import UserFacingError

__all__ = [
    "MAX_DOCUMENT_CHARS",
    "Document",
    "DocumentError",
    "PageMetadata",
    "html_to_document",
    "load_text",
    "markdown_to_text",
    "page_metadata",
]

MAX_DOCUMENT_CHARS = 200_000
# Work done before the final cut is bounded too: normalising never sees more than this many
# characters of text, and HTML parsing never more than MAX_HTML_CHARS.
_MAX_RAW_TEXT_CHARS = 4 * MAX_DOCUMENT_CHARS
MAX_HTML_CHARS = 5_000_000
_MAX_HTML_ELEMENTS = 30_000
# Above this many elements trafilatura runs without its readability/jusText fallbacks, whose
# cost is quadratic in the number of paragraphs.
_FULL_EXTRACTION_MAX_ELEMENTS = 1_500
METADATA_SCAN_CHARS = 1_000_000
_METADATA_MAX_CHARS = 200_000
_METADATA_MAX_ELEMENTS = 5_000

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


def _one_line(value: str | None, limit: int) -> str | None:
    """A metadata value on one line, cleaned like document text and capped."""
    if value is None:
        return None
    text = " ".join(_normalise(str(value)).split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text or None


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


def _charset_param(content_type: str | None) -> str | None:
    """The codec named by a `charset=` parameter of a Content-Type, if any and known."""
    for param in (content_type or "").split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            return _codec_for_label(value.strip().strip("\"'"))
    return None


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
    mime = (content_type or "").partition(";")[0].strip().lower()
    kind = _kind_from_name(filename) or _TYPE_KINDS.get(mime) or _kind_from_name(url)
    text = raw if isinstance(raw, str) else _decode(bytes(raw), _charset_param(content_type))
    if not text.strip():
        raise DocumentError("That input is empty.")
    if kind is None:
        kind = "text" if mime == "text/plain" else _sniff_kind(text)
    if kind == "html":
        return html_to_document(text, url=url)

    truncated = len(text) > _MAX_RAW_TEXT_CHARS
    text = text[:_MAX_RAW_TEXT_CHARS]
    title: str | None = None
    if kind == "markdown":
        title = _markdown_title(text)
        text = markdown_to_text(text)
    body, cut = _cut(_normalise(text), MAX_DOCUMENT_CHARS)
    if not body:
        raise DocumentError("That input is empty.")
    return Document(text=body, title=title, kind=kind, url=url, truncated=truncated or cut)


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
_TABLE_RULE_RE = re.compile(r"^ *\|? *:?-{3,}:? *(?:\| *:?-{3,}:? *)*\|? *$")

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
_AUTOLINK_RE = re.compile(r"<((?:https?|mailto):[^>\s]+)>", re.IGNORECASE)
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
    """Inline Markdown to its visible text; backslash escapes and code spans stay literal."""
    line = _ESCAPE_RE.sub(lambda m: _PROTECT[m.group(1)], line)
    line = _CODE_SPAN_RE.sub(lambda m: m.group(2).strip().translate(_PROTECT_TABLE), line)
    line = _IMAGE_RE.sub("", line)
    line = _LINK_RE.sub(r"\1", line)
    line = _REF_LINK_RE.sub(r"\1", line)
    line = _AUTOLINK_RE.sub(r"\1", line)
    line = _HTML_TAG_RE.sub("", line)
    for _ in range(2):  # nested emphasis such as ***both***
        line = _STRONG_RE.sub(lambda m: m.group(1) or m.group(2), line)
        line = _EM_RE.sub(lambda m: m.group(1) or m.group(2), line)
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
    for line in md.split("\n"):
        if fence is not None:
            if re.match(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}} *$", line):
                fence = None
                out.append("")
            else:
                out.append(line)
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
        match = re.match(r"^ {0,3}# +(.*)$", line)
        if match:
            return _one_line(_inline(_heading_text(match.group(1))), 300)
        if i + 1 < len(lines) and line.strip() and re.match(r"^ {0,3}=+ *$", lines[i + 1]):
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
# Page chrome removed before extraction (plus elements whose class/id names boilerplate).
_PRUNE_XPATH = " | ".join(
    [
        "//script",
        "//style",
        "//noscript",
        "//template",
        "//svg",
        "//iframe",
        "//object",
        "//embed",
        "//canvas",
        "//nav",
        "//aside",
        "//footer",
        "//form",
        "//button",
        "//select",
        "//figure",
        "//figcaption",
        "//picture",
        "//video",
        "//audio",
        "//dialog",
        "//header[not(ancestor::article) and not(ancestor::main)]",
        "//*[@hidden]",
        "//*[@aria-hidden='true']",
        "//*[@role='navigation' or @role='banner' or @role='contentinfo' or @role='complementary'"
        " or @role='dialog' or @role='alertdialog' or @role='search']",
    ]
)
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


def _parse_html(html: str) -> Any | None:
    """An lxml document, or None when there is nothing to parse."""
    if not html.strip():
        return None
    lxml_html = _lxml_html()
    parser = lxml_html.HTMLParser(
        encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True
    )
    try:
        return lxml_html.document_fromstring(html.encode("utf-8", "replace"), parser=parser)
    except Exception:  # lxml raises ParserError / ValueError on documents with no elements
        return None


def _prune(tree: Any) -> None:
    """Drop page chrome; a class/id match never removes anything holding the article."""
    doomed = list(tree.xpath(_PRUNE_XPATH))
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
    # Counting in XPath (C) first spares walking every element in Python on normal pages.
    if (
        tree.xpath("count(//*)") <= max_elements
        and tree.xpath("string-length(string(/))") <= max_chars
    ):
        return False
    seen = 0
    for count, element in enumerate(tree.iter(), start=1):
        seen += len(element.text or "") + len(element.tail or "")
        if seen <= max_chars and count <= max_elements:
            continue
        for child in list(element):
            element.remove(child)
        element.tail = None
        node = element
        while node is not None:
            for sibling in list(node.itersiblings()):
                node.getparent().remove(sibling)
            node = node.getparent()
        return True
    return False


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

    large = sum(1 for _ in tree.iter()) > _FULL_EXTRACTION_MAX_ELEMENTS
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
    tree = _parse_html(html)
    if tree is None:
        raise DocumentError("That page has no readable article text.")
    meta = page_metadata(html, url)
    # First bound what pruning walks, then what extraction sees (chrome no longer counts).
    trimmed = _trim(tree, MAX_HTML_CHARS, 3 * _MAX_HTML_ELEMENTS)
    _prune(tree)
    trimmed = _trim(tree, _MAX_RAW_TEXT_CHARS, _MAX_HTML_ELEMENTS) or trimmed
    text, cut = _cut(_normalise(_main_text(tree, url)), MAX_DOCUMENT_CHARS)
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
    tree = _parse_html(html[:METADATA_SCAN_CHARS])
    if tree is None:
        return PageMetadata(None, None, None, None, None)
    return _metadata_from_tree(tree, url)
