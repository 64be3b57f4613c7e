"""The hand-written example articles: expected claims found, non-claims absent."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from benchmarks.speakers import (
    HELDOUT,
    accepted_speakers,
    claim_for,
    is_accepted,
    labelled_articles,
    measure,
)
from bot.extraction import ClaimCandidate, extract_claims

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ARTICLES = sorted(
    p for p in EXAMPLES.glob("article_*.*") if (EXAMPLES / "labels" / f"{p.stem}.json").is_file()
)
_SPACES = re.compile(r"\s+")


def _norm(text: str) -> str:
    return _SPACES.sub(" ", text).casefold()


def _load(article: Path) -> tuple[str, dict[str, object], list[ClaimCandidate]]:
    labels = json.loads((EXAMPLES / "labels" / f"{article.stem}.json").read_text("utf-8"))
    text = article.read_text("utf-8")
    claims = extract_claims(text, max_claims=int(labels["max_claims"]))
    return text, labels, claims


def test_every_article_has_labels() -> None:
    assert [p.name for p in ARTICLES] == [
        "article_en_boil_water.txt",
        "article_en_vaccination.txt",
        "article_fr_drones_valmont.txt",
        "article_fr_greve_rail.txt",
        "article_fr_maternite_lerande.txt",
    ]


@pytest.mark.parametrize("article", ARTICLES, ids=lambda p: p.stem)
def test_expected_claims_are_found_with_their_speaker(article: Path) -> None:
    _, labels, claims = _load(article)
    for expected in labels["expected"]:  # type: ignore[attr-defined]
        claim = claim_for(expected, claims)
        assert claim is not None, f"{expected['id']}: {[c.text for c in claims]}"
        assert claim.speaker in accepted_speakers(expected), (expected["id"], claim.speaker)


@pytest.mark.parametrize(
    ("speaker", "accepted", "right"),
    [
        ("chambre", ["chambre de métiers de l'Orne", "la chambre"], True),
        ("company", ["Northlink Eggs", "the company"], True),
        ("Poste", ["La Poste"], False),  # the article of a name is part of it
        ("chambre", ["chambre de métiers"], False),
        (None, [None], True),
        (None, ["la chambre"], False),
    ],
)
def test_a_leading_article_before_a_common_noun_names_nothing(
    speaker: str | None, accepted: list[str | None], right: bool
) -> None:
    assert is_accepted(speaker, accepted) is right


def test_named_speaker_accuracy_per_language() -> None:
    """Issue 23, item 7: who said it, exact, on every example article and on the held-out
    ones, no longer held out (first measured: boil_water and maternite_lerande at 17/20 and
    17/18; port_strike, hospital_audit and papeterie at 33/41 and 12/17; university_cuts,
    written after those fixes, at 9/16; flood_defences at 11/14; ferry_cuts and
    riviere_pollution at 10/14 and 5/11; storm_power_cuts and secheresse_brenne at 9/14 and
    5/14; tram_overrun and cantines_montclair at 10/14 and 9/15; damp_housing and
    station_ski at 7/12 and 8/12; bus_depot, library_budget, parc_eolien and
    pharmacie_breville at 15/22 and 13/22; food_bank, wildfire_season, ehpad_tilleuls and
    commissariat_effectifs at 19/23 and 11/23; the ninth round's six at 30/33 and 20/33;
    the tenth round's six at 18/23 and 27/43; the eleventh's at 26/34 and 19/35; the
    twelfth's at 19/23 and 32/46; the thirteenth's at 21/35 and 27/35;
    the fourteenth's at 28/33 and 17/32; the fifteenth's at 14/24 and 35/47;
    the sixteenth's at 23/33 and 24/33; the seventeenth's at 31/35 and 20/35;
    rounds 18 and 19 at 44/54 and 42/75; rounds 20 and 21 at 43/55 and 57/75; rounds 22
    and 23 at 46/54 and 51/73; rounds 24 and 25, still held out, at 46/57 and 55/80;
    see docs/extraction.md)."""
    tallies = measure(ARTICLES + labelled_articles(HELDOUT))
    assert {
        language: (t.named_right, t.named, t.unnamed_right, t.unnamed)
        for language, t in tallies.items()
    } == {"en": (1600, 1720, 303, 315), "fr": (2447, 2803, 500, 540)}


@pytest.mark.parametrize("article", ARTICLES, ids=lambda p: p.stem)
def test_non_claims_are_absent(article: Path) -> None:
    _, labels, claims = _load(article)
    for snippet in labels["forbidden"]:  # type: ignore[attr-defined]
        assert not any(_norm(snippet) in _norm(c.text) for c in claims), snippet


@pytest.mark.parametrize("article", ARTICLES, ids=lambda p: p.stem)
def test_claims_point_at_their_source_span(article: Path) -> None:
    text, labels, claims = _load(article)
    assert claims
    for claim in claims:
        assert claim.span_text == text[claim.start : claim.end]
        # The claim's words come from its span, or from the sentences before it when a
        # reference was resolved ("the association" -> "the Northgate Nurses Association").
        span = _norm(text[claim.start : claim.end])
        before = _norm(text[: claim.end])
        core = [w for w in re.findall(r"\w+", _norm(claim.text)) if len(w) > 3]
        assert all(w in before for w in core), (claim.text, span)
        assert sum(w in span for w in core) >= len(core) / 2, (claim.text, span)
        assert claim.language == labels["language"]
        assert 0.0 <= claim.score <= 1.0


@pytest.mark.parametrize("article", ARTICLES, ids=lambda p: p.stem)
def test_claims_are_best_first_and_deduplicated(article: Path) -> None:
    _, _, claims = _load(article)
    scores = [c.score for c in claims]
    assert scores == sorted(scores, reverse=True)
    assert len({_norm(c.text) for c in claims}) == len(claims)


def test_french_rail_strike_claim_list() -> None:
    _, _, claims = _load(EXAMPLES / "article_fr_greve_rail.txt")
    # 11 since French is scored by the English model: the standfirst ("Le trafic
    # ferroviaire régional est presque totalement interrompu depuis lundi.") is a claim,
    # as its English translation is (0.79).
    assert len(claims) == 11
    top = claims[0]
    assert top.speaker == "quotidien Le Courrier du Valbrunois"
    assert "named source" in top.reasons and "number" in top.reasons


def test_english_vaccination_claim_list() -> None:
    _, _, claims = _load(EXAMPLES / "article_en_vaccination.txt")
    assert len(claims) == 8
    quote = next(c for c in claims if "eight weeks" in c.text)
    assert (
        quote.text
        == "We have vaccinated more children in eight weeks than in the whole of last year."
    )
    assert quote.speaker == "Dr. Priya Raman"
