"""What a speaker is: one rule for every attribution pattern, in every language.

An attribution answers "who says so?" with a name: a person ("Dr. Priya Raman"), an
office ("the mayor"), an organisation ("Aldry Water Authority") or a report ("council
records").  Whatever pattern found the phrase ("X said", "selon X", "…, the X
confirmed", a quote's tag), it is kept only when it is one:

* a noun phrase, with no verb: "the council approved the budget and the mayor" is a
  clause (`subject_phrase` keeps "the mayor");
* no figure ("41", "3.2%"), except as part of a name ("Channel 4");
* more than a determiner or a pronoun ("The", "It");
* a document speaks through its author when the sentence names one: "figures released
  by the state Department of Health" is the Department, "une étude de l'Observatoire
  régional" the Observatoire; "council records" stays the records;
* a role followed by the name is the name: "its chief executive, Mark Young";
* a spokesperson's body is the speaker: "a spokeswoman for the Office for Students";
* a document made by one for another is the maker's: "a review commissioned by the
  council from the firm Pell & Royce" is the firm's, "une étude commandée par la région
  au cabinet Orséa en 2024" the cabinet's.

Every word list is in `data/<lang>.json` (`clause_verbs`, `document_nouns`,
`document_participles`, `author_links`, `supplier_links`, `commission_participles`,
`commission_links`, `speaker_nouns`, `spokesperson_links`, `negative_subjects`,
`season_times`).
"""

from __future__ import annotations

import re
from itertools import dropwhile, takewhile

from .common_words import is_common_word, is_person_noun
from .lexicon import Lexicon, normalize_for_matching
from .names import (
    INNER_ACRONYM,
    MAX_SPEAKER_WORDS,
    NAME_LETTERS,
    NAME_PARTICLES,
    NAME_WORD,
    cut_at_stop,
    drop_articles,
    drop_leading_time,
    has_capital,
    has_figure,
    has_verb,
    is_date_word,
    is_name,
    is_speaker_noun,
    looks_like_name,
)
from .organisations import body_of_unit, class_of, names_an_organisation
from .people import drop_leading_complement, person_after_role, person_of_body

#: a document's head noun is among the first words of its phrase ("2023 inspection report")
MAX_DOCUMENT_MODIFIERS = 3
MAX_TRAILING_ADVERBS = 3
#: documents of one sentence looked at for their author (each a bounded window)
MAX_DOCUMENTS_NAMED = 3
#: words of a time phrase between a document's participle and its author ("earlier this year")
MAX_TIME_WORDS = 4
ADVERB_LOOKBACK_CHARS = 40

_QUOTES = '«»“”„"'
_TRIM = " \t,;:.-–—'\u00a0\u202f" + _QUOTES
#: a party, an age, a note or an acronym in brackets ending a name ("X (SEPA)")
_BRACKETED = re.compile(r" ?\([^()\n]{1,60}\)\s*$")
#: a nickname in quotes inside a person's name
_NICKNAME = re.compile(r'(?<=\w) ["“][A-Z][\w-]*["”] (?=[A-Z])')
#: words of the subject of a relative clause with no pronoun ("the parish council")
MAX_CONTACT_SUBJECT_WORDS = 3
#: the agent of a document, after its subject matter ("of 3,000 students by the X")
_AGENT_LINK = re.compile(r"\b(?:by|par)\s+", re.IGNORECASE)


def _skip_time_before_author(rest: str, lexicon: Lexicon) -> str:
    """ "last month by the X", "in 2023 by the X", "lundi par l'agence": the time between
    a document's participle and its author, in lower-case words and figures, goes."""
    rest = drop_leading_time(rest, lexicon)
    words = rest.split(" ")
    if lexicon.author_link.fullmatch(words[0].lower()):
        return rest  # "par la fédération de pêche de l'Indre": the author comes first
    for i, word in enumerate(words[: MAX_TIME_WORDS + 1]):
        if word.lower() in lexicon.addressee_links and not lexicon.season_time.match(
            normalize_for_matching(" " + " ".join(words[i : i + 2]))  # the pattern's space
        ):
            break  # "présenté jeudi aux élus du secteur": who it went to ("au printemps": when)
        if not i:
            continue
        if lexicon.author_link.fullmatch(word.lower()) and all(
            w[:1].islower() or w[:1].isdigit() or is_date_word(w, lexicon) for w in words[:i]
        ):
            return " ".join(words[i:])
    return rest


