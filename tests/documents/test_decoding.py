"""bot.documents.decoding: bytes to text; binary refused, charsets that are no encoding ignored."""

from __future__ import annotations

import encodings.aliases

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.documents.decoding import parse_content_type, text_codec
from bot.documents.document import DocumentError
from bot.documents.reader import load_text

BINARY_MESSAGE = "That file looks binary, not text. Send text, Markdown or HTML."

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
