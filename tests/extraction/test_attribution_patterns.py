"""Who says so, newsroom patterns the second held-out round missed (issue 23 item 7).

Each sentence is our own, not taken from the held-out articles (docs/extraction.md,
"Who said it").
"""

from __future__ import annotations

import pytest

from bot.extraction import ClaimCandidate, extract_claims

from .speakers import speaker_of


def _speaker_of(claims: list[ClaimCandidate], words: str) -> str | None:
    (claim,) = [c for c in claims if words in c.text]
    return claim.speaker


@pytest.mark.parametrize(
    ("sentence", "speaker"),
    [
        # The part before "and" holds a figure: a clause, not part of the name.
        (
            "The county shut 12 libraries in 2024 and the state library board said the"
            " closures broke its funding rules.",
            "state library board",
        ),
        # ... or a time phrase and a verb the word list does not know.
        (
            "Negotiations broke down on Friday evening and the federal arbitration office"
            " said no talks were planned before August 3.",
            "federal arbitration office",
        ),
    ],
)
def test_clause_with_a_figure_or_a_time_before_and_is_not_the_speaker(
    sentence: str, speaker: str
) -> None:
    assert speaker_of("en", sentence) == speaker


def test_inverted_role_with_a_name_in_it_then_the_person_is_the_person() -> None:
    sentence = (
        "Fire crews answered 5,200 calls in 2025, said the chief officer of the Lowmoor"
        " Fire Service, Grace Ndlovu."
    )
    assert speaker_of("en", sentence) == "Grace Ndlovu"


def test_role_with_a_name_in_it_stays_when_the_sentence_goes_on_after_the_person() -> None:
    sentence = (
        "According to the director of the Lowmoor Museum, Jo Park, Tom Reed and two guards"
        " were on duty."
    )
    assert speaker_of("en", sentence) == "director of the Lowmoor Museum"


def test_document_verb_at_the_end_of_the_sentence_is_not_part_of_the_speaker() -> None:
    sentence = (
        "Rents in the old town rose by 14 percent in two years, figures from the Lowmoor"
        " Housing Office show."
    )
    assert speaker_of("en", sentence) == "Lowmoor Housing Office"


def test_pour_with_an_article_and_a_long_body_name_gives_the_body() -> None:
    sentence = (
        "Pour la fédération des commerçants et artisans du Val-Morin, 85 boutiques ont"
        " fermé depuis 2022."
    )
    assert speaker_of("fr", sentence) == "fédération des commerçants et artisans du Val-Morin"


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("fr", "Rien ne dit que la commune pourra rembourser ses 3 millions d'euros de dette."),
        ("fr", "Personne n'a affirmé que 40 postes seraient supprimés en 2027."),
        ("en", "Nothing suggests that the 300 missing files were stolen, and nobody said so."),
        ("en", "Nobody said that 40 jobs would go in 2027."),
    ],
)
def test_negative_subject_names_no_speaker(language: str, sentence: str) -> None:
    assert speaker_of(language, sentence) is None


def test_one_word_speaker_named_in_full_paragraphs_before() -> None:
    text = (
        "An inquiry published on Monday by the Lowmoor Schools Inspectorate found that 14 of"
        " the 60 schools had no qualified science teacher.\n\n"
        "The town has 60 state schools. The oldest opened in 1901. The newest opened in"
        " 2019.\n\n"
        "Of the 900 teachers surveyed, 38 percent said they planned to leave within two"
        " years, the inquiry showed. The report also found that 11 schools had closed a"
        " classroom because of damp in 2025.\n"
    )
    claims = extract_claims(text, language="en")
    assert _speaker_of(claims, "38 percent") == "Lowmoor Schools Inspectorate"
    assert _speaker_of(claims, "because of damp") == "Lowmoor Schools Inspectorate"


def test_one_word_speaker_is_the_name_it_heads_not_one_it_complements() -> None:
    text = (
        "Le groupe Transports Vautrin a annoncé mardi la suppression de 120 postes à Brienne."
        " Selon la direction du groupe, les ventes ont baissé de 9 % en 2025.\n\n"
        "Le dépôt a été construit en 1988. Il emploie 400 salariés. Ses camions roulent la"
        " nuit.\n\n"
        "Le carburant a augmenté de 30 % depuis 2021 et le groupe a indiqué que ses"
        " marges avaient reculé de 4 % sur la même période.\n"
    )
    claims = extract_claims(text, language="fr")
    assert _speaker_of(claims, "marges") == "Transports Vautrin"


