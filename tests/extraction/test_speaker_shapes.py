"""Who says so: shapes held-out rounds forty-four to forty-seven missed (issue 23 item 7).

Each sentence is our own, written for these tests, not taken from the held-out articles
(docs/extraction.md, "Who said it").
"""

from __future__ import annotations

import pytest

from bot.extraction import extract_claims


def _speaker_of_fact(language: str, text: str, figure: str) -> list[str | None]:
    return [c.speaker for c in extract_claims(text, language=language) if figure in c.text]


#: (language, text, a figure of the fact, its speaker)
CASES = [
    # a sentence after a closed quotation is no tag of it
    pytest.param(
        "fr",
        "Le maire, Paul Ravier, trouve le projet « trop cher pour une commune de cette taille »."
        " Selon lui, une quarantaine de familles quittent le village chaque année.\n",
        "quarantaine de familles",
        "Paul Ravier",
        id="a-sentence-after-a-quotation-is-no-tag",
    ),
    # "il faut" before a quantity measures it; it is no call to act
    pytest.param(
        "fr",
        "D'après Marc Olier, il faut « environ six mois » pour affiner une meule de 40 kilos.\n",
        "six mois",
        "Marc Olier",
        id="il-faut-before-a-quantity-is-a-fact",
    ),
]


@pytest.mark.parametrize(("language", "text", "figure", "speaker"), CASES)
def test_the_speaker_of_each_fact(
    language: str, text: str, figure: str, speaker: str | None
) -> None:
    assert _speaker_of_fact(language, text, figure) == [speaker]


def test_il_faut_before_an_action_stays_a_call_to_act() -> None:
    assert _speaker_of_fact("fr", "Il faut sauver les 40 emplois de la fromagerie.\n", "40") == []
