"""Bounds, filters and bad input of `extract_claims`."""

from __future__ import annotations

import logging
import time

import pytest

from bot.core.text import jaccard
from bot.extraction import (
    DEFAULT_MAX_CLAIMS,
    MAX_INPUT_CHARS,
    ClaimCandidate,
    ExtractionError,
    extract,
    extract_claims,
)
from bot.extraction.dedupe import dedupe

FACTS = "".join(
    f"Le conseil municipal de Bréval a voté le {day} mars un budget de {day * 3} millions d'euros "
    f"pour le quartier numéro {day}.\n"
    for day in range(1, 31)
)


def _claim(text: str, score: float, start: int = 0) -> ClaimCandidate:
    return ClaimCandidate(text, score, start, start + len(text), None, "en", ())


@pytest.mark.parametrize("text", ["", "   ", "\n\n\t"])
def test_empty_input_is_a_readable_error(text: str) -> None:
    with pytest.raises(ExtractionError, match="empty"):
        extract_claims(text)


def test_binary_looking_input_is_a_readable_error() -> None:
    garbage = "".join(chr(c % 32) for c in range(5000))
    with pytest.raises(ExtractionError, match="binary"):
        extract_claims(garbage)


def test_non_text_input_is_a_readable_error() -> None:
    with pytest.raises(ExtractionError, match="Expected text, got bytes"):
        extract_claims(b"Le maire a dit 3 mots.")  # type: ignore[arg-type]


def test_punctuation_only_input_yields_no_claims() -> None:
    assert extract_claims("... !!! ??? --- ***") == []


def test_max_claims_caps_the_output() -> None:
    assert len(extract_claims(FACTS, max_claims=3)) == 3
    assert extract_claims(FACTS, max_claims=0) == []


def test_the_default_cap_posts_every_fact_of_an_article() -> None:
    result = extract(FACTS)
    assert (len(result.claims), result.left_out) == (30, 0)
    assert result.claims == extract_claims(FACTS)


def test_the_claims_left_out_by_the_cap_are_counted() -> None:
    result = extract(FACTS, max_claims=3)
    assert (len(result.claims), result.left_out) == (3, 27)
    assert result.claims == extract_claims(FACTS, max_claims=100)[:3]
    assert result.rest == extract_claims(FACTS, max_claims=100)[3:]  # what the button posts
    # Repeats of a kept claim or of each other are not "more claims".
    repeated = extract(FACTS * 3, max_claims=29)
    assert (len(repeated.claims), repeated.left_out) == (29, 1)
    assert repeated.rest == extract_claims(FACTS, max_claims=100)[29:]
    longer = "".join(
        f"Le conseil de Bréval a voté le {day} mars {2000 + day} un budget de {day * 7} "
        f"millions d'euros pour le quartier {day}.\n"
        for day in range(1, 31)
    )
    over = extract(FACTS + longer)
    assert (len(over.claims), over.left_out) == (DEFAULT_MAX_CLAIMS, 60 - DEFAULT_MAX_CLAIMS)


def test_min_score_filters() -> None:
    claims = extract_claims(FACTS, max_claims=100)
    assert len(claims) == 30
    assert extract_claims(FACTS, max_claims=100, min_score=1.01) == []


def test_headings_bylines_and_questions_are_dropped() -> None:
    text = (
        "Budget : la ville de Bréval investit\n"
        "Par Louise Martin\n"
        "Le conseil municipal a voté mardi un budget de 48 millions d'euros.\n"
        "Pourquoi la ville dépense-t-elle autant ?\n"
    )
    claims = extract_claims(text, language="fr")
    assert [c.text for c in claims] == [
        "Le conseil municipal a voté mardi un budget de 48 millions d'euros."
    ]


def test_leading_connector_is_stripped_and_offsets_follow() -> None:
    text = "Mais le conseil municipal a voté mardi un budget de 48 millions d'euros.\n"
    (claim,) = extract_claims(text, language="fr")
    assert claim.text == "Le conseil municipal a voté mardi un budget de 48 millions d'euros."
    assert text[claim.start : claim.end] == (
        "le conseil municipal a voté mardi un budget de 48 millions d'euros."
    )


def test_dateline_is_stripped() -> None:
    text = "BRÉVAL, 3 mars — Le conseil municipal a voté un budget de 48 millions d'euros.\n"
    (claim,) = extract_claims(text, language="fr")
    assert claim.text == "Le conseil municipal a voté un budget de 48 millions d'euros."


def test_near_duplicates_are_merged_keeping_the_better_one() -> None:
    claims = [
        _claim("The council approved a budget of 48 million euros on Tuesday.", 0.7, 0),
        _claim("The council approved a budget of 48 million euros on Tuesday!", 0.9, 100),
        _claim("Fares rose by 5% in May.", 0.8, 200),
    ]
    assert [(c.score, c.start) for c in dedupe(claims)] == [(0.9, 100), (0.8, 200)]


def test_jaccard() -> None:
    assert jaccard(frozenset("ab"), frozenset("ab")) == 1.0
    assert jaccard(frozenset("ab"), frozenset("bc")) == pytest.approx(1 / 3)
    assert jaccard(frozenset(), frozenset()) == 0.0


def test_repeated_sentences_in_a_document_come_out_once() -> None:
    sentence = "Le conseil municipal a voté mardi un budget de 48 millions d'euros.\n"
    assert len(extract_claims(sentence * 5, language="fr")) == 1


@pytest.mark.slow
def test_ten_megabytes_is_cut_and_finishes_quickly(caplog: pytest.LogCaptureFixture) -> None:
    text = FACTS * (10_000_000 // len(FACTS) + 1)
    started = time.perf_counter()
    with caplog.at_level(logging.WARNING, logger="claimbot.extraction"):
        claims = extract_claims(text)
    assert time.perf_counter() - started < 10
    assert len(claims) == 30  # FACTS, repeated
    assert all(c.end <= MAX_INPUT_CHARS for c in claims)
    assert f"cut to the first {MAX_INPUT_CHARS}" in caplog.text


def test_two_thousand_tiny_sentences() -> None:
    text = " ".join(f"Item {i} costs {i} euros." for i in range(2000))
    claims = extract_claims(text, language="en", min_score=0.0)
    assert len(claims) == DEFAULT_MAX_CLAIMS


def test_to_dict_is_json_ready() -> None:
    (claim,) = extract_claims("Le conseil municipal a voté mardi un budget de 48 millions d'euros.")
    assert claim.to_dict() == {
        "claim": "Le conseil municipal a voté mardi un budget de 48 millions d'euros.",
        "span": {
            "start": 0,
            "end": 67,
            "text": "Le conseil municipal a voté mardi un budget de 48 millions d'euros.",
        },
        "score": claim.score,
        "speaker": None,
        "needs_context": False,
        "context_hint": None,
        "language": "fr",
        "reasons": list(claim.reasons),
    }
