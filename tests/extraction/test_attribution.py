"""Who says so: speakers found by `find_attribution` and quote speaker tags."""

from __future__ import annotations

import pytest

from bot.extraction import extract_claims
from bot.extraction.attribution import find_attribution, is_attribution_only
from bot.extraction.lexicon import get_lexicon


@pytest.mark.parametrize(
    ("language", "sentence", "speaker"),
    [
        ("fr", "Selon le ministère, 4 200 postes ont été supprimés en 2023.", "ministère"),
        ("fr", "D'après l'Insee, le chômage a reculé à 7,1 % au premier trimestre.", "Insee"),
        # A document speaks through the author it names.
        ("fr", "Le chômage a reculé à 7,1 %, selon les chiffres de l'Insee.", "Insee"),
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
def test_speakers(language: str, sentence: str, speaker: str) -> None:
    attribution = find_attribution(sentence, get_lexicon(language))
    assert attribution is not None
    assert attribution.speaker == speaker


# Issue 23, item 7: the English errors (a clause, a lone determiner, the object of
# "released", a sentence-final "…, the X confirmed") and the patterns around them, with
# their French twins: one rule for what a speaker is.
@pytest.mark.parametrize(
    ("language", "sentence", "speaker"),
    [
        # A clause is not a name: the subject after "and" is.
        ("en", "The council approved the budget and the mayor said it was balanced.", "mayor"),
        (
            "en",
            "Officials closed the road on Monday and the police said 12 cars were damaged.",
            "police",
        ),
        ("en", "He was elected in 2019 and the party said he had resigned in May.", "party"),
        ("fr", "Le conseil a voté le budget et le maire a déclaré qu'il était équilibré.", "maire"),
        ("en", "Smith and Jones said the plant had closed in 2022.", "Smith and Jones"),
        # Never a lone determiner.
        ("en", "The report also found that 30% of the schools lacked heating.", "report"),
        (
            "fr",
            "Le rapport relève également que 30 % des écoles n'étaient pas chauffées.",
            "rapport",
        ),
        # The agency behind a document, not the document's participle.
        (
            "en",
            "Figures released by the Office for National Statistics on Tuesday show that "
            "inflation fell to 3.2%.",
            "Office for National Statistics",
        ),
        (
            "en",
            "Figures released on Tuesday by the statistics office show that inflation fell.",
            "statistics office",
        ),
        (
            "en",
            "Data published by the regional health board show 412 new cases.",
            "regional health board",
        ),
        (
            "en",
            "A 2023 survey by the Tenants Union found that 45% of renters paid half their income.",
            "Tenants Union",
        ),
        ("en", "An analysis by Reuters showed that 12 banks had failed.", "Reuters"),
        (
            "fr",
            "Les chiffres publiés mardi par l'Insee montrent que l'inflation a reculé à 3,2 %.",
            "Insee",
        ),
        (
            "fr",
            "Selon un sondage de l'institut Opinéa réalisé pour Le Matin, 71 % des habitants "
            "s'opposent au projet.",
            "Opinéa",
        ),
        ("en", "The deficit reached $4 million, the audit report says.", "audit report"),
        # Sentence-final "…, the X confirmed", and inverted speakers.
        (
            "en",
            "The bridge will close for three months, the transport agency confirmed.",
            "transport agency",
        ),
        ("en", "The bridge will close for 3 months, the agency confirmed on Friday.", "agency"),
        (
            "en",
            "The quake had a magnitude of 6.1, said the U.S. Geological Survey.",
            "U.S. Geological Survey",
        ),
        ("en", "The plant closed in May, as the Northgate Herald reported.", "Northgate Herald"),
        ("en", "The number of cases rose to 41, the state registry reported.", "state registry"),
        (
            "fr",
            "Le pont fermera pendant trois mois, a confirmé vendredi l'agence des transports.",
            "agence des transports",
        ),
        (
            "fr",
            "Le nombre de cas est passé à 41, comme l'a révélé le quotidien Le Matin.",
            "quotidien Le Matin",
        ),
        # "X said", "X told", "X confirmed/found/reported/announced", "according to X".
        ("en", "The ministry found that 40 staff had been moved.", "ministry"),
        ("en", "The university announced 200 job cuts on Monday.", "university"),
        ("en", "The union reported that 500 members had joined in May.", "union"),
        ("en", "The company, which employs 2,000 people, said it had cut 300 jobs.", "company"),
        ("en", "Jo Hart, the mayor, said the pool would reopen in July.", "Jo Hart"),
        (
            "en",
            "Speaking to reporters on Tuesday, Mayor Jo Hart said the pool would reopen.",
            "Mayor Jo Hart",
        ),
        (
            "en",
            "The hospital treated 87 patients on May 8, according to its chief executive,"
            " Mark Young.",
            "Mark Young",
        ),
        (
            "fr",
            "L'hôpital a soigné 87 patients le 8 mai, selon son directeur, Marc Jeune.",
            "Marc Jeune",
        ),
        (
            "fr",
            "L'entreprise, qui emploie 2 000 personnes, a annoncé qu'elle avait supprimé"
            " 300 postes.",
            "entreprise",
        ),
        ("fr", "Le syndicat affirme avoir recueilli 14 000 signatures.", "syndicat"),
        (
            "fr",
            "Pour sa secrétaire générale, Anne Roy, la direction a supprimé 40 postes.",
            "Anne Roy",
        ),
        ("fr", "Pour le syndicat, la direction a supprimé 40 postes depuis 2020.", "syndicat"),
        ("en", '"We have cut 300 jobs," the company said.', "company"),
        ("en", '"We have cut 300 jobs," Smith told the BBC.', "Smith"),
        # The comma of a figure is not a clause boundary, and "About 62" is not a name.
        (
            "en",
            "About 12,500 homes lost power for two days, the Harbour Energy Company confirmed"
            " on Friday.",
            "Harbour Energy Company",
        ),
        (
            "en",
            "The county has spent $240,000 on sandbags since March 2, a county spokeswoman said.",
            "county spokeswoman",
        ),
        ("en", "Jane Doe, a spokeswoman, said the deficit hit $4 million.", "Jane Doe"),
        # Where and when the speaker spoke is not part of the name.
        (
            "fr",
            "«Nous avons fermé 3 classes en 2024», a déclaré la députée Anne Lemoine devant la"
            " mairie samedi.",
            "Anne Lemoine",  # a person's role in lower case goes, the name stays
        ),
        (
            "en",
            '"We closed 3 classes in 2024," said Councillor Ann Boyd outside the town hall.',
            "Councillor Ann Boyd",
        ),
        # An aside about the sentence's own subject.
        (
            "fr",
            "Kim veut forger une alliance contre l'Occident, comme il l'a souligné en juin.",
            "Kim",
        ),
    ],
)
def test_a_speaker_is_a_name(language: str, sentence: str, speaker: str) -> None:
    attribution = find_attribution(sentence, get_lexicon(language))
    assert attribution is not None
    assert attribution.speaker == speaker


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        # A clause or a figure, never a speaker.
        ("en", "The state registry recorded 41 confirmed measles cases."),
        ("en", "The two countries concluded a security pact in 2024."),
        ("fr", "La Russie et la Corée du Nord ont conclu un pacte de sécurité cet été."),
        ("fr", "Pour financer les navettes, la région a débloqué 2 millions d'euros."),
        ("fr", "Pour beaucoup, la situation est devenue intenable."),
        # A pronoun with no sentence before it.
        ("fr", "Le nombre de cas est passé à 41, a-t-il précisé."),
        ("en", "Both requests were turned down in 2023, she added."),
    ],
)
def test_no_speaker_but_a_name(language: str, sentence: str) -> None:
    assert find_attribution(sentence, get_lexicon(language)) is None


