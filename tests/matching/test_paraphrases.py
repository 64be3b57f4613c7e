"""Paraphrases of a server's claims: pointed at only with the same numbers and names, so the
near-misses of tests/matching/data/duplicates.json (another number, place, year) never are."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from bot.core.claims import NEAR_DUPLICATE_JACCARD, normalize_claim, triage
from bot.core.text import jaccard
from bot.matching.duplicates import is_duplicate
from bot.matching.paraphrases import is_paraphrase, same_particulars, shared_terms
from bot.services.submissions import different_claims

PAIRS = json.loads((Path(__file__).parent / "data" / "duplicates.json").read_text("utf-8"))
NEAR_MISSES = PAIRS["near_misses"]
REWORDINGS = PAIRS["duplicates"]


def test_no_near_miss_is_a_paraphrase_even_at_a_perfect_match_score() -> None:
    flagged = [p["b"] for p in NEAR_MISSES if is_paraphrase(p["a"], p["b"], 1.0, p["language"])]
    assert len(NEAR_MISSES) == 34
    assert flagged == []


def test_every_rewording_is_a_paraphrase_from_the_threshold_up() -> None:
    missed = [p["b"] for p in REWORDINGS if not is_paraphrase(p["a"], p["b"], 0.5, p["language"])]
    assert missed == []
    assert not is_paraphrase(REWORDINGS[0]["a"], REWORDINGS[0]["b"], 0.49)


def test_the_near_misses_are_also_not_duplicates() -> None:
    assert [p["b"] for p in NEAR_MISSES if is_duplicate(p["a"], p["b"], p["language"])] == []


def test_submissions_no_longer_take_a_near_miss_for_a_repeat() -> None:
    """Word overlap alone (the 85% rule) took 12 of the 34 near-misses for repeats of the
    earlier claim, and dropped them; with the particulars checked, none is."""
    overlapping = [
        p
        for p in NEAR_MISSES
        if jaccard(
            frozenset(normalize_claim(p["a"]).split()), frozenset(normalize_claim(p["b"]).split())
        )
        >= NEAR_DUPLICATE_JACCARD
    ]
    assert len(overlapping) == 12
    for number, pair in enumerate(overlapping, 1):
        recent = [(number, normalize_claim(pair["a"]))]
        plain = triage([pair["b"]], recent)
        checked = triage(
            [pair["b"]], recent, originals={number: pair["a"]}, different=different_claims
        )
        assert (plain.existing_ids, len(plain.new)) == ([number], 0)
        assert (checked.existing_ids, [c.text for c in checked.new]) == ([], [pair["b"]])
    both = triage(
        [overlapping[0]["a"], overlapping[0]["b"]], [], originals={}, different=different_claims
    )
    assert [c.text for c in both.new] == [overlapping[0]["a"], overlapping[0]["b"]]


def test_a_close_rewording_with_the_same_particulars_is_still_a_repeat() -> None:
    earlier = "The council approved a budget of 12 million euros on Monday"
    plan = triage(
        ["The council approved a budget of 12 million euros on Monday!"],
        [(41, normalize_claim(earlier))],
        originals={41: earlier},
        different=different_claims,
    )
    assert (plan.existing_ids, plan.new) == ([41], [])


def test_names_are_compared_by_stem_so_a_sentence_start_is_not_a_name() -> None:
    assert same_particulars(
        "Drinking hot water cures the coronavirus.",
        "Hot water kills the coronavirus if you drink it.",
    )
    assert not same_particulars("Paris banned cars.", "Lyon banned cars.")
    assert not same_particulars("Prices rose 4% in May.", "Prices rose 5% in May.")
    assert same_particulars("It cost 0050 euros.", "It cost 50 euros.")


@given(st.text(max_size=80), st.text(max_size=80))
def test_particulars_and_shared_terms_are_symmetric(a: str, b: str) -> None:
    assert same_particulars(a, b) == same_particulars(b, a)
    assert shared_terms(a, b) == shared_terms(b, a)
    assert 0.0 <= shared_terms(a, b) <= 1.0
