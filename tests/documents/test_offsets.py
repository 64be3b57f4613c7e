"""Claims cite the input as it was given, not the reader's cleaned copy of it.

The reader normalises a submission (byte-order mark, CRLF, no-break and repeated spaces,
tabs, blank lines, invisible characters, NFC) before extraction; its offset map takes
every span back to the decoded input. Every sentence here was written for these tests.
"""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.documents.document import Document
from bot.documents.normalise import normalise, normalise_tracked
from bot.documents.offsets import TrackedText
from bot.documents.reader import load_text
from bot.extraction import extract_claims

_SENTENCES = [
    "Le conseil municipal a voté un budget de 48 millions d'euros en mars 2024.",
    "However, the county recorded 41 measles cases in March 2024.",
    "outre les 40 bus promis, la région a commandé 12 tramways en 2023.",
    "The union said 300 families were evicted last year.",
    "Selon l'Insee, le chômage a atteint 7,3 % au deuxième trimestre 2024.",
]
_FILLERS = [" ", "  ", "\t", "\u00a0", "\r\n", "\n", "\r\n\r\n\r\n", "\n\n\n\n", "\u200b", " \t "]


@st.composite
def _messy_inputs(draw: st.DrawFn) -> str:
    """Sentences with leading blanks, CRLF, NBSP, tabs, a BOM and runs of blank lines, inside
    a sentence as well as between them (a no-break space instead of a space, a tab)."""
    parts = [draw(st.sampled_from(["", "\ufeff"])), draw(st.sampled_from(_FILLERS))]
    for sentence in draw(st.lists(st.sampled_from(_SENTENCES), min_size=1, max_size=5)):
        gap = draw(st.sampled_from([" ", "\u00a0", "\t", "  ", " \u00a0"]))
        parts.append(sentence.replace(" ", gap, draw(st.integers(0, 3))))
        parts.append(draw(st.sampled_from(_FILLERS)))
    if draw(st.booleans()):
        parts.append("e\u0301t\u00e9 ")  # a decomposed accent
    return "".join(parts)


def _check_spans(raw: bytes | str, document: Document, given: str) -> int:
    claims = extract_claims(document.text)
    for claim in claims:
        span = document.input_span(claim.start, claim.end)
        assert span is not None
        start, end = span
        cited = given[start:end]
        # The cited stretch is the claim's source as the user wrote it: cleaned the reader's
        # way it is exactly what the extractor read, and nothing around it is left out.
        assert normalise(cited) == claim.span_text
        assert cited == cited.strip() and not cited.startswith("\ufeff")
        assert document.source_map is not None
        byte_span = document.source_map.byte_span(start, end)
        if isinstance(raw, bytes):
            assert byte_span is not None
            assert raw[byte_span[0] : byte_span[1]].decode("utf-8") == cited
        else:
            assert byte_span is None
    return len(claims)


@settings(max_examples=80, deadline=None)
@given(_messy_inputs())
def test_every_source_span_indexes_the_string_as_given(text: str) -> None:
    document = load_text(text)
    _check_spans(text, document, text)


@settings(max_examples=80, deadline=None)
@given(_messy_inputs())
def test_every_source_span_indexes_the_decoded_file(text: str) -> None:
    raw = text.encode("utf-8")
    document = load_text(raw, filename="article.txt")
    # A file's byte-order mark is no character of it (as utf-8-sig reads it).
    decoded = text[1:] if text.startswith("\ufeff") else text
    _check_spans(raw, document, decoded)


