"""bot.matching: the matcher on French paraphrases, tweet clean-up, near-misses."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.sameness import is_same_claim
from bot.core.text import clean_text, terms, tweet_date
from bot.matching import ClaimMatcher, LibraryClaim, Match

DATA = Path(__file__).parent / "data"


def load(name: str) -> Any:
    return json.loads((DATA / name).read_text("utf-8"))


def average_precision_at_5(ranked: list[str], relevant: str) -> float:
    return 1 / (ranked.index(relevant) + 1) if relevant in ranked[:5] else 0.0


@pytest.fixture(scope="module")
def french() -> tuple[ClaimMatcher, list[dict[str, str]]]:
    data = load("french_claims.json")
    library = [LibraryClaim(c["id"], c["text"], c["language"], c["title"]) for c in data["library"]]
    return ClaimMatcher(library), data["queries"]


def test_the_french_set_is_big_enough(french: tuple[ClaimMatcher, list[dict[str, str]]]) -> None:
    matcher, queries = french
    assert len([c for c in matcher.claims if c.language == "fr"]) >= 30
    assert len(queries) >= 30


def test_french_paraphrases_find_their_fact_check_first(
    french: tuple[ClaimMatcher, list[dict[str, str]]],
) -> None:
    matcher, queries = french
    precisions = [
        average_precision_at_5([m.id for m in matcher.search(q["text"], "fr")], q["relevant"])
        for q in queries
    ]
    assert sum(precisions) / len(precisions) == 1.0


def test_a_french_paraphrase_is_suggested_and_an_unrelated_claim_is_not(
    french: tuple[ClaimMatcher, list[dict[str, str]]],
) -> None:
    matcher, _ = french
    found = matcher.suggestions("Les antennes 5G diffusent le coronavirus", "fr")
    assert [m.id for m in found][:1] == ["fr-09"]
    assert matcher.suggestions("Le club de rugby de Brive a gagné dimanche", "fr") == []


def test_matches_come_best_first_with_scores_between_0_and_1() -> None:
    matcher = ClaimMatcher(
        [
            LibraryClaim("a", "A shark swam on a flooded highway in Houston."),
            LibraryClaim("b", "The moon landing was filmed in a studio."),
            LibraryClaim("c", "Sharks were found in a Houston swimming pool."),
        ]
    )
    found = matcher.search("Look: a shark on the flooded highway in Houston! pic.twitter.com/x1")
    assert [m.id for m in found] == ["a", "c"]
    assert found[0].score > found[1].score
    assert all(0.0 < m.score < 1.0 for m in found)


def test_an_empty_library_or_query_finds_nothing() -> None:
    assert ClaimMatcher([]).search("anything at all") == []
    assert ClaimMatcher([LibraryClaim("a", "The moon is cheese.")]).search("!!! the of") == []


def test_a_review_published_soon_after_the_claim_ranks_first() -> None:
    old = LibraryClaim(
        "old", "The president signed an order banning TikTok.", "en", "", date(2015, 1, 1)
    )
    new = LibraryClaim(
        "new", "The president signed an order banning TikTok.", "en", "", date(2020, 8, 9)
    )
    matcher = ClaimMatcher([old, new])
    found = matcher.search("President signed an order to ban TikTok", query_date=date(2020, 8, 7))
    assert [m.id for m in found] == ["new", "old"]


def test_tweet_noise_is_removed_but_names_in_tags_are_kept() -> None:
    tweet = (
        "Huge news from @JoeBiden on #AustralianFires https://t.co/abc pic.twitter.com/XyZ "
        "— Jane Doe (@jane_doe) January 28, 2021"
    )
    assert clean_text(tweet).split() == [
        "Huge", "news", "from", "Joe", "Biden", "on", "Australian", "Fires",
        "Jane", "Doe", "jane", "doe",
    ]  # fmt: skip
    assert tweet_date(tweet) == date(2021, 1, 28)
    assert terms("Les élèves porteront l'uniforme", "fr") == ["elev", "port", "uniform"]


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200), st.sampled_from(["en", "fr", "xx"]))
def test_any_query_text_returns_matches_without_crashing(text: str, language: str) -> None:
    matcher = ClaimMatcher([LibraryClaim("a", "Sharks swim in Houston."), LibraryClaim("b", "x")])
    found = matcher.search(text, language)
    assert all(isinstance(m, Match) and 0.0 <= m.score <= 1.0 for m in found)
    assert len(found) <= 2


def test_french_near_misses_are_never_the_same_claim_and_are_suggested_as_english_ones_are() -> (
    None
):
    """A near-miss (same words, another claim: a different exam, city, number) is the same
    story, and the matcher suggests it as it does in English, for reviewers to answer Not the
    same; the same-claim rule, which is strict, never takes one for the claim."""
    data = load("french_claims.json")
    library = {c["id"]: c for c in data["library"]}
    matcher = ClaimMatcher(
        [LibraryClaim(c["id"], c["text"], c["language"], c["title"]) for c in data["library"]]
    )
    near_misses = data["near_misses"]
    assert len(near_misses) >= 20
    same = [
        n["text"] for n in near_misses if is_same_claim(n["text"], library[n["near"]]["text"], "fr")
    ]
    assert same == []
    suggested = {
        n["near"]: [m.id for m in matcher.suggestions(n["text"], "fr")] for n in near_misses
    }
    # Only "5G in every town by 2030" shares too little with "5G spreads the coronavirus".
    assert [near for near, found in suggested.items() if found[:1] != [near]] == ["fr-09"]
    english = matcher.suggestions("Drinking hot water with lemon makes you lose weight.", "en")
    assert [m.id for m in english] == ["en-01"]


def test_french_paraphrases_are_all_suggested_first() -> None:
    data = load("french_claims.json")
    matcher = ClaimMatcher(
        [LibraryClaim(c["id"], c["text"], c["language"], c["title"]) for c in data["library"]]
    )
    missed = [
        q["relevant"]
        for q in data["queries"]
        if [m.id for m in matcher.suggestions(q["text"], "fr")][:1] != [q["relevant"]]
    ]
    assert missed == []
