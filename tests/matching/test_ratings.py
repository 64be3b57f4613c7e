"""bot.matching.ratings: publishers' rating words and numbers → evidence stances."""

from __future__ import annotations

import pytest

from bot.matching.ratings import stance_of


@pytest.mark.parametrize(
    "word",
    [
        "False", "FALSE", "false.", "Faux", "Pants on Fire", "Pants on Fire!", "Mostly false",
        "Mostly False", "Plutôt faux", "Fake", "Falso", "Falsa", "Falsch", "Größtenteils falsch",
        "Bufala", "Infox", "Hoax", "Incorrect", "Four Pinocchios", "Onwaar", "Onjuist", "FAŁSZ",
        "Nieprawda", "Fals", "Falskt", "Usant", "Yanlış", "Salah", "Hoaks", "Ψευδές", "Неправда",
        "Фейк", "Ложь", "زائف", "फर्जी", "Netočno",
    ],
)  # fmt: skip
def test_false_like_ratings_refute(word: str) -> None:
    assert stance_of(word) == "refutes"


@pytest.mark.parametrize(
    "word",
    [
        "True", "true", "Vrai", "Mostly true", "Plutôt vrai", "Verdadero", "Richtig", "Wahr",
        "Verdadeiro", "Vero", "Correct", "Accurate", "Exact", "Cierto", "Juist", "Prawda",
        "Pravda", "Adevărat", "Sant", "Doğru", "Benar", "Αληθές", "Правда", "صحيح", "सच",
    ],
)  # fmt: skip
def test_true_like_ratings_support(word: str) -> None:
    assert stance_of(word) == "supports"


@pytest.mark.parametrize(
    "word",
    [
        "Misleading", "Trompeur", "Mixture", "Half True", "Engañoso", "Irreführend", "Enganoso",
        "Fuorviante", "Unproven", "Satire", "Missing context", "Sans contexte", "Outdated",
        "Manipulacja", "Zavádějící", "Yanıltıcı", "Menyesatkan", "Вводит в заблуждение", "مضلل",
        "भ्रामक", "Parzialmente falso", "Gedeeltelijk onwaar",
    ],
)  # fmt: skip
def test_everything_else_is_context(word: str) -> None:
    assert stance_of(word) == "context"


@pytest.mark.parametrize(
    ("value", "best", "worst", "stance"),
    [
        (1.0, 5.0, 1.0, "refutes"),
        (5.0, 5.0, 1.0, "supports"),
        (3.0, 5.0, 1.0, "context"),
        (2.0, 5.0, 1.0, "context"),
        (0.0, 10.0, 0.0, "refutes"),
        (9.0, 10.0, 0.0, "supports"),
        (1.0, 5.0, None, "refutes"),
        (7.0, 5.0, 1.0, "context"),
        (1.0, 1.0, 1.0, "context"),
        (1.0, None, None, "context"),
        (None, 5.0, 1.0, "context"),
    ],
)
def test_a_number_on_its_scale_decides_when_there_is_no_word(
    value: float | None, best: float | None, worst: float | None, stance: str
) -> None:
    assert stance_of(None, value, best, worst) == stance


def test_a_known_word_wins_over_the_number() -> None:
    assert stance_of("Vrai", 1.0, 5.0, 1.0) == "supports"
    assert stance_of("", 1.0, 5.0, 1.0) == "refutes"