def _cut_before_coordinated_participle(author: str, lexicon: Lexicon) -> str:
    """ "the city and released in October" -> "the city": a second participle of the
    document, not part of its author's name."""
    for conjunction in lexicon.conjunction.finditer(normalize_for_matching(author)):
        after = author[conjunction.end() :].lstrip()
        if conjunction.start() > 0 and lexicon.document_participle.match(
            normalize_for_matching(after)
        ):
            return author[: conjunction.start()].rstrip()
    return author


def _skip_adjectives(rest: str, lexicon: Lexicon) -> str:
    """ "interne de la DDSP", "annuel du Conseil": at most two lower-case words between a
    document and the link to its author."""
    words = rest.split(" ")
    for i in (1, 2):
        if (
            i < len(words)
            and all(w.isalpha() and w.islower() for w in words[:i])
            and lexicon.author_link.match(normalize_for_matching(" ".join(words[i:])))
        ):
            return " ".join(words[i:])
    return rest


#: "rapport d'inspection", "panel de distribution": links with no article
_BARE_LINKS = frozenset(["d'", "d’", "de"])


#: who a document was made for ("carried out for X", "réalisée pour X")
_CLIENT_LINK = re.compile(r"\b(?:for|pour)\s+", re.IGNORECASE)


def _client_after_subject_matter(author: str, lexicon: Lexicon) -> str:
    """ "(A survey of) wild seed beds in X Bay carried out for Natural Resources Wales": what
    it surveyed, its participle, then the body it was made for, who speaks through it."""
    participle = lexicon.document_participle.search(normalize_for_matching(author))
    if participle is None or participle.start() == 0:
        return author
    made_by = author[: participle.start()]
    if made_by[:1].isupper() or names_an_organisation(made_by.split()[0], lexicon):
        return author  # "(sondage de l')institut Opinéa réalisé pour La Gazette": the maker
    client = _CLIENT_LINK.match(author, participle.end() + 1)
    if client is None:
        return author
    named = drop_articles(author[client.end() :], lexicon)
    return named if named[:1].isupper() else author


def _after_compound_noun(author: str, lexicon: Lexicon) -> str:
    """ "(rapport d')inspection du Cerema", "(panel de) distribution de l'institut Panelis":
    a noun joined to the document without an article makes one document with it; the body
    that wrote it follows ("l'inventaire des orgues d'Alsace" is about organs: "des" is no
    such link)."""
    head, _, rest = author.partition(" ")
    link = lexicon.author_link.match(normalize_for_matching(rest))
    if (
        link is None
        or not head.isalpha()
        or not head.islower()
        or is_speaker_noun(head, lexicon)
        or is_person_noun(head, lexicon)
    ):
        return author
    named = drop_articles(rest[link.end() :].lstrip(" '’"), lexicon)
    return named if named[:1].isupper() else author


def _cut_before_addressee(author: str, lexicon: Lexicon) -> str:
    """ "la société Atemax à la chambre d'agriculture" -> "la société Atemax": who a
    document went to is no part of who gave it ("Respirer à Saint-Aubin" is a name)."""
    words = author.split(" ")
    for i in range(1, len(words) - 1):
        if words[i].lower() in lexicon.addressee_links and words[i + 1][:1].islower():
            return " ".join(words[:i])
    return author


def _maker(author: str, lexicon: Lexicon, *, commissioned: bool = False) -> str:
    """ "the council from the accountancy firm Pell & Royce" (commissioned by one, made by
    the other) -> "accountancy firm Pell & Royce"; "le syndicat au cabinet Hydroconseil en
    2023" after "commandé" -> "cabinet Hydroconseil"."""
    norm = normalize_for_matching(author)
    link = lexicon.supplier_link.search(norm, 1)
    if link is None and commissioned:
        link = lexicon.commission_link.search(norm, 1)
    if link is None:
        return author
    maker = _trim_author(drop_articles(author[link.end() :].lstrip(" '’"), lexicon), lexicon)
    if maker.split(" ", 1)[0].lower() in lexicon.possessives:
        # "menée par l'Union auprès de ses adhérents": those it asked, not who made it
        return _trim_author(author[: link.start()].rstrip(), lexicon)
    return maker if is_name(maker, lexicon) else author


