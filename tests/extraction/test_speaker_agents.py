"""Who made a document, who a trade's name stands for: shapes held-out rounds thirty-six and
thirty-seven missed (issue 23 item 7).

Each sentence is our own, written for these tests, not taken from the held-out articles
(docs/extraction.md, "Who said it").
"""

from __future__ import annotations

import pytest

from bot.extraction import extract_claims


def _speaker_of_fact(language: str, text: str, figure: str) -> list[str | None]:
    return [c.speaker for c in extract_claims(text, language=language) if figure in c.text]


@pytest.mark.parametrize(
    ("language", "text", "figure", "speaker"),
    [
        (
            "en",
            "A poll of harbour users by the Kelso Boat Club found that 23 of 40 moorings were"
            " empty in August.\n",
            "23 of 40",
            "Kelso Boat Club",
        ),
        (
            "en",
            "An analysis published in May by scientists at Pembury Marine Institute estimated"
            " that eelgrass cover had fallen by 31 percent since 2010.\n",
            "31 percent",
            "Pembury Marine Institute",
        ),
        (
            "fr",
            "Un inventaire dressé en 2024 par le parc naturel régional des Vosges du Nord"
            " recense 12 forges encore actives.\n",
            "12 forges",
            "parc naturel régional des Vosges du Nord",
        ),
        (
            "fr",
            "Selon le relevé que Martine Oudot tient chaque matin, la nappe a baissé de 14"
            " centimètres en un mois.\n",
            "14 centimètres",
            "Martine Oudot",
        ),
    ],
)
def test_a_document_speaks_through_its_agent(
    language: str, text: str, figure: str, speaker: str
) -> None:
    assert _speaker_of_fact(language, text, figure) == [speaker]


def test_a_document_seen_by_a_newspaper_is_not_the_newspapers() -> None:
    text = (
        "According to minutes of the board meeting seen by the Harlow Echo, 11 of the 14"
        " trustees voted to sell the crane.\n"
    )
    assert _speaker_of_fact("en", text, "11 of the 14") != ["Harlow Echo"]


@pytest.mark.parametrize(
    ("language", "text", "figure", "speaker"),
    [
        (
            "fr",
            "Paul Girard, lui, a promis de rester. « On a réparé 40 barques en dix ans », dit le"
            " menuisier, qui vit à Corbie.\n",
            "40 barques",
            "Paul Girard",
        ),
        (
            "en",
            'Dora Finch has kept bees on the moor since 1998. "We lost 60 hives last winter,"'
            " the beekeeper said.\n",
            "60 hives",
            "Dora Finch",
        ),
    ],
)
def test_a_trade_named_after_the_person_is_the_person(
    language: str, text: str, figure: str, speaker: str
) -> None:
    assert _speaker_of_fact(language, text, figure) == [speaker]


@pytest.mark.parametrize(
    ("language", "text", "figure", "speaker"),
    [
        (
            "fr",
            "Parmi les clients fidèles figure le Mobilier national, qui confirme avoir commandé"
            " 90 mètres de velours.\n",
            "90 mètres",
            "Mobilier national",
        ),
        (
            "fr",
            "La Compagnie maritime des îles du Ponant, qui assure la liaison, a acheminé 4 000"
            " colis en juillet.\n",
            "4 000 colis",
            "Compagnie maritime des îles du Ponant",
        ),
        (
            "en",
            "Among its oldest customers is the National Trust, which confirmed it had ordered"
            " 300 metres of cloth.\n",
            "300 metres",
            "National Trust",
        ),
    ],
)
def test_a_relative_clause_speaks_for_the_whole_name_before_it(
    language: str, text: str, figure: str, speaker: str
) -> None:
    assert _speaker_of_fact(language, text, figure) == [speaker]


def test_a_named_body_counts() -> None:
    text = "L'office de tourisme de la vallée de Munster a comptabilisé 61 000 nuitées cet été.\n"
    assert _speaker_of_fact("fr", text, "61 000") == ["office de tourisme de la vallée de Munster"]