def test_a_quote_opening_its_paragraph_tagged_he_added_takes_the_speaker_before() -> None:
    text = (
        "The strike ended on Friday, according to union leader Omar Haddad. Haddad said"
        " members had accepted a rise of 6 percent in a vote on Thursday.\n\n"
        '"Our members have not had a rise above inflation since 2018," he added.\n'
    )
    claims = extract_claims(text, language="en")
    assert _speaker_of(claims, "since 2018") in {"Omar Haddad", "Haddad"}


def test_a_quote_tagged_with_an_inverted_pronoun_takes_the_speaker_before() -> None:
    text = (
        "Le président du conseil départemental, Louis Ferrand, a annoncé jeudi la"
        " fermeture du collège de Brienne en 2027. «Le collège a perdu 180 élèves depuis"
        " 2015», a-t-il précisé.\n"
    )
    claims = extract_claims(text, language="fr")
    assert _speaker_of(claims, "180 élèves") == "Louis Ferrand"


def test_a_sentence_after_a_quote_tag_on_the_same_line_is_a_claim_of_its_own() -> None:
    text = (
        "«Nous avons formé 45 apprentis en 2025», a déclaré Julie Garnier, déléguée"
        " syndicale. Elle a ajouté que la direction avait promis en 2023 de garder le"
        " site ouvert jusqu'en 2031.\n"
    )
    claims = extract_claims(text, language="fr")
    assert _speaker_of(claims, "45 apprentis") == "Julie Garnier"
    assert _speaker_of(claims, "2031") == "Julie Garnier"


def test_told_a_listener_then_a_clause_the_speaker_is_the_subject() -> None:
    sentence = (
        "The headteacher, Joan Pike, told parents in a letter that 42 pupils had been moved"
        " to other schools."
    )
    assert speaker_of("en", sentence) == "Joan Pike"


def test_document_of_an_unnamed_body_seen_by_a_newspaper_stays_the_document() -> None:
    sentence = (
        "According to minutes of the board meeting obtained by the Lowmoor Herald, 3 of the"
        " 11 members abstained."
    )
    assert speaker_of("en", sentence) == "minutes of the board meeting"


@pytest.mark.parametrize(
    ("language", "sentence", "speaker"),
    [
        (
            "en",
            "A study commissioned by the city from the engineering firm Hollis Grant found"
            " that 9 of the 30 bridges needed repairs.",
            "Hollis Grant",
        ),
        (
            "fr",
            "Selon une étude commandée par la mairie auprès du cabinet Ardent, 9 des 30 ponts"
            " doivent être réparés.",
            "cabinet Ardent",
        ),
    ],
)
def test_document_commissioned_by_one_from_another_speaks_through_its_maker(
    language: str, sentence: str, speaker: str
) -> None:
    assert speaker_of(language, sentence) == speaker


def test_one_word_speaker_takes_the_name_the_article_gave_it_before() -> None:
    text = (
        "Lowmoor College will cut 120 jobs by June 2027, the college's governing board"
        " announced on Monday. The town has 8,000 students. Its library opened in 1961."
        " Its sports hall opened in 1975.\n\n"
        "In a statement, the college said 40 of the jobs were teaching posts.\n"
    )
    claims = extract_claims(text, language="en")
    assert _speaker_of(claims, "teaching posts") == "Lowmoor College"


def test_a_quote_right_after_a_tagged_quote_has_the_same_speaker() -> None:
    text = (
        "The club is in debt, according to its accounts.\n\n"
        '"We have lost 300 members since 2020," said Tom Ellis, the club secretary. "Our'
        ' pitch fees rose by 40 percent in 2024."\n\n'
        "Mayor Rita Vance told the council on Monday that the club would get a grant."
        ' "The city paid £20,000 towards the new roof in 2023," she said. "Work started on'
        ' May 4 and took eight weeks."\n'
    )
    claims = extract_claims(text, language="en")
    assert _speaker_of(claims, "300 members") == "Tom Ellis"
    assert _speaker_of(claims, "40 percent") == "Tom Ellis"
    assert _speaker_of(claims, "£20,000") == "Mayor Rita Vance"
    assert _speaker_of(claims, "May 4") == "Mayor Rita Vance"


def test_a_document_written_by_a_role_in_a_year_speaks_through_the_role() -> None:
    sentence = "A report written by the county engineer in 2019 warned that 12 bridges were unsafe."
    assert speaker_of("en", sentence) == "county engineer"


def test_calculated_at_the_end_of_the_sentence_reports() -> None:
    sentence = "Shops lost £2 million in trade in March, the Lowmoor Chamber of Trade calculated."
    assert speaker_of("en", sentence) == "Lowmoor Chamber of Trade"


