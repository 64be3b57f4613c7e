"""Reported judgements (issue 23, item 3): someone's opinion, reported as theirs, is not a fact.

Sentences written for these tests.  A verb of judgement (estimer, juger, considérer,
trouver, penser / consider, deem, feel, find, believe) frames a clause; the sentence is
check-worthy only when the clause is itself a fact.  "Find" has both readings, pinned
here: a study's finding is a fact, shop owners finding rules confusing is not.
"""

from __future__ import annotations

import pytest

from bot.extraction import extract_claims, is_checkworthy, score_sentence
from bot.extraction.lexicon import get_lexicon
from bot.extraction.scoring import assess

JUDGEMENTS = [
    ("fr", "Les opposants estiment que la réforme est injuste pour les petits agriculteurs."),
    ("fr", "Les opposants estiment que cette fermeture met en danger la vie des patients."),
    ("fr", "Le maire juge que la décision de l'agence est une erreur historique."),
    ("fr", "Les syndicats considèrent que le plan social est inacceptable."),
    ("fr", "Les commerçants trouvent que les nouvelles règles de stationnement sont confuses."),
    ("fr", "De nombreux habitants pensent que l'État a abandonné les zones rurales."),
    ("fr", "Les riverains ont jugé que le chantier avait duré bien trop longtemps."),
    ("fr", "Selon les opposants, c'est une réforme injuste et brutale."),
    ("fr", "Le président de la région, Marc Aubry, juge que ce projet est une faute politique."),
    ("fr", "Pour beaucoup de parents, la fusion des deux écoles n'est qu'un début."),
    ("fr", "«C'est un scandale et une honte pour la région», a lancé la députée Anne Lemoine."),
    ("en", "For many parents, the merger of the two schools is only the beginning."),
    ("fr", "«C'est un scandale», a déclaré le maire Paul Girard."),
    ("en", "Critics consider the mayor's plan far too expensive."),
    ("en", "Residents feel that the council has abandoned the harbour district."),
    ("en", "Opposition members believe the tax is unfair to small farmers."),
    ("en", "Shop owners find the new parking rules confusing."),
    ("en", "Environmental groups deem the new quarry a threat to the river."),
    ("en", "Many teachers felt that the inspection had been a waste of time."),
    ("en", "According to the union, it is a betrayal of every nurse in the county."),
    ("en", '"This is a disgrace and a failure of leadership," said Councillor Ann Boyd.'),
]

FACTS = [
    # What the frame reports is a fact: a figure or a date, check-worthy on its own.
    ("fr", "L'Insee estime que 40 % des ménages ont réduit leur consommation de viande en 2023."),
    ("fr", "Le ministère estime à 3 000 le nombre de postes supprimés en 2024."),
    ("fr", "Selon l'Insee, le chômage a reculé à 7,1 % au premier trimestre."),
    ("fr", "Pour le syndicat, la direction a supprimé 40 postes depuis 2020."),
    ("en", "Many residents believe the old bridge was built in 1962."),
    ("en", "Many parents believe that the school closed two classes in 2024."),
    # A finding, not a judgement: who finds decides.
    ("en", "The study found that 40% of the bridges in the county need urgent repairs."),
    ("en", "Auditors found that the agency had overspent by $2 million in 2023."),
    ("en", "The inquiry found that the pilot had ignored two warnings."),
    ("fr", "Le tribunal administratif a jugé que le licenciement de 12 salariés était illégal."),
    ("fr", "«Nous avons fermé 3 classes en 2024», a déclaré le maire Paul Girard."),
]


@pytest.mark.parametrize(("language", "sentence"), JUDGEMENTS)
def test_a_reported_judgement_is_not_checkworthy(language: str, sentence: str) -> None:
    assessment = assess(sentence, get_lexicon(language))
    assert not is_checkworthy(assessment.score)
    assert "reported judgement" in assessment.signals.tags()


@pytest.mark.parametrize(("language", "sentence"), FACTS)
def test_a_reported_fact_stays_checkworthy(language: str, sentence: str) -> None:
    assessment = assess(sentence, get_lexicon(language))
    assert is_checkworthy(assessment.score)
    assert "reported judgement" not in assessment.signals.tags()


def test_find_has_two_readings() -> None:
    assert is_checkworthy(
        score_sentence("The survey found that 40% of renters pay over half their income.", "en")
    )
    assert not is_checkworthy(score_sentence("Many renters find the new rules unfair.", "en"))


def test_a_quoted_judgement_with_its_speaker_is_not_posted() -> None:
    text = (
        "The council closed the Fenwick Road pool on March 3, the city said on Monday.\n\n"
        '"This is a disgrace and a betrayal of every family here," said Councillor Ann Boyd.\n\n'
        '"We have lost 300 swimming lessons since March 3," said Councillor Ann Boyd.\n'
    )
    claims = extract_claims(text, language="en")
    assert [(c.text, c.speaker) for c in claims] == [
        ("The council closed the Fenwick Road pool on March 3, the city said on Monday.", "city"),
        ("We have lost 300 swimming lessons since March 3.", "Councillor Ann Boyd"),
    ]


def test_a_quoted_judgement_in_french_is_not_posted() -> None:
    text = (
        "La mairie a fermé la piscine municipale le 3 mars, a indiqué la préfecture.\n\n"
        "«C'est un scandale et un abandon des familles», a lancé la députée Anne Lemoine.\n\n"
        "«Nous avons perdu 300 heures de cours de natation depuis mars», a déclaré Anne Lemoine.\n"
    )
    claims = extract_claims(text, language="fr")
    assert sorted((c.text, c.speaker) for c in claims) == [
        (
            "La mairie a fermé la piscine municipale le 3 mars, a indiqué la préfecture.",
            "préfecture",
        ),
        ("Nous avons perdu 300 heures de cours de natation depuis mars.", "Anne Lemoine"),
    ]
