"""A sentence and its French translation get the same decision and nearly the same score.

The gates run on `data/parallel_en_fr.tsv` (220 hand-written pairs, see its README):
English through the English model, French through the same model reading the
French -> English lexicon.  The file is fixed and scoring is deterministic, so the
figures are exact.  The lexicon tests use sentences written here, not from that file.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.extraction import is_checkworthy, score_sentence
from bot.extraction.model import load_bridged_model
from bot.extraction.scoring import bridged_score

PARALLEL = Path(__file__).parent / "data" / "parallel_en_fr.tsv"
# Targets of the issue: agreement >= 0.98, mean gap <= 0.08, |F1 fr - F1 en| <= 0.02.
# Measured: 218/220 = 0.991 (2 label-0 pairs differ), mean gap 0.061, F1 0.973 / 0.973.
MIN_AGREEMENT = 0.98
MAX_MEAN_GAP = 0.08
MAX_F1_DIFFERENCE = 0.02


@dataclass(frozen=True)
class Pair:
    label: bool
    en: float
    fr: float


def _f1(predicted: list[bool], labels: list[bool]) -> float:
    tp = sum(p and y for p, y in zip(predicted, labels, strict=True))
    fp = sum(p and not y for p, y in zip(predicted, labels, strict=True))
    fn = sum(y and not p for p, y in zip(predicted, labels, strict=True))
    return 2 * tp / (2 * tp + fp + fn)


@cache
def _scored() -> tuple[Pair, ...]:
    with PARALLEL.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    pairs = []
    for row in rows:
        fr = bridged_score(row["fr"], "fr")
        assert fr is not None
        pairs.append(Pair(row["label"] == "1", score_sentence(row["en"], "en"), fr))
    return tuple(pairs)


def test_parallel_file_has_all_pairs() -> None:
    pairs = _scored()
    assert len(pairs) == 220
    assert sum(p.label for p in pairs) == 126


def test_decisions_agree() -> None:
    pairs = _scored()
    agreeing = sum(is_checkworthy(p.en) == is_checkworthy(p.fr) for p in pairs)
    assert agreeing / len(pairs) >= MIN_AGREEMENT


def test_scores_are_close() -> None:
    pairs = _scored()
    assert sum(abs(p.en - p.fr) for p in pairs) / len(pairs) <= MAX_MEAN_GAP


def test_french_f1_matches_english() -> None:
    pairs = _scored()
    labels = [p.label for p in pairs]
    f1_en = _f1([is_checkworthy(p.en) for p in pairs], labels)
    f1_fr = _f1([is_checkworthy(p.fr) for p in pairs], labels)
    assert abs(f1_fr - f1_en) <= MAX_F1_DIFFERENCE


def test_issue_example_is_checkworthy_in_both_languages() -> None:
    english = score_sentence("Crime has doubled since the mayor took office.", "en")
    french = score_sentence("La criminalité a doublé depuis l'arrivée du maire.", "fr")
    assert is_checkworthy(english) and is_checkworthy(french)
    assert abs(english - french) <= 0.05


def test_french_is_scored_by_the_bridged_model() -> None:
    sentence = "Le budget de la ville a augmenté de 8 % en 2024."
    assert score_sentence(sentence, "fr") == bridged_score(sentence, "fr")


def test_language_without_lexicon_has_no_bridge() -> None:
    assert bridged_score("Die Kriminalität hat sich verdoppelt.", "de") is None
    assert load_bridged_model("en") is None


def _mapped(sentence: str) -> list[str]:
    model = load_bridged_model("fr")
    assert model is not None and model.bridge is not None
    return model.bridge.translate_text(sentence)


@pytest.mark.parametrize(
    ("sentence", "tokens"),
    [
        (
            # phrase ("selon"), elision, perfect tense -> simple past, decimal comma kept
            "Selon l'Insee, le chômage a reculé à 7,1 % en 2023.",
            "according to the insee the unemployment fell to 7,1 % in 2023",
        ),
        (
            # sentence-initial article dropped; "projet de loi" is one word in English
            "Les députés ont adopté hier le projet de loi par 312 voix contre 198.",
            "lawmakers adopted yesterday the bill by 312 votes against 198",
        ),
        (
            # "veut" + infinitive gets English "to"
            "Le maire veut fermer la piscine municipale.",
            "mayor wants to close the pool city",
        ),
        (
            # comparative "plus ... que" is "higher ... than"
            "Je pense que les impôts sont plus élevés qu'en Belgique.",
            "i think the taxes are higher than in belgium",
        ),
        (
            # "l'" before an auxiliary is an object pronoun
            "Le conseil l'a approuvé en mars.",
            "council it approved in march",
        ),
        (
            # future of a listed verb; "12 000" stays one number token ("|" separates here)
            "La région versera 12 000 euros aux familles.",
            "region|will|pay|12 000|euros|to|the|families",
        ),
        (
            # conditional of an unlisted verb found by its cognate
            "Elle rénoverait les écoles.",
            "she would renovate the schools",
        ),
    ],
)
def test_lexicon_maps_french_to_english_tokens(sentence: str, tokens: str) -> None:
    expected = tokens.split("|") if "|" in tokens else tokens.split()
    assert _mapped(sentence) == expected


@given(st.text(max_size=200))
def test_any_text_maps_to_words_and_scores_in_range(text: str) -> None:
    for token in _mapped(text):
        # Non-empty, trimmed, and one word unless it is a number such as "12 000".
        assert token and token == token.strip()
        assert " " not in token or token[0].isdigit()
    score = bridged_score(text, "fr")
    assert score is not None and 0.0 <= score <= 1.0