def test_a_heading_before_a_name_is_not_part_of_it() -> None:
    text = (
        "The bill\n\n"
        "The Association of Master Builders estimates that repairs will cost £12 million."
        " The average repair cost £8,000 in 2024, the association said.\n"
    )
    claims = extract_claims(text, language="en")
    assert _speaker_of(claims, "£8,000") == "Association of Master Builders"
    assert not any("bill The" in c.text or "bill The" in (c.speaker or "") for c in claims)


def test_a_quote_tag_ends_at_its_sentence_before_the_next_one() -> None:
    text = (
        "«Nous avons rejeté 900 litres d'eau chaude dans le canal», a reconnu le directeur"
        " de la centrale, Paul Meunier. Il a affirmé que le rejet avait duré moins de trois"
        " heures.\n"
    )
    claims = extract_claims(text, language="fr")
    assert _speaker_of(claims, "900 litres") == "Paul Meunier"


def test_only_names_before_a_compound_past_make_the_subject_the_speaker() -> None:
    sentence = (
        "La présidente de la région Val-Morin, Anne Vidal, a annoncé jeudi la fermeture de"
        " la maternité de Brienne."
    )
    assert speaker_of("fr", sentence) == "Anne Vidal"


def test_a_clause_before_the_comma_keeps_the_inverted_speaker() -> None:
    sentence = "Trois écoles ont fermé en 2025, a annoncé jeudi la présidente de la région."
    assert speaker_of("fr", sentence) == "présidente de la région"


def test_analyses_are_a_document_that_speaks_through_its_author() -> None:
    sentence = (
        "Des analyses réalisées par le laboratoire régional ont révélé un taux de nitrates"
        " trois fois supérieur à la norme."
    )
    assert speaker_of("fr", sentence) == "laboratoire régional"


def test_pour_an_office_with_an_elided_article_gives_the_office() -> None:
    sentence = "Pour l'Office national des forêts, 12 % des chênes de la région sont malades."
    assert speaker_of("fr", sentence) == "Office national des forêts"


def test_one_word_speaker_takes_a_name_written_head_first() -> None:
    text = (
        "The Association of Bus Operators polled 200 of its members in May. Of those, 64"
        " percent said fuel costs had doubled since 2021, the association found.\n"
    )
    claims = extract_claims(text, language="en")
    assert _speaker_of(claims, "64 percent") == "Association of Bus Operators"


# An organisation named by its class after the article named it (fourth held-out round).


@pytest.mark.parametrize(
    ("text", "words", "speaker"),
    [
        # An organisation word in the name, earlier in the same sentence.
        (
            "Harbour Link Ferries will withdraw 3 of its 9 vessels next spring, the"
            " state-owned operator said on Friday.\n",
            "9 vessels",
            "Harbour Link Ferries",
        ),
        (
            "Corran Water Ltd supplies 410,000 homes in the county. The company said it lost"
            " 23 percent of its treated water to leaks in 2025.\n",
            "23 percent",
            "Corran Water Ltd",
        ),
        # The class noun written before the name, sentences before.
        (
            "The bus operator Valebus runs 64 routes in the county. Passengers made 8"
            " million journeys last year. The firm said 120 drivers had left since 2024.\n",
            "120 drivers",
            "Valebus",
        ),
        # An organisation of another class in between is not the company.
        (
            "Kelso Energy cut 200 jobs in 2025. The Northfield Workers Union said 45 of them"
            " were engineers. The company said the cuts saved £12 million.\n",
            "£12 million",
            "Kelso Energy",
        ),
        (
            "Rates are set by the energy watchdog Powerwatch. The regulator said 1.2 million"
            " households were behind on their bills in March.\n",
            "1.2 million",
            "Powerwatch",
        ),
    ],
)
def test_an_organisation_named_by_its_class_is_the_name_the_article_gave_it(
    text: str, words: str, speaker: str
) -> None:
    claims = extract_claims(text, language="en")
    assert _speaker_of(claims, words) == speaker


