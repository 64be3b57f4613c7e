"""Claim identity and duplicate checks."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.core.claims import Candidate, content_hash, jaccard, normalize_claim, triage


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
            Candidate("The council approved a budget of 12 million euros on Monday."),
            Candidate("Ridership fell by 8 percent in 2025."),
        ],
        recent,
    )
    assert plan.existing_ids == [41]
    assert [c.text for c in plan.new] == ["Ridership fell by 8 percent in 2025."]
    assert plan.new[0].normalized == "ridership fell by 8 percent in 2025"


def test_triage_merges_repeats_inside_one_submission() -> None:
    plan = triage(
        [Candidate("Prices rose 4% in May."), Candidate("prices rose 4% in may"), Candidate("...")],
        [],
    )
    assert [c.text for c in plan.new] == ["Prices rose 4% in May."]


@given(st.text())
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize_claim(text)
    assert normalize_claim(once) == once


@given(st.frozensets(st.text(max_size=3)), st.frozensets(st.text(max_size=3)))
def test_jaccard_is_symmetric_and_bounded(a: frozenset[str], b: frozenset[str]) -> None:
    assert jaccard(a, b) == jaccard(b, a)
    assert 0.0 <= jaccard(a, b) <= 1.0