def test_an_article_starting_with_a_space_and_an_edited_claim() -> None:
    given = (
        " Transports : la région investit\r\n\r\n"
        "  Mais ce n'est pas tout : outre les 40 bus promis, la région a commandé 12\u00a0tramways"
        " en mars 2024.\r\n\r\n\r\n"
        "\tLe maire a dit que 300 familles ont été relogées en 2023.\r\n"
    )
    document = load_text(given.encode("utf-8"), filename="article.txt")
    assert document.text.startswith("Transports")
    claims = {claim.text: claim for claim in extract_claims(document.text)}
    assert set(claims) == {
        "Outre les 40 bus promis, la région a commandé 12 tramways en mars 2024.",
        "Le maire a dit que 300 familles ont été relogées en 2023.",
    }
    outre = claims["Outre les 40 bus promis, la région a commandé 12 tramways en mars 2024."]
    assert document.input_span(outre.start, outre.end) == (63, 134)
    assert given[63:134] == (
        "outre les 40 bus promis, la région a commandé 12\u00a0tramways en mars 2024."
    )
    assert outre.span_text == given[63:134].replace("\u00a0", " ")
    maire = claims["Le maire a dit que 300 familles ont été relogées en 2023."]
    assert document.input_span(maire.start, maire.end) == (141, 198)
    assert given[141:198] == "Le maire a dit que 300 familles ont été relogées en 2023."
    assert document.source_map is not None
    assert document.source_map.byte_span(141, 198) == (145, 205)


def test_a_bom_is_counted_in_bytes_not_in_characters() -> None:
    raw = codecs.BOM_UTF8 + "  Le conseil a voté 48 millions d'euros en mars 2024.\n".encode()
    document = load_text(raw, filename="a.txt")
    (claim,) = extract_claims(document.text)
    assert document.input_span(claim.start, claim.end) == (2, 53)
    assert document.source_map is not None
    assert document.source_map.byte_span(2, 53) == (5, 57)
    assert raw[5:57].decode() == "Le conseil a voté 48 millions d'euros en mars 2024."


def test_bytes_that_are_not_utf8_give_characters_only() -> None:
    raw = " Le conseil a voté 48 millions d'euros en mars 2024.\n".encode("cp1252")
    document = load_text(raw, filename="a.txt")
    (claim,) = extract_claims(document.text)
    assert document.input_span(claim.start, claim.end) == (1, 52)
    assert document.source_map is not None
    assert document.source_map.byte_span(1, 52) is None


def test_markdown_and_html_have_no_input_offsets() -> None:
    markdown = load_text(b"# Budget\n\nLe conseil a vot\xc3\xa9 48 millions.\n", filename="a.md")
    page = load_text(b"<html><body><p>Le conseil a vot\xc3\xa9 48 millions.</p></body></html>")
    assert (markdown.source_map, page.source_map) == (None, None)
    assert markdown.input_span(0, 5) is None


_ANY_TEXT = st.text(
    st.sampled_from(
        [
            *"ab é.\n\r\t\x0b\x0c\x85\x00",
            *("\u00a0", "\ufeff", "\u200b", "\u0301", "\u0327", "\u1100", "\u1161", "\u11a8"),
            *("\u2028", "\u3000", "\uf900", "\ufdd0", "\u2000", "\u0b47", "\u0b3e", "\u0316"),
        ]
    ),
    max_size=60,
)


@pytest.mark.slow
@settings(max_examples=400, deadline=None)
@given(_ANY_TEXT, st.integers(1, 40))
def test_tracked_normalisation_is_the_readers_and_maps_every_character(
    text: str, repeat: int
) -> None:
    text = text * (repeat if repeat > 30 else 1)  # long enough for the marking path too
    tracked = normalise_tracked(TrackedText.of(text))
    assert tracked.text == normalise(text)
    assert len(tracked.starts) == len(tracked.ends) == len(tracked.text)
    for index, char in enumerate(tracked.text):
        origin = text[tracked.starts[index] : tracked.ends[index]]
        assert origin != ""
        # A character came from what the reader turns into it: itself, the letters and
        # marks NFC composed into it, a line break or space it unified (with what it
        # deleted in between).
        assert char in normalise(f"x{origin}x")
    starts = list(tracked.starts)
    assert starts == sorted(starts)