@pytest.mark.parametrize(
    ("text", "words", "speaker"),
    [
        # A name in a complement ("filiale du groupe Moreau") counts only after the others.
        (
            "Le réseau est géré depuis 2015 par la société Transvallée, filiale du groupe"
            " Moreau. L'entreprise affirme avoir transporté 3,4 millions de voyageurs en"
            " 2025.\n",
            "3,4 millions",
            "Transvallée",
        ),
        # The subject of the sentence before, an organisation by nothing but its place.
        (
            "Surfrider Océan Atlantique dénonce des rejets d'eaux usées sur 12 plages."
            " D'après l'association, 40 % des prélèvements dépassaient les seuils en"
            " juillet.\n",
            "40 %",
            "Surfrider Océan Atlantique",
        ),
        (
            "La SNCF a supprimé 40 trains régionaux en mars. L'entreprise a expliqué que 25"
            " conducteurs manquaient à l'appel.\n",
            "25 conducteurs",
            "SNCF",
        ),
        # "Elle", the company of the sentence before.
        (
            "Le site est exploité par le groupe Norvia depuis 2009. L'exploitant a reconnu"
            " que 18 % de l'eau était perdue. Elle affirme avoir remplacé 30 kilomètres de"
            " tuyaux depuis 2020.\n",
            "30 kilomètres",
            "Norvia",
        ),
    ],
)
def test_une_organisation_nommee_par_sa_classe_est_le_nom_donne_avant(
    text: str, words: str, speaker: str
) -> None:
    claims = extract_claims(text, language="fr")
    assert _speaker_of(claims, words) == speaker


@pytest.mark.parametrize(
    ("language", "text", "words", "speaker"),
    [
        # Never a person: two capitalised words, or a name given with a role or an age.
        (
            "en",
            "Ruth Okafor runs a bakery in Dunmore with 6 staff. The company said 30 bakeries"
            " had closed in the county in 2025.\n",
            "30 bakeries",
            "company",
        ),
        (
            "en",
            "Tom Reyes, 58, has farmed in the valley since 1990. The association said 1,200"
            " farms had asked for help in 2025.\n",
            "1,200 farms",
            "association",
        ),
        # A word capitalised only because it opens the sentence is no name.
        (
            "en",
            "Farmers have lost 40 percent of their harvest. The association said 1,200 farms"
            " had asked for help in 2025.\n",
            "1,200 farms",
            "association",
        ),
        (
            "fr",
            "Marie Dubois a fondé sa boulangerie en 1998 avec 3 salariés. L'entreprise affirme"
            " avoir doublé son chiffre d'affaires en 2025.\n",
            "doublé",
            "entreprise",
        ),
        # The head of "direction du groupe" is the direction, not the group.
        (
            "fr",
            "Le groupe Papeteries Martel ferme son usine de Vienne. Selon la direction du"
            " groupe, le site a perdu 9 millions d'euros en 2025.\n",
            "9 millions",
            "direction du groupe",
        ),
    ],
)
def test_a_class_never_takes_a_person_or_a_word_that_only_opens_a_sentence(
    language: str, text: str, words: str, speaker: str
) -> None:
    claims = extract_claims(text, language=language)
    assert _speaker_of(claims, words) == speaker


def test_selon_lui_takes_the_person_named_in_apposition_before() -> None:
    text = (
        "Le directeur de l'hôpital de Lormont, Henri Vasseur, conteste ces chiffres. Selon"
        " lui, 14 lits ont été rouverts depuis janvier.\n"
    )
    claims = extract_claims(text, language="fr")
    assert _speaker_of(claims, "14 lits") == "Henri Vasseur"


def test_an_inverted_pronoun_tag_with_any_quote_verb_takes_the_person_before() -> None:
    text = (
        "La présidente du département, Claire Fabre, a signé lundi un arrêté sur la"
        " chasse. Les contrevenants risquent 750 euros d'amende, a-t-elle rappelé.\n"
    )
    claims = extract_claims(text, language="fr")
    assert _speaker_of(claims, "750 euros") == "Claire Fabre"


def test_a_quote_after_a_role_and_a_name_with_an_unknown_verb_is_the_person() -> None:
    text = (
        "Le sénateur de la Meuse, Paul Garnier, réclame une enquête. « En 2025, l'usine a"
        " rejeté 12 tonnes de solvants dans la rivière », a-t-il affirmé.\n"
    )
    claims = extract_claims(text, language="fr")
    assert _speaker_of(claims, "12 tonnes") == "Paul Garnier"


def test_a_document_commissioned_from_a_firm_in_a_year_speaks_through_the_firm() -> None:
    sentence = (
        "Une étude commandée par la région au cabinet Orséa en 2024, dont Le Courrier a"
        " obtenu une copie, chiffrait à 6 millions d'euros le coût des travaux."
    )
    assert speaker_of("fr", sentence) == "cabinet Orséa"


