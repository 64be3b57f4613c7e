"""Who says so: sources found by `find_attribution` and quote speaker tags."""

from __future__ import annotations

import pytest

from bot.extraction import extract_claims
from bot.extraction.attribution import find_attribution, is_attribution_only
from bot.extraction.lexicon import get_lexicon


@pytest.mark.parametrize(
    ("language", "sentence", "source"),
    [
        ("fr", "Selon le ministère, 4 200 postes ont été supprimés en 2023.", "ministère"),
        ("fr", "D'après l'Insee, le chômage a reculé à 7,1 % au premier trimestre.", "Insee"),
        (
            "fr",
            "Le chômage a reculé à 7,1 %, selon les chiffres de l'Insee.",
            "chiffres de l'Insee",
        ),
        (
            "fr",
            "Le préfet de la Drôme a affirmé lundi que 300 hectares avaient brûlé.",
            "préfet de la Drôme",
        ),
        (
            "fr",
            "Après la réunion, la ministre de la Santé a annoncé que 12 hôpitaux seraient rénovés.",
            "ministre de la Santé",
        ),
        (
            "fr",
            "L'usine fermera en mai, comme le rapporte le quotidien Ouest-Éclair.",
            "quotidien Ouest-Éclair",
        ),
        (
            "fr",
            "La facture atteint 2 millions d'euros, écrit le journal Le Matin.",
            "journal Le Matin",
        ),
        (
            "en",
            "According to the Office for National Statistics, inflation fell to 3.2%.",
            "Office for National Statistics",
        ),
        ("en", "The ministry said on Tuesday that 300 jobs would go.", "ministry"),
        (
            "en",
            "Jane Doe, the finance director, told reporters that the deficit hit $4 million.",
            "Jane Doe",
        ),
        (
            "en",
            "On Monday, the Transport Authority announced that fares rose 5%.",
            "Transport Authority",
        ),
        ("en", "The deficit reached $4 million, the audit report says.", "audit report"),
        ("en", '"We cut 300 jobs," said Dr. Anna Klein, the plant manager.', "Dr. Anna Klein"),
    ],
)
def test_sources(language: str, sentence: str, source: str) -> None:
    attribution = find_attribution(sentence, get_lexicon(language))
    assert attribution is not None
    assert attribution.source == source


@pytest.mark.parametrize(
    ("sentence", "language"),
    [
        ("Il a déclaré que le projet était terminé.", "fr"),
        ("He said the plan had failed.", "en"),
        ("The state registry recorded 41 confirmed measles cases.", "en"),
        ("Le conseil a voté le budget mardi.", "fr"),
    ],
)
def test_no_source_when_none_is_named(sentence: str, language: str) -> None:
    assert find_attribution(sentence, get_lexicon(language)) is None


def test_attribution_only_sentence_is_recognised() -> None:
    assert is_attribution_only("C'est ce que rapporte le journal Le Matin.", get_lexicon("fr"))
    assert not is_attribution_only("Le journal Le Matin rapporte une hausse.", get_lexicon("fr"))


def test_attribution_only_sentence_gives_its_source_to_the_previous_claim() -> None:
    text = (
        "Des inspecteurs auraient trouvé 14 fûts de solvant dans l'entrepôt de Morlaix. "
        "C'est ce que rapporte le journal Le Matin en citant un document interne.\n"
    )
    claims = extract_claims(text, language="fr")
    assert [(c.text, c.attribution) for c in claims] == [
        (
            "Des inspecteurs auraient trouvé 14 fûts de solvant dans l'entrepôt de Morlaix.",
            "journal Le Matin",
        )
    ]


def test_quote_followed_by_speaker_on_the_same_line() -> None:
    text = "«Nous avons embauché 45 infirmières depuis janvier» Claire Vidal, directrice\n"
    claims = extract_claims(text, language="fr")
    assert [(c.text, c.attribution) for c in claims] == [
        ("Nous avons embauché 45 infirmières depuis janvier.", "Claire Vidal")
    ]
    claim = claims[0]
    assert text[claim.start : claim.end] == "Nous avons embauché 45 infirmières depuis janvier"


def test_quote_followed_by_speaker_on_the_next_line() -> None:
    text = "“The plant shipped 12,000 turbines in 2024.”\n— Maria Lopez, plant director\n"
    claims = extract_claims(text, language="en")
    assert [(c.text, c.attribution) for c in claims] == [
        ("The plant shipped 12,000 turbines in 2024.", "Maria Lopez")
    ]


def test_quote_with_several_sentences_gives_the_speaker_to_each() -> None:
    text = (
        "«La ligne 4 a transporté 2,3 millions de voyageurs en 2024. "
        "Le réseau a recruté 85 conducteurs depuis mars.» Paul Girard, directeur du réseau.\n"
    )
    claims = extract_claims(text, language="fr")
    assert sorted((c.text, c.attribution) for c in claims) == [
        ("La ligne 4 a transporté 2,3 millions de voyageurs en 2024.", "Paul Girard"),
        ("Le réseau a recruté 85 conducteurs depuis mars.", "Paul Girard"),
    ]


def test_sentence_introducing_a_quote_takes_the_speaker_name() -> None:
    text = (
        "Lors d'une conférence, la ministre a affirmé mardi "
        "que l'État versera 40 millions d'euros:\n"
        "«Nous tiendrons nos engagements envers les communes sinistrées» Lucie Arnaud\n"
    )
    claims = extract_claims(text, language="fr")
    first = next(c for c in claims if "40 millions" in c.text)
    assert first.attribution == "Lucie Arnaud"