def _author_in_relative(rest: str, lexicon: Lexicon) -> str | None:
    """ "(les relevés) que Jérôme Vaissade effectue chaque semaine" -> "Jérôme Vaissade":
    a name, then a verb, in the relative clause after a document, keeps it."""
    relative, _, after = rest.partition(" ")
    elided = next((p for p in lexicon.object_relatives if p.endswith(("'", "’"))), None)
    if elided is not None and relative.lower().startswith(elided) and len(relative) > len(elided):
        relative, after = elided, f"{relative[len(elided) :]} {after}"
    if relative.lower() not in lexicon.object_relatives:
        return None
    words = after.split()
    run = list(takewhile(lambda w: w[:1].isupper() or w in NAME_PARTICLES, words))
    while run and run[-1] in NAME_PARTICLES:
        run.pop()
    name = " ".join(run)
    followed_by_verb = len(run) < len(words) and words[len(run)][:1].islower()
    if len(run) >= 2 and followed_by_verb and looks_like_name(name) and is_name(name, lexicon):
        return name
    return None


def _author_in_contact_clause(rest: str, lexicon: Lexicon) -> str | None:
    """ "(a quote) the club obtained from a dealer", "(a report) the council published": a
    relative clause with no pronoun, its subject an article and a name before its verb."""
    words = rest.split()
    if (
        len(words) < 3
        or not lexicon.article_start.fullmatch(words[0].lower())
        or words[0].lower() in lexicon.complement_links  # "(rapport) de la Cour des comptes"
    ):
        return None
    for i in range(2, min(len(words), MAX_CONTACT_SUBJECT_WORDS + 2)):
        verb = words[i].lower().rstrip(",.;:")
        if verb.endswith(lexicon.past_participle_endings) and verb.isalpha():
            author = " ".join(words[1:i])
            return author if is_name(author, lexicon) else None
    return None