@pytest.mark.parametrize(
    ("language", "sentence", "speaker"),
    [
        (
            "en",
            "The ward closed for 9 days in May, a spokesman for the Lowmoor Care Trust said.",
            "Lowmoor Care Trust",
        ),
        (
            "fr",
            "Selon une porte-parole de la Régie des eaux de Castelnau, 28 communes sont"
            " concernées.",
            "Régie des eaux de Castelnau",
        ),
        # A spokesperson of a body without a name stays the spokesperson.
        (
            "en",
            "The ward closed for 9 days in May, a spokesman for the trust said.",
            "spokesman for the trust",
        ),
    ],
)
def test_a_spokesperson_for_a_named_body_gives_the_body(
    language: str, sentence: str, speaker: str
) -> None:
    assert speaker_of(language, sentence) == speaker


# Fifth held-out round (docs/extraction.md, "Who said it"): sentences of our own.


def test_a_document_published_on_a_day_by_a_body_speaks_through_the_body() -> None:
    sentence = (
        "Bus fares will rise by 12 percent in June, according to figures released on"
        " Monday by the Lowmoor Transport Board."
    )
    assert speaker_of("en", sentence) == "Lowmoor Transport Board"


def test_a_surname_alone_is_the_full_name_the_article_gave_before() -> None:
    text = (
        "Nadia Osei, the head of the Lowmoor bus company, was cautious.\n\n"
        '"We will add 40 buses to the night routes before the end of May," Osei told'
        " Radio Lowmoor.\n"
    )
    claims = extract_claims(text, language="en")
    assert _speaker_of(claims, "40 buses") == "Nadia Osei"


def test_a_surname_alone_with_two_people_of_that_name_stays_the_surname() -> None:
    text = (
        "Nadia Osei and her brother Kofi Osei run the depot.\n\n"
        '"We will add 40 buses to the night routes before the end of May," Osei told'
        " Radio Lowmoor.\n"
    )
    claims = extract_claims(text, language="en")
    assert _speaker_of(claims, "40 buses") == "Osei"


def test_a_pronoun_tag_after_a_clause_takes_the_person_before() -> None:
    text = (
        "The head of the Lowmoor Port Authority, Ian Corr, spoke to the press on Monday."
        " Traffic on the northern quays grew by 9 percent last year, he told reporters,"
        " the best year on record.\n"
    )
    claims = extract_claims(text, language="en")
    assert _speaker_of(claims, "9 percent") == "Ian Corr"


def test_a_person_questioned_by_a_newspaper_is_the_speaker_not_the_newspaper() -> None:
    sentence = (
        "Le pédiatre Marc Aubry, interrogé par La Voix du Centre, rappelle que 30 % des"
        " enfants du quartier ne déjeunent pas le matin."
    )
    assert speaker_of("fr", sentence) == "pédiatre Marc Aubry"


@pytest.mark.parametrize(
    ("sentence", "speaker"),
    [
        (
            "L'agence régionale de santé rappelle de son côté que 14 centres de vaccination"
            " ont fermé depuis 2023.",
            "agence régionale de santé",
        ),
        (
            "Le syndicat Sud des hospitaliers indique, lui, que 40 lits ont été fermés cet hiver.",
            "Sud des hospitaliers",
        ),
    ],
)
def test_an_aside_between_the_verb_and_que_keeps_the_subject_the_speaker(
    sentence: str, speaker: str
) -> None:
    assert speaker_of("fr", sentence) == speaker


def test_a_role_a_name_and_a_party_in_brackets_then_any_verb_is_the_person() -> None:
    text = (
        "La députée de la circonscription Sophie Marchal (Renaissance) critique le projet."
        " L'usine a rejeté 8 tonnes de solvants en 2025, assure-t-elle.\n"
    )
    claims = extract_claims(text, language="fr")
    assert _speaker_of(claims, "8 tonnes") == "Sophie Marchal"


@pytest.mark.parametrize(
    ("language", "sentence", "speaker"),
    [
        (
            "fr",
            "Un rapport publié par la métropole au printemps chiffrait à 4 millions d'euros"
            " le coût des travaux.",
            "métropole",
        ),
        (
            "en",
            "A review published by the county council last summer found that 18 bridges"
            " needed repairs.",
            "county council",
        ),
    ],
)
def test_a_time_complement_after_an_author_is_not_part_of_its_name(
    language: str, sentence: str, speaker: str
) -> None:
    assert speaker_of(language, sentence) == speaker


def test_resolving_a_reference_does_not_take_a_role_for_the_body() -> None:
    text = (
        "Le président du syndicat des transports de la vallée, Luc Morel, juge le tarif"
        " trop bas. Un audit commandé par le syndicat en 2024 chiffrait à 3 millions"
        " d'euros le déficit du réseau.\n"
    )
    claims = extract_claims(text, language="fr")
    (claim,) = [c for c in claims if "3 millions" in c.text]
    assert "président du syndicat" not in claim.text
    assert claim.text.startswith("Un audit commandé par le syndicat")
