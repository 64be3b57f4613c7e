"""The stance terms: learned over the English model's logit, the rule score's for French."""

from __future__ import annotations

import dataclasses
import math

import pytest

from bot.extraction import score_sentence
from bot.extraction.lexicon import get_lexicon
from bot.extraction.model import load_bridged_model, load_model, sigmoid
from bot.extraction.scoring import (
    base_logit,
    bridged_score,
    bridged_stance,
    learned_stance_logit,
    stance_features,
    stance_logit,
    stance_weights,
)
from bot.extraction.signals import compute_signals
from tools import fit_stance

FEATURES = (
    "speculation",
    "speculation on a sourced fact",
    "intention",
    "prediction",
    "plan on a sourced fact",
    "opinion",
)


def test_shipped_weights_cover_every_feature_and_mark_stance_down() -> None:
    weights = stance_weights()
    assert tuple(weights) == FEATURES
    for bare in ("speculation", "intention", "prediction", "opinion"):
        assert -1.0 < weights[bare] < 0.0


def test_a_hedge_on_a_sourced_figure_is_its_own_feature() -> None:
    english = get_lexicon("en")
    bare = compute_signals("The factory could close next spring.", english)
    sourced = compute_signals("The factory could cut 300 jobs in 2027, the union said.", english)
    assert stance_features(bare)["speculation"] == 1.0
    assert stance_features(bare)["speculation on a sourced fact"] == 0.0
    assert stance_features(sourced)["speculation"] == 0.0
    assert stance_features(sourced)["speculation on a sourced fact"] == 1.0


@pytest.mark.parametrize(
    "sentence",
    [
        "The new bridge could carry twice as many lorries by the end of the decade.",
        "The mayor wants to build four hundred flats near the harbour.",
        "Frankly, the ferry timetable is a disgrace.",
    ],
)
def test_english_score_adds_the_learned_stance(sentence: str) -> None:
    model = load_model("en")
    assert model is not None
    signals = compute_signals(sentence, get_lexicon("en"))
    stance = learned_stance_logit(signals)
    assert stance < 0.0
    expected = sigmoid(base_logit(model, sentence, signals) + stance)
    assert score_sentence(sentence, "en") == pytest.approx(expected, abs=1e-12)


def test_french_score_keeps_the_native_stance_terms() -> None:
    sentence = "Le nouveau pont pourrait accueillir deux fois plus de camions d'ici dix ans."
    model = load_bridged_model("fr")
    assert model is not None
    signals = compute_signals(sentence, get_lexicon("fr"))
    assert stance_logit(signals) == pytest.approx(-2.4 - 1.3)  # "pourrait", "d'ici"
    expected = sigmoid(base_logit(model, sentence, signals) + stance_logit(signals))
    assert bridged_score(sentence, "fr") == pytest.approx(expected, abs=1e-12)


def _row(feature: float, label: int) -> fit_stance.Row:
    return fit_stance.Row(offset=0.0, features=(feature,), label=label)


def test_fit_recovers_the_log_odds_of_a_feature() -> None:
    rows = [_row(1.0, 1)] * 30 + [_row(1.0, 0)] * 70 + [_row(0.0, 1)] * 50
    (unpenalised,) = fit_stance.fit(rows, 1, penalty=0.0)
    assert unpenalised == pytest.approx(math.log(30 / 70), abs=1e-6)
    (penalised,) = fit_stance.fit(rows, 1, penalty=10.0)
    assert unpenalised < penalised < 0.0


def test_french_opinion_cue_found_only_through_the_mapped_english_counts() -> None:
    sentence = "Franchement, la nouvelle gare est une erreur."
    model = load_bridged_model("fr")
    assert model is not None
    signals = compute_signals(sentence, get_lexicon("fr"))
    assert signals.opinion == 0  # no French cue; "Franchement" maps to "frankly"
    with_opinion = dataclasses.replace(signals, opinion=1)
    expected = sigmoid(base_logit(model, sentence, signals) + stance_logit(with_opinion))
    assert bridged_score(sentence, "fr") == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("en", "I expect rents to fall in the coming years."),
        ("fr", "Je m'attends à ce que les loyers baissent dans les années à venir."),
        ("en", "The valley could attract more tourists over the next decade."),
        ("fr", "La vallée pourrait attirer plus de touristes au cours de la prochaine décennie."),
    ],
)
def test_expectations_and_coming_decades_are_forecasts(language: str, sentence: str) -> None:
    assert compute_signals(sentence, get_lexicon(language)).prediction >= 1


@pytest.mark.parametrize(
    ("sentence", "intention"),
    [
        # the speaker's own future is a promise: the mapped "will" counts as intention
        ("Nous construirons deux piscines.", 1),
        ("Mon équipe rendra la mairie accessible le dimanche.", 1),
        # a third-person future is a forecast or a schedule, left to the French cues
        ("Les premiers bus circuleront à partir du 4 mai.", 0),
    ],
)
def test_a_first_person_future_is_a_promise(sentence: str, intention: int) -> None:
    model = load_bridged_model("fr")
    assert model is not None
    native = compute_signals(sentence, get_lexicon("fr"))
    assert native.intention == 0
    _, mapped = model.read(sentence, native)
    assert bridged_stance(native, mapped).intention == intention