def _author_of_document(phrase: str, lexicon: Lexicon) -> str:
    """ "figures released by the ONS" -> "ONS"; "étude de l'Observatoire" -> "Observatoire".

    The author is taken when the link is an agent ("released by", "réalisée par") or the
    author is a name; "rapport du renseignement militaire" stays the report.
    """
    words = phrase.split(" ")
    head = next(
        (
            i
            for i, w in enumerate(words[: MAX_DOCUMENT_MODIFIERS + 1])
            if (w.islower() or (i == 0 and w[1:].islower())) and w.lower() in lexicon.document_nouns
        ),
        None,
    )
    if head is None and len(words) > 3 and words[0].islower():
        # "tarifs communiqués par la société X": any noun given by someone is its document
        given = lexicon.document_participle.match(normalize_for_matching(" ".join(words[1:])))
        by_word = words[1 + len(given.group().split())].lower() if given else ""
        head = 0 if given is not None and _AGENT_LINK.fullmatch(by_word + " ") else None
    if head is None:
        return phrase
    while head + 1 < len(words) and words[head + 1].lower() in lexicon.document_nouns:
        head += 1  # "inspection report by…": the head is the last of the nouns
    document = " ".join(words[: head + 1])
    rest = " ".join(words[head + 1 :])
    keeper = _author_in_relative(rest, lexicon) or _author_in_contact_clause(rest, lexicon)
    if keeper is not None:
        return keeper
    participle = lexicon.document_participle.match(normalize_for_matching(rest))
    if participle is not None and participle.group().lower() in lexicon.acquisition_participles:
        return document  # "records obtained by the Ledger": the Ledger is no author
    if participle is not None:
        rest = _skip_time_before_author(rest[participle.end() :].lstrip(), lexicon)
    commissioned = participle is not None and participle.group().lower() in (
        lexicon.commission_participles
    )
    link = lexicon.author_link.match(normalize_for_matching(rest))
    if link is None and participle is None:
        rest = _skip_adjectives(rest, lexicon)  # "audit interne de la DDSP"
        link = lexicon.author_link.match(normalize_for_matching(rest))
    if link is None and commissioned:
        link = lexicon.commission_link.match(normalize_for_matching(rest))  # "commandée au X"
    if link is None:
        return document if participle is not None else phrase
    if words[0].endswith(("'s", "’s")) and not has_capital(rest):
        return document  # "federation's own survey (of members)"
    author = drop_articles(rest[link.end() :].lstrip(" '’"), lexicon)
    if link.group().lower() in _BARE_LINKS:
        author = _after_compound_noun(author, lexicon)
    agent_link = _AGENT_LINK.search(author)
    if agent_link is not None and link.group().lower() not in {"by", "par"}:
        # "A survey of island businesses by the X", "of more than 3,000 students by the X":
        # what the document is about, then its agent ("of the meeting seen by the Post":
        # the agent of something else)
        between = normalize_for_matching(author[: agent_link.start()])
        seen = lexicon.document_participle.search(between)
        if ", " not in between and (
            seen is None
            # "of marshals carried out by": the survey's own agent, after what it is about;
            # "du cabinet X commandée par": the cabinet is the author, the agent its client
            or (
                seen.group().lower() not in lexicon.acquisition_participles
                and not has_capital(between)
                and not any(names_an_organisation(w, lexicon) for w in between.split())
            )
        ):
            author = drop_articles(author[agent_link.end() :], lexicon)
    elif link.group().lower() not in {"by", "par"}:
        author = _client_after_subject_matter(author, lexicon)
    author = _cut_before_coordinated_participle(author, lexicon)
    author = _trim_author(_maker(author, lexicon, commissioned=commissioned), lexicon)
    author = _cut_before_addressee(author, lexicon)
    agent = participle is not None or link.group().lower() in {"by", "par"}
    # "la chambre régionale des comptes", a body in lower case with its complement, writes
    # too ("council meeting" and "la direction" alone stay the document's)
    author_words = author.lower().split()
    body = (
        is_speaker_noun(author, lexicon)
        and author_words[0] not in lexicon.document_nouns
        and (
            any(w in lexicon.complement_links for w in author_words[1:-1])
            or author_words[-1] in lexicon.speaker_nouns  # "the county's budget office"
        )
    )
    if not agent and has_capital(document) and not has_capital(author):
        return document  # "An Estyn inspection of the cylch": what it inspected is no author
    if is_name(author, lexicon) and (agent or has_capital(author) or body):
        return author
    return document if participle is not None else phrase


def author_named_in(sentence: str, lexicon: Lexicon) -> str | None:
    """ "La ville s'appuie sur un audit du cabinet X, commandé…" -> "cabinet X": the author
    of a document the sentence names, for a later "le document" to speak through."""
    words = sentence.split()
    documents = [i for i, w in enumerate(words[:-1]) if w.islower() and w in lexicon.document_nouns]
    for i in documents[:MAX_DOCUMENTS_NAMED]:
        window = " ".join(words[i : i + MAX_SPEAKER_WORDS + 2])
        phrase = re.split(r"[,;:.!?()]", window, maxsplit=1)[0]
        author = cut_at_stop(_author_of_document(phrase, lexicon), lexicon)
        if author.split(" ", 1)[0] != words[i] and is_name(author, lexicon):
            return author
    return None


def _drop_trailing_adverbs(phrase: str, lexicon: Lexicon) -> str:
    """ "the report also" (before "found") -> "the report"."""
    for _ in range(MAX_TRAILING_ADVERBS):
        found = lexicon.adverb_end.search(
            normalize_for_matching(phrase), max(0, len(phrase) - ADVERB_LOOKBACK_CHARS)
        )
        if found is None:
            break
        phrase = phrase[: found.start()]
    return phrase


def _trim_author(author: str, lexicon: Lexicon) -> str:
    """A document's author without what follows its name: a time phrase, a participle, a
    season, a dated complement ("Pell & Royce in 2023" -> "Pell & Royce")."""
    return _cut_before_dated(cut_at_stop(author, lexicon), lexicon)