@pytest.mark.parametrize(
    ("language", "previous", "sentence", "speaker"),
    [
        (
            "en",
            "The ministry published its figures on Monday.",
            "It said that 14 of the 40 samples were contaminated.",
            "ministry",
        ),
        (
            "en",
            "Ruth Calloway, who chairs the committee, said the pumps failed in 2022.",
            "Both requests were turned down in 2023, she added.",
            "Ruth Calloway",
        ),
        (
            "en",
            "Councillor Ann Boyd, who sits on the finance committee, defended its decisions.",
            "The committee approved $3.8 million in 2023, she told the Courier, a record.",
            "Councillor Ann Boyd",
        ),
        (
            "fr",
            "L'agence a publié mardi un rapport sur l'offre de soins.",
            "Elle y indique que quatre postes sont vacants depuis 2023.",
            "agence",
        ),
        (
            # "a-t-elle ajouté" continues the speaker of the sentence before, not its subject.
            "fr",
            "Les patients seront transférés à Brion, à 40 kilomètres, a indiqué la docteure"
            " Lina Morel.",
            "Son service a traité 2 300 patients l'an dernier, a-t-elle ajouté.",
            "docteure Lina Morel",
        ),
        (
            "fr",
            "Le préfet de la Drôme, Olivier Grandin, a reçu lundi une délégation.",
            "Son service a traité 1 850 dossiers l'an dernier, a-t-il ajouté.",
            "Olivier Grandin",
        ),
    ],
)
def test_a_pronoun_speaker_is_the_subject_of_the_sentence_before(
    language: str, previous: str, sentence: str, speaker: str
) -> None:
    attribution = find_attribution(sentence, get_lexicon(language), previous)
    assert attribution is not None
    assert (attribution.speaker, attribution.cue) == (speaker, "previous sentence")


