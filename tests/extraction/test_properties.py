"""Property tests: arbitrary text never crashes and results keep their invariants."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.extraction import (
    ExtractionError,
    detect_language,
    extract_claims,
    score_sentence,
    split_sentences,
)

WORDS = st.sampled_from(
    [
        "Le",
        "maire",
        "a",
        "dit",
        "que",
        "650 000",
        "«",
        "»",
        "selon",
        "l'Insee",
        "The",
        "said",
        "3.5%",
        "M.",
        "Dr.",
        "?",
        "!",
        ".",
        "…",
        "\n",
        "—",
        ":",
        "2024",
        "mars",
        "U.S.",
        "\u202f",
    ]
)
NEWSLIKE = st.lists(WORDS, max_size=80).map(" ".join)
ANY_TEXT = st.text(max_size=400)


@settings(max_examples=150, deadline=None)
@given(st.one_of(ANY_TEXT, NEWSLIKE), st.integers(min_value=0, max_value=20))
def test_extract_never_crashes_and_keeps_invariants(text: str, max_claims: int) -> None:
    try:
        claims = extract_claims(text, max_claims=max_claims, min_score=0.0)
    except ExtractionError as error:
        assert str(error)
        return
    assert len(claims) <= max_claims
    for claim in claims:
        assert 0.0 <= claim.score <= 1.0
        assert 0 <= claim.start <= claim.end <= len(text)
        assert claim.text.strip()
    assert [c.score for c in claims] == sorted((c.score for c in claims), reverse=True)


@settings(max_examples=150, deadline=None)
@given(st.one_of(ANY_TEXT, NEWSLIKE))
def test_sentence_spans_are_ordered_disjoint_and_trimmed(text: str) -> None:
    previous_end = 0
    for start, end in split_sentences(text):
        assert previous_end <= start < end <= len(text)
        assert not text[start].isspace() and not text[end - 1].isspace()
        previous_end = end


@settings(max_examples=150, deadline=None)
@given(st.one_of(ANY_TEXT, NEWSLIKE), st.sampled_from([None, "fr", "en", "und", "xx"]))
def test_scores_are_probabilities(text: str, language: str | None) -> None:
    assert 0.0 <= score_sentence(text, language) <= 1.0
    assert detect_language(text) in {"fr", "en", "es", "de", "und"}