def _cut_before_dated(author: str, lexicon: Lexicon) -> str:
    """ "the agency's regional director in 2021" (a document's author), "An inspection in
    May 2025" -> without the time: a preposition with a figure or a month ends the name."""
    norm = normalize_for_matching(author)
    for word in NAME_LETTERS.finditer(norm):
        following = norm[word.end() : word.end() + 2]
        month = NAME_LETTERS.match(norm, word.end() + 1)
        if (
            word.start() > 0
            and word.group().islower()
            and following[:1] == " "
            and (
                following[1:].isdigit()
                or (month is not None and month.group().lower() in lexicon.months.phrases)
            )
            and lexicon.intro_start.fullmatch(word.group())
        ):
            return author[: word.start()].rstrip()
    return author


def _drop_trailing_verb(phrase: str, lexicon: Lexicon) -> str:
    """ "figures from the Chamber of Commerce show" (the verb ends the sentence) -> "figures
    from the Chamber of Commerce"."""
    head, _, last = phrase.rpartition(" ")
    word = normalize_for_matching(last)
    verb = lexicon.reporting_present.fullmatch(word) or lexicon.finding_verbs.fullmatch(word)
    # "the audit report" is a document, not a verb
    if head and last.islower() and verb and word not in lexicon.document_nouns:
        return head
    return phrase


def _group_from_body(phrase: str, lexicon: Lexicon) -> str:
    """ "Monitoring crews from Agriculture Victoria", "researchers at the X University" ->
    the body: people in lower case from a named body speak for it."""
    for link in (" from ", " at "):
        head, sep, body = phrase.partition(link)
        body = drop_articles(body, lexicon)
        lower_head = head.islower() or (head[:1].isupper() and head[1:].islower())
        name = body.split(",")[0].split()
        if (
            sep
            and lower_head
            and body[:1].isupper()
            and len(name) > 1
            and all(w[:1].isupper() or w in NAME_PARTICLES for w in name)
        ):
            return body  # "Centers for Disease Control and Prevention" too
    return phrase


def _body_before_spokesperson(phrase: str, lexicon: Lexicon) -> str:
    """ "Department of Health and Social Care spokesperson" -> the Department."""
    head, _, last = phrase.rpartition(" ")
    if head and last.lower() in lexicon.spokesperson_nouns and has_capital(head):
        return head
    return phrase


def _body_of_spokesperson(phrase: str, lexicon: Lexicon) -> str:
    """ "spokeswoman for the Dunmere Valley Health Board" -> the Board, which speaks
    through her; "county spokeswoman" and a body without a name stay."""
    link = lexicon.spokesperson_start.match(normalize_for_matching(phrase))
    if link is None:
        return phrase
    body = drop_articles(phrase[link.end() :].lstrip(" '’"), lexicon)
    if is_name(body, lexicon) and (has_capital(body) or class_of(body, lexicon) is not None):
        return body  # "spokesman for the company": the company, named by the article
    return phrase


def _drop_reflexive(phrase: str, lexicon: Lexicon) -> str:
    """ "Jean-Marc Lefebvre se" (before "dit prêt"), "Julien Favresse le" (before
    "constate") -> the name: a clitic pronoun before the verb."""
    for _ in range(2):  # "X ne se dit pas prêt": the negation, then the clitic
        head, _, last = phrase.rpartition(" ")
        clitic = (
            last.lower() in lexicon.reflexive_pronouns
            or last.lower() in lexicon.object_pronouns
            or last.lower() in lexicon.negation_particles  # "La chambre de X ne (recense)"
        )
        elided = len(last) == 1 and last.islower()  # "Le conseil départemental s('est engagé)"
        if not (head and (clitic or elided) and has_capital(head)):
            break
        phrase = head
    return phrase


