"""The same-claim rules (bot.core.sameness): each threshold at its boundary, the near-misses and
rewordings of tests/fixtures/same_claims.json, and the rules holding together: identical
wordings are the same claim, the same claim is a paraphrase, and the extractor's dedupe and the
server's triage take exactly the pairs the rule takes."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.claims import triage
from bot.core.sameness import (
    PARAPHRASE_MIN_SHARED,
    SAME_CLAIM_MIN_SHARED,
    SUGGESTION_THRESHOLD,
    Wording,
    is_paraphrase,
    is_same_claim,
    normalize_claim,
    same_particulars,
    shared_terms,
)
from bot.core.text import jaccard
from bot.extraction import ClaimCandidate
from bot.extraction.dedupe import dedupe

PAIRS = json.loads((Path(__file__).parent / "fixtures" / "same_claims.json").read_text("utf-8"))
NEAR_MISSES = PAIRS["near_misses"]
REWORDINGS = PAIRS["rewordings"]
# Lower-case words that are neither stopwords, names nor numbers, each its own stem's only word.
PLAIN = [
    "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliett",
    "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango",
]  # fmt: skip


def words_shared(a: str, b: str) -> float:
    return jaccard(Wording.of(a).words, Wording.of(b).words)


def test_the_fixture_holds_the_near_misses_and_rewordings() -> None:
    assert (len(NEAR_MISSES), len(REWORDINGS)) == (34, 11)


def test_no_near_miss_is_the_same_claim_or_a_paraphrase_even_at_a_perfect_match_score() -> None:
    assert [p["b"] for p in NEAR_MISSES if is_same_claim(p["a"], p["b"], p["language"])] == []
    assert [p["b"] for p in NEAR_MISSES if is_paraphrase(p["a"], p["b"], 1.0, p["language"])] == []


def test_every_rewording_is_a_paraphrase_from_the_suggestion_threshold_up() -> None:
    at = [p["b"] for p in REWORDINGS if is_paraphrase(p["a"], p["b"], 0.5, p["language"])]
    below = [p["b"] for p in REWORDINGS if is_paraphrase(p["a"], p["b"], 0.4999, p["language"])]
    assert SUGGESTION_THRESHOLD == 0.5
    assert (len(at), below) == (11, [])


def test_rewordings_in_another_order_are_the_same_claim_and_others_are_only_paraphrases() -> None:
    same = [p["b"] for p in REWORDINGS if is_same_claim(p["a"], p["b"], p["language"])]
    assert same == [
        "In 2019, Paris banned diesel cars from the city centre.",
        "PARIS BANNED DIESEL CARS FROM THE CITY CENTRE IN 2019!",
        "On Monday a magnitude 7 earthquake hit Tokyo.",
        "En 2025, Emmanuel Macron a annoncé la suppression du baccalauréat.",
        "En France, le prix de l'essence a dépassé les 3 euros le litre.",
        "La semaine dernière, un séisme de magnitude 7 a frappé Nice.",
        "Le Sénat a voté l'interdiction des chiens dans les parcs publics !",
        "On Tuesday evening the Port Averly city council voted 9 to 2 to buy three electric "
        "ferries for the harbour.",
    ]
    # "during his first week" for "in his first week": 9 of 11 words, a paraphrase only.
    assert not is_same_claim(REWORDINGS[2]["a"], REWORDINGS[2]["b"])
    assert words_shared(REWORDINGS[2]["a"], REWORDINGS[2]["b"]) == 9 / 11


def test_the_same_claim_starts_at_its_share_of_words() -> None:
    """17 shared words of 20 is the threshold itself (0.85); 16 of 19 (0.84) is not."""
    shared = PLAIN[:17]
    at = (" ".join([*shared, PLAIN[17]]), " ".join([*shared, PLAIN[18], PLAIN[19]]))
    assert words_shared(*at) == SAME_CLAIM_MIN_SHARED == 0.85
    assert is_same_claim(*at)
    below = (" ".join([*shared[:16], PLAIN[17]]), " ".join([*shared[:16], PLAIN[18], PLAIN[19]]))
    assert words_shared(*below) == 16 / 19
    assert not is_same_claim(*below)


def test_a_paraphrase_starts_at_half_of_the_content_words() -> None:
    at = ("alpha bravo", "alpha bravo charlie delta")
    below = ("alpha bravo", "alpha bravo charlie delta echo")
    assert shared_terms(*at) == PARAPHRASE_MIN_SHARED == 0.5
    assert is_paraphrase(*at, SUGGESTION_THRESHOLD)
    assert not is_paraphrase(*at, 0.4999)
    assert shared_terms(*below) == 2 / 5
    assert not is_paraphrase(*below, 1.0)


def test_a_close_rewording_with_the_same_particulars_is_the_same_claim() -> None:
    assert is_same_claim(
        "The council approved a budget of 12 million euros on Monday",
        "The council approved a budget of 12 million euros on Monday!",
    )
    assert is_same_claim("Prices rose 4% in May.", "prices rose 4% in may")


def test_names_are_compared_by_stem_so_a_sentence_start_is_not_a_name() -> None:
    assert same_particulars(
        "Drinking hot water cures the coronavirus.",
        "Hot water kills the coronavirus if you drink it.",
    )
    assert not same_particulars("Paris banned cars.", "Lyon banned cars.")
    assert not same_particulars("Prices rose 4% in May.", "Prices rose 5% in May.")
    assert same_particulars("It cost 0050 euros.", "It cost 50 euros.")
    # A link is not part of the claim: its digits are no figure.
    assert same_particulars("Paris banned cars https://x.test/2019", "Paris banned cars")


def test_word_overlap_alone_took_twelve_near_misses_for_repeats_and_the_particulars_none() -> None:
    """The server's claims are compared with their texts: by the words alone (a claim read
    without its text), 12 of the 34 near-misses were repeats and were not posted."""
    overlapping = [p for p in NEAR_MISSES if words_shared(p["a"], p["b"]) >= SAME_CLAIM_MIN_SHARED]
    assert len(overlapping) == 12
    for number, pair in enumerate(overlapping, 1):
        recent = [(number, normalize_claim(pair["a"]))]
        words_only = triage([pair["b"]], recent)
        with_text = triage([pair["b"]], recent, originals={number: pair["a"]})
        assert (words_only.existing_ids, words_only.new) == ([number], [])
        assert (with_text.existing_ids, [c.text for c in with_text.new]) == ([], [pair["b"]])
    both = triage([overlapping[0]["a"], overlapping[0]["b"]], [])
    assert [c.text for c in both.new] == [overlapping[0]["a"], overlapping[0]["b"]]


def test_a_repeat_of_a_server_claim_points_at_it() -> None:
    earlier = "The council approved a budget of 12 million euros on Monday"
    plan = triage(
        ["The council approved a budget of 12 million euros on Monday!"],
        [(41, normalize_claim(earlier))],
        originals={41: earlier},
    )
    assert (plan.existing_ids, plan.new) == ([41], [])


def test_thresholds_are_ordered_probabilities() -> None:
    assert 0.0 < PARAPHRASE_MIN_SHARED < SAME_CLAIM_MIN_SHARED <= 1.0
    assert 0.0 < SUGGESTION_THRESHOLD < 1.0


def _candidate(text: str, score: float, start: int, language: str) -> ClaimCandidate:
    return ClaimCandidate(text, score, start, start + len(text), None, language, ())


def _extractor_merges(a: str, b: str, language: str) -> bool:
    kept = dedupe([_candidate(a, 0.9, 0, language), _candidate(b, 0.8, 100, language)])
    return [c.text for c in kept] == [a]


def _server_repeats(a: str, b: str, language: str) -> bool:
    plan = triage([_candidate(b, 0.8, 0, language)], [(1, normalize_claim(a))], originals={1: a})
    return plan.existing_ids == [1]


def test_the_extractor_and_the_server_take_the_pairs_the_rule_takes() -> None:
    """One rule for a second copy in a submission and a repeat of a server's claim."""
    for pair in [*NEAR_MISSES, *REWORDINGS]:
        a, b, language = pair["a"], pair["b"], pair["language"]
        same = is_same_claim(a, b, language)
        assert _extractor_merges(a, b, language) == same, b
        assert _server_repeats(a, b, language) == same, b


