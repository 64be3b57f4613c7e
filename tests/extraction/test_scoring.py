"""Check-worthiness scores: what a fact-checker checks scores above what they skip."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bot.extraction import CHECKWORTHY_THRESHOLD, is_checkworthy, score_sentence
from bot.extraction.lexicon import get_lexicon
from bot.extraction.signals import compute_signals

CHECKWORTHY_FR = [
    "Selon l'Insee, le chômage a reculé à 7,1 % au premier trimestre 2024.",
    "Le syndicat a affirmé mardi que 71 % des conducteurs étaient en grève.",
    "Des soldats seraient arrivés en Russie, selon les services de renseignement.",
    "La ville a conclu en mars un contrat de 12 millions d'euros avec la société Voltaire.",
]
NOT_CHECKWORTHY_FR = [
    "Pourquoi la ville dépense-t-elle autant ?",
    "Cette décision est sans aucun doute une erreur regrettable.",
    "La situation pourrait encore se dégrader.",
    "Le maire veut rendre la ville plus agréable.",
    "Une amélioration ne semble pas en vue.",
]
CHECKWORTHY_EN = [
    "Unemployment fell to 3.5 percent last year, the lowest rate in fifty years.",
    "We have cut taxes for 95 percent of working families.",
    "The deficit has tripled since 2001.",
]
NOT_CHECKWORTHY_EN = [
    "Thank you very much.",
    "What are you going to do about it?",
    "I think we can do better than that.",
]


@pytest.mark.parametrize("sentence", CHECKWORTHY_FR)
def test_french_checkworthy(sentence: str) -> None:
    assert is_checkworthy(score_sentence(sentence, "fr"))


@pytest.mark.parametrize("sentence", NOT_CHECKWORTHY_FR)
def test_french_not_checkworthy(sentence: str) -> None:
    assert not is_checkworthy(score_sentence(sentence, "fr"))


@pytest.mark.parametrize("sentence", CHECKWORTHY_EN)
def test_english_checkworthy(sentence: str) -> None:
    assert is_checkworthy(score_sentence(sentence, "en"))


@pytest.mark.parametrize("sentence", NOT_CHECKWORTHY_EN)
def test_english_not_checkworthy(sentence: str) -> None:
    assert not is_checkworthy(score_sentence(sentence, "en"))


def test_threshold() -> None:
    assert CHECKWORTHY_THRESHOLD == 0.5
    assert is_checkworthy(0.5) and not is_checkworthy(0.4999)


def test_language_is_detected_when_not_given() -> None:
    sentence = "Le syndicat a affirmé mardi que 71 % des conducteurs étaient en grève."
    assert score_sentence(sentence) == score_sentence(sentence, "fr")


def test_signals_of_a_reported_conditional() -> None:
    signals = compute_signals(
        "Selon le Guardian, des missiles auraient été livrés au printemps.", get_lexicon("fr")
    )
    assert signals.tags() == ("date", "named source", "named actor", "unconfirmed report")


def test_signals_of_speculation_and_question() -> None:
    fr = get_lexicon("fr")
    assert "speculation" in compute_signals("Cela pourrait changer.", fr).tags()
    assert compute_signals("Que gagne-t-il?", fr).question
    en = get_lexicon("en")
    assert compute_signals("It may rain.", en).speculation == 1
    assert compute_signals("In May 2024 it rained.", en).speculation == 0


@pytest.mark.slow
def test_scores_are_the_same_in_every_process() -> None:
    """The model's sum does not follow the set order, which changes with the hash seed."""
    sentences = CHECKWORTHY_EN + NOT_CHECKWORTHY_EN + CHECKWORTHY_FR + NOT_CHECKWORTHY_FR
    probe = (
        "import sys; from bot.extraction import score_sentence; "
        "print(' '.join(repr(score_sentence(s)) for s in sys.argv[1:]))"
    )
    outputs = [
        subprocess.run(
            [sys.executable, "-c", probe, *sentences],
            env={"PYTHONHASHSEED": str(seed)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in range(4)
    ]
    assert len(set(outputs)) == 1
    assert [float(score) for score in outputs[0].split()] == [score_sentence(s) for s in sentences]
