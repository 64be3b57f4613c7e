"""Who says so: sentence shapes the sixth held-out round missed (issue 23 item 7).

Each sentence is our own, written for these tests, not taken from the held-out articles
(docs/extraction.md, "Who said it").
"""

from __future__ import annotations

import pytest

from bot.extraction import extract_claims
from bot.extraction.attribution import find_attribution
from bot.extraction.lexicon import get_lexicon


def _speaker(language: str, sentence: str, previous: str | None = None) -> str | None:
    attribution = find_attribution(sentence, get_lexicon(language), previous)
    return attribution.speaker if attribution is not None else None


@pytest.mark.parametrize(
    ("language", "sentence", "speaker"),
    [
        (
            "en",
            "The inspection, carried out by the surveying firm Dunley & Pratt, found that"
            " 300 bridges needed repairs.",
            "surveying firm Dunley & Pratt",
        ),
        (
            "en",
            "The review, published on Monday by the Office for Rail Safety, says 14 signals"
            " failed last year.",
            "Office for Rail Safety",
        ),
        (
            "fr",
            "L'étude, réalisée par le cabinet Orvane, montre que 40 % des ponts sont fragiles.",
            "cabinet Orvane",
        ),
    ],
)
def test_a_document_with_its_author_between_commas_speaks_through_the_author(
    language: str, sentence: str, speaker: str
) -> None:
    assert _speaker(language, sentence) == speaker


def test_a_passive_participle_is_not_a_reporting_verb() -> None:
    previous = "Tom Hale, a retired teacher, said the flat had flooded three times."
    sentence = (
        "Two of his neighbours have been admitted to hospital since March, he told the Courier."
    )
    assert _speaker("en", sentence, previous) == "Tom Hale"


@pytest.mark.parametrize(
    ("language", "sentence", "speaker"),
    [
        (
            "en",
            "The association polled 900 parents in May and found that 62 percent had skipped"
            " a meal.",
            "association",
        ),
        (
            "fr",
            "Le syndicat a interrogé 300 agents en mars et a constaté que 40 % d'entre eux"
            " travaillaient le dimanche.",
            "syndicat",
        ),
    ],
)
def test_a_second_verb_after_and_shares_the_subject_of_the_first(
    language: str, sentence: str, speaker: str
) -> None:
    assert _speaker(language, sentence) == speaker


def test_its_report_speaks_for_the_subject_of_the_sentence() -> None:
    sentence = (
        "The port authority handled 2.1 million containers in 2025, its annual report shows,"
        " a record for the harbour."
    )
    assert _speaker("en", sentence) == "port authority"


def test_its_report_after_a_clause_without_a_speaker_is_the_speaker_before() -> None:
    previous = "The Coastal Standards Agency inspected 40 harbours last year."
    sentence = "Nine of them failed the safety test, its report says."
    assert _speaker("en", sentence, previous) == "Coastal Standards Agency"


@pytest.mark.parametrize(
    ("language", "sentence", "speaker"),
    [
        (
            "en",
            "A spokesman for the Department for Environment, Food and Rural Affairs said 40"
            " farms had been inspected.",
            "Department for Environment, Food and Rural Affairs",
        ),
        (
            "en",
            "The Office of Science, Technology and Innovation said it had funded 12 projects.",
            "Office of Science, Technology and Innovation",
        ),
    ],
)
def test_a_name_with_a_list_of_capitalised_words_keeps_its_commas(
    language: str, sentence: str, speaker: str
) -> None:
    assert _speaker(language, sentence) == speaker


@pytest.mark.parametrize(
    "sentence",
    [
        "Under the rule known as Sam's Rule, named after a boy who drowned in 2019, pools must"
        " log incidents within 5 days.",
        "Landlords must now investigate reports of damp within 14 days.",
    ],
)
def test_a_participle_phrase_or_a_noun_is_not_a_speaker(sentence: str) -> None:
    assert _speaker("en", sentence) is None


def test_pour_a_role_then_the_person_then_a_clause_gives_the_person() -> None:
    previous = (
        "Pour le directeur de l'office de tourisme de Valcrest, Paul Drouet, la saison est sauvée."
    )
    sentence = "Le village a accueilli 12 000 visiteurs en août, a-t-il précisé."
    assert _speaker("fr", previous) == "Paul Drouet"
    assert _speaker("fr", sentence, previous) == "Paul Drouet"


def test_a_role_with_a_name_then_a_person_then_more_names_stays_the_role() -> None:
    sentence = (
        "According to the director of the Lowmoor Museum, Jo Park, Tom Reed and two guards"
        " were on duty."
    )
    assert _speaker("en", sentence) == "director of the Lowmoor Museum"


def test_a_report_in_the_imperfect_speaks_through_its_author() -> None:
    sentence = (
        "Une étude de l'Observatoire régional publiée en 2023 relevait que 30 % des nappes"
        " étaient en baisse."
    )
    assert _speaker("fr", sentence) == "Observatoire régional"


@pytest.mark.parametrize(
    ("language", "previous", "sentence", "speaker"),
    [
        (
            "fr",
            "La fédération Rivières Vivantes, pour sa part, réclame que les barrages soient"
            " démantelés.",
            "Selon elle, 42 seuils ont été détruits depuis 2010.",
            "Rivières Vivantes",
        ),
        (
            "en",
            "The charity Open Rivers, for its part, wants the weirs removed.",
            "According to it, 42 weirs have been removed since 2010.",
            "Open Rivers",
        ),
    ],
)
def test_a_pronoun_source_is_a_named_body_opening_the_sentence_before(
    language: str, previous: str, sentence: str, speaker: str
) -> None:
    assert _speaker(language, sentence, previous) == speaker


def test_a_pronoun_speaker_is_a_name_opening_the_sentence_before_whatever_its_verb() -> None:
    previous = "The Harbour Trust upheld 12 appeals by fishing crews in 2025."
    sentence = "It said three more appeals were still pending."
    assert _speaker("en", sentence, previous) == "Harbour Trust"


def test_a_capitalised_word_opening_a_sentence_alone_is_not_taken_for_a_name() -> None:
    previous = "Officials upheld 12 appeals by fishing crews in 2025."
    sentence = "It said three more appeals were still pending."
    assert _speaker("en", sentence, previous) is None


def test_a_compound_past_of_any_quote_verb_reports_before_its_clause() -> None:
    sentence = (
        "L'office départemental de l'eau (ODE) a rappelé lundi que 14 forages avaient été"
        " fermés depuis 2022."
    )
    assert _speaker("fr", sentence) == "office départemental de l'eau (ODE)"


def test_a_present_quote_tag_names_the_speaker_and_the_next_paragraph_stays_a_claim() -> None:
    text = (
        "« Nous avons perdu 30 brebis en août, faute d'herbe », témoigne Lucie Marchal,"
        " éleveuse à Bercy-le-Haut. « Si la pluie ne revient pas, je vendrai tout. »\n\n"
        "À Saint-Ogier-sur-Lène, la mairie livre 2 000 litres d'eau par jour depuis le"
        " 3 août, a indiqué son adjoint, Hervé Salomon.\n"
    )
    claims = extract_claims(text, language="fr")
    assert [(c.speaker, c.text[:40]) for c in claims] == [
        ("Hervé Salomon", "À Saint-Ogier-sur-Lène, la mairie livre "),
        ("Lucie Marchal", "Nous avons perdu 30 brebis en août, faut"),
    ]