PIECES = st.sampled_from(
    [*PLAIN[:6], "Paris", "Lyon", "paris", "the", "of", "in", "May", "2019", "2021", "0050", "50",
     "3.5%", "l'État", "l'etat", "ÉTAT", "#BigNews", "https://x.test/2019", ",", "!", "—"]
)  # fmt: skip
WORDINGS = st.lists(PIECES, min_size=1, max_size=14).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(WORDINGS, WORDINGS, st.sampled_from(["en", "fr"]))
def test_each_rule_takes_what_the_stricter_one_takes(a: str, b: str, language: str) -> None:
    same = is_same_claim(a, b, language)
    assert same == is_same_claim(b, a, language)
    if normalize_claim(a) and normalize_claim(a) == normalize_claim(b):
        assert same
    if same:
        assert is_paraphrase(a, b, SUGGESTION_THRESHOLD, language)
    assert _extractor_merges(a, b, language) == same
    assert _server_repeats(a, b, language) == same


@given(st.text(max_size=80), st.text(max_size=80))
def test_particulars_and_shared_terms_are_symmetric(a: str, b: str) -> None:
    assert same_particulars(a, b) == same_particulars(b, a)
    assert shared_terms(a, b) == shared_terms(b, a)
    assert 0.0 <= shared_terms(a, b) <= 1.0