def test_a_speaker_named_in_full_before_is_named_in_full_again() -> None:
    text = (
        "About 62,000 households must boil their water, the Aldry Water Authority confirmed"
        " on Monday. The notice was issued on May 5 after tests found E. coli bacteria. The"
        " authority published its latest results on Monday. It said that 14 of the 40"
        " samples taken last week were still contaminated.\n\n"
        "According to an inspection report by the state Environmental Protection Agency,"
        " two of the three chlorine pumps had failed in March. The report also found that"
        " the plant had missed four of its twelve safety checks in 2024.\n"
    )
    claims = extract_claims(text, language="en")

    def speaker(words: str) -> str | None:
        (claim,) = [c for c in claims if words in c.text]
        return claim.speaker

    assert speaker("62,000 households") == "Aldry Water Authority"
    assert speaker("14 of the 40 samples") == "Aldry Water Authority"
    assert speaker("chlorine pumps") == "state Environmental Protection Agency"
    assert speaker("safety checks") == "state Environmental Protection Agency"
    assert speaker("E. coli") is None


def test_a_quote_tagged_with_a_pronoun_takes_the_speaker_before_it() -> None:
    text = (
        "Mayor Daniel Frost told the council on Tuesday that repairs had begun."
        ' "We have spent $1.2 million on bottled water since May 5," he said.\n'
    )
    claims = extract_claims(text, language="en")
    quote = next(c for c in claims if "bottled water" in c.text)
    assert quote.speaker == "Mayor Daniel Frost"


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
    assert [(c.text, c.speaker) for c in claims] == [
        (
            "Des inspecteurs auraient trouvé 14 fûts de solvant dans l'entrepôt de Morlaix.",
            "journal Le Matin",
        )
    ]


def test_quote_followed_by_speaker_on_the_same_line() -> None:
    text = "«Nous avons embauché 45 infirmières depuis janvier» Claire Vidal, directrice\n"
    claims = extract_claims(text, language="fr")
    assert [(c.text, c.speaker) for c in claims] == [
        ("Nous avons embauché 45 infirmières depuis janvier.", "Claire Vidal")
    ]
    claim = claims[0]
    assert text[claim.start : claim.end] == "Nous avons embauché 45 infirmières depuis janvier"


def test_quote_followed_by_speaker_on_the_next_line() -> None:
    text = "“The plant shipped 12,000 turbines in 2024.”\n— Maria Lopez, plant director\n"
    claims = extract_claims(text, language="en")
    assert [(c.text, c.speaker) for c in claims] == [
        ("The plant shipped 12,000 turbines in 2024.", "Maria Lopez")
    ]


def test_quote_with_several_sentences_gives_the_speaker_to_each() -> None:
    text = (
        "«La ligne 4 a transporté 2,3 millions de voyageurs en 2024. "
        "Le réseau a recruté 85 conducteurs depuis mars.» Paul Girard, directeur du réseau.\n"
    )
    claims = extract_claims(text, language="fr")
    assert sorted((c.text, c.speaker) for c in claims) == [
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
    assert first.speaker == "Lucie Arnaud"
