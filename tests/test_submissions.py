"""Claim identity and duplicate checks."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.claims import content_hash, triage
from bot.core.records import NewClaim
from bot.core.sameness import normalize_claim
from bot.core.text import jaccard
from bot.extraction import ClaimCandidate


def test_normalize_folds_case_accents_punctuation_and_spacing() -> None:
    assert normalize_claim("  L'État a dépensé 1,90 euro — «vraiment» ! ") == (
        "l etat a depense 1 90 euro vraiment"
    )
    assert normalize_claim("Inflation hit 3.5% in May.") == "inflation hit 3 5% in may"


def test_content_hash_ignores_formatting_only() -> None:
    assert content_hash("The mayor said so.\n") == content_hash("the  MAYOR said so")
    assert content_hash("The mayor said so.") != content_hash("The mayor denied it.")


def test_triage_points_at_close_rewording_of_a_known_claim() -> None:
    recent = [(41, normalize_claim("The council approved a budget of 12 million euros on Monday"))]
    plan = triage(
        [
            "The council approved a budget of 12 million euros on Monday.",
            "Ridership fell by 8 percent in 2025.",
        ],
        recent,
    )
    assert plan.existing_ids == [41]
    assert [c.text for c in plan.new] == ["Ridership fell by 8 percent in 2025."]
    assert plan.new[0].normalized == "ridership fell by 8 percent in 2025"


def test_triage_merges_repeats_inside_one_submission() -> None:
    plan = triage(
        ["Prices rose 4% in May.", "prices rose 4% in may", "..."],
        [],
    )
    assert [c.text for c in plan.new] == ["Prices rose 4% in May."]


def test_triage_stores_what_the_extractor_found_and_nothing_for_a_typed_claim() -> None:
    """The extractor's ClaimCandidate goes straight in: no copy of its fields on the way."""
    found = ClaimCandidate(
        text="Ridership fell by 8 percent in 2025.",
        score=0.91,
        start=10,
        end=46,
        speaker="the transit authority",
        language="en",
        reasons=("figure", "year"),
    )
    plan = triage([found, "The mayor said the budget doubled in 2024."], [])
    assert plan.new == [
        NewClaim(
            text="Ridership fell by 8 percent in 2025.",
            normalized="ridership fell by 8 percent in 2025",
            speaker="the transit authority",
            language="en",
            score=0.91,
            reasons=("figure", "year"),
            span_start=10,
            span_end=46,
        ),
        NewClaim(
            text="The mayor said the budget doubled in 2024.",
            normalized="the mayor said the budget doubled in 2024",
        ),
    ]
    assert plan.existing_ids == []


@given(st.text())
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize_claim(text)
    assert normalize_claim(once) == once


@pytest.mark.slow
@given(st.frozensets(st.text(max_size=3)), st.frozensets(st.text(max_size=3)))
def test_jaccard_is_symmetric_and_bounded(a: frozenset[str], b: frozenset[str]) -> None:
    assert jaccard(a, b) == jaccard(b, a)
    assert 0.0 <= jaccard(a, b) <= 1.0