def _owner_of_document(phrase: str, lexicon: Lexicon) -> str:
    """ "Liquor and Gaming NSW figures", "Home Office data", "Ofcom's latest figures" -> the
    body whose document it is."""
    head, _, last = phrase.rpartition(" ")
    words = head.split()
    # "Ofcom's latest figures", "Mr Okafor's report": the owner's words end on "'s"
    owner_end = next((i for i, w in enumerate(words) if w.endswith(("'s", "’s"))), None)
    if (
        owner_end == 0
        and words[0].islower()
        and last.islower()
        and last in lexicon.document_nouns
        and has_figure(words[1:], lexicon)
    ):
        # "the council's 2026 forest health survey": the survey, its year left out
        return " ".join(w for w in [*words[1:], last] if not w[:1].isdigit())
    owner = " ".join(words[: owner_end + 1])[:-2] if owner_end is not None else ""
    owner = drop_articles(owner, lexicon)
    if (
        owner_end is not None
        and owner.islower()
        and last.islower()
        and last in lexicon.document_nouns
        and all(w.islower() for w in words[owner_end + 1 :])
        and not has_figure(words, lexicon)
        and is_speaker_noun(owner, lexicon)
    ):
        return owner  # "the aviation regulator's remote aerodrome review" -> the regulator
    if (
        owner_end is not None
        and all(w[:1].isupper() for w in words[: owner_end + 1])
        and last.islower()
        and last in lexicon.document_nouns
        and all(w.islower() for w in words[owner_end + 1 :])
    ):
        return " ".join(words[: owner_end + 1])[:-2]
    if (
        words
        and last.islower()
        and last in lexicon.document_nouns
        and all(w[:1].isupper() or w in NAME_PARTICLES for w in words)
        and words[0][:1].isupper()
        and not all(w.lower() in lexicon.stopwords for w in words)  # "The figures"
        and words[-1] not in NAME_PARTICLES  # "Cour des comptes" is a name
    ):
        return head
    # "NatureScot site assessment": a name, lower-case modifiers, then the document
    run = len(words) - len(list(dropwhile(lambda w: w[:1].isupper(), words)))
    modifiers = words[run:]
    if (
        run
        and last.islower()
        and last in lexicon.document_nouns
        and modifiers
        and all(w.isalpha() and w.islower() and w not in NAME_PARTICLES for w in modifiers)
        and not all(w.lower() in lexicon.stopwords for w in words[:run])
        and looks_like_name(" ".join(words[:run]))
    ):
        return " ".join(words[:run])
    return phrase


def _drop_identity_word(phrase: str, lexicon: Lexicon) -> str:
    """ "le même document", "the same report" -> "document", "report": the one named before."""
    head, _, rest = phrase.partition(" ")
    if rest and head.lower() in lexicon.identity_words:
        return rest
    for article in (m for m in [lexicon.article_start.match(normalize_for_matching(phrase))] if m):
        after = phrase[article.end() :].lstrip(" '’")
        word, _, rest = after.partition(" ")
        if rest and word.lower() in lexicon.identity_words:
            return rest
    return phrase


def speaker_name(raw: str, lexicon: Lexicon) -> str | None:
    """`raw` as a speaker (trimmed, the document's author when named), or None."""
    # "Jean-Luc Darnaud (divers droite)", "Scottish Environment Protection Agency (SEPA)":
    # a party, an age or an acronym in brackets is not read as part of the name
    phrase = _NICKNAME.sub(" ", _BRACKETED.sub("", raw))  # 'Shane "Dusty" Keogh'
    inner = INNER_ACRONYM.search(phrase)
    if inner is not None:
        # "Agence régionale de santé (ARS) Bourgogne-Franche-Comté" -> "ARS Bourgogne-…":
        # the short name and the branch, as fact-checkers cite it
        phrase = f"{inner.group(1)} {phrase[inner.end() :]}"
    phrase = " ".join(phrase.translate({ord(c): " " for c in _QUOTES}).split()).strip(_TRIM)
    # "l'éleveuse de 39 ans", "the 63-year-old rancher": the age is no part of the role
    phrase = " ".join(lexicon.age_phrase.sub(" ", phrase).split()).strip(_TRIM)
    phrase = drop_leading_time(
        _drop_reflexive(_drop_trailing_verb(phrase, lexicon), lexicon), lexicon
    )
    phrase = drop_articles(_owner_of_document(phrase, lexicon), lexicon)
    head, _, rest = phrase.partition(" ")
    if rest and head.lower() in lexicon.relative_subjects | lexicon.relative_pronouns:
        phrase = rest  # "which Mr Tulley (said)"
    elif rest and lexicon.intro_start.fullmatch(head.lower()) and looks_like_name(rest):
        phrase = rest  # "For Margaret Oyelaran" (opening "For X, 71, …")
    phrase = _group_from_body(phrase, lexicon)
    phrase = drop_articles(_drop_identity_word(phrase, lexicon), lexicon)
    phrase = _body_of_spokesperson(_body_before_spokesperson(phrase, lexicon), lexicon)
    phrase = person_of_body(phrase, lexicon)
    phrase = person_after_role(drop_leading_complement(phrase, lexicon), lexicon)
    phrase = person_of_body(phrase, lexicon)  # "(a study led by) Prof. X of Y University"
    phrase = cut_at_stop(_author_of_document(phrase, lexicon), lexicon)
    phrase = _group_from_body(phrase, lexicon)  # "(a study by) researchers at X University"
    phrase = _owner_of_document(phrase, lexicon)  # "X Department's latest inventory"
    phrase = body_of_unit(phrase, lexicon)  # "Farm Service Agency's county office"
    phrase = _drop_trailing_adverbs(phrase, lexicon).strip(_TRIM)
    if phrase.endswith(("'s", "’s")):
        phrase = phrase[:-2]  # "trust's (annual asset report)": the owner of what was cut
    phrase = _person_before_predicate(phrase, lexicon)
    if not is_name(phrase, lexicon):
        return None
    last = phrase.rsplit(" ", 1)[-1]
    if last[:1].isupper() and last.lower() in lexicon.abbreviations and f"{phrase}." in raw:
        return f"{phrase}."  # "Snoman Inc.": the full stop of an abbreviation is its own
    return phrase


