"""Bytes to text: byte-order marks, declared charsets, UTF-8, then a sniffed legacy guess.

Binary files are refused by their magic numbers and their control characters, and a
declared charset counts only when it is a text encoding: `idna`, `rot13`, `utf-7` and the
like fall back to sniffing. One Content-Type parser serves fetched pages and documents.
"""

from __future__ import annotations

import codecs
import functools
import re

from bot.documents.document import DocumentError

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
    return codec_for_label((match.group(1) or match.group(2)).decode("ascii"))


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


def codec_for_label(label: str) -> str | None:
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
    codec = codec_for_label(charset) if charset else None
    if codec and codec != "utf-8":
        return raw.decode(codec, errors="replace")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return _decode_legacy(raw)


def decode_document(raw: bytes, charset: str | None = None) -> str:
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