def _person_before_predicate(phrase: str, lexicon: Lexicon) -> str:
    """ "Anne Vialatte vient de prendre deux apprentis" -> the person: a name, then words
    in lower case that are no part of it (a name's own go on after a link: "de", "of")."""
    words = phrase.split()
    run = 0
    while run < len(words) and words[run][:1].isupper():
        run += 1
    if (
        2 <= run <= 3
        and len(words) - run >= 2
        and words[run].islower()
        and words[run] not in NAME_PARTICLES
        and lexicon.article_start.fullmatch(words[run]) is None
        and looks_like_name(" ".join(words[:run]))
        and not any(
            names_an_organisation(w, lexicon) or is_common_word(w, lexicon) or "'" in w
            for w in words[:run]
        )  # not "Scottish Government's mountain rescue working group"
    ):
        return " ".join(words[:run]).strip(_TRIM)  # "Claire Vasseur, dont l'atelier…"
    return phrase


def is_clause(part: str, lexicon: Lexicon) -> bool:
    """A verb, a figure or a time phrase ("The trust cut 80 beds", "Talks broke down on
    Tuesday night"): what a name never holds."""
    return (
        has_verb(part, lexicon)
        or has_figure(NAME_WORD.findall(part), lexicon)
        or cut_at_stop(part, lexicon) != part.rstrip()
    )


def subject_phrase(clause: str, lexicon: Lexicon) -> str:
    """The noun phrase right before a verb: after the last conjunction that ends a clause.

    "Officials closed the road and the police" -> "the police"; "Smith and Jones" stays.
    """
    cut = 0
    norm = normalize_for_matching(clause)
    for when in lexicon.when_conjunction.finditer(norm):
        # "The pool could close next spring after a structural survey (put…)": the clause
        # the verb belongs to opens on "after"/"lorsque"
        if when.start() > 0 and is_clause(clause[: when.start()], lexicon):
            cut = when.end()
    for conjunction in lexicon.conjunction.finditer(norm, cut):
        if lexicon.document_participle.match(norm[conjunction.end() :].lstrip()):
            continue  # "A study commissioned by the city and released in October"
        before_word = norm[: conjunction.start()].split()[-1:]
        after_word = norm[conjunction.end() :].split()[:1]
        if (
            before_word
            and after_word
            and before_word[0][:1].isupper()
            and after_word[0][:1].isupper()
        ):
            continue  # "the Department of Fisheries and Coast": one name
        if is_clause(clause[cut : conjunction.start()], lexicon):
            cut = conjunction.end()
    return clause[cut:].lstrip()


def apposed_name(after: str) -> str | None:
    """ ", Mark Young, said…" after a role: the person's name, if that is what follows."""
    if not after.startswith(","):
        return None
    candidate = _BRACKETED.sub("", after[1:].split(",")[0].strip().rstrip("."))
    return candidate if looks_like_name(candidate) else None  # "X (divers gauche)" is X
