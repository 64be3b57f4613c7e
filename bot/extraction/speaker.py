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
from itertools import dropwhile

from .authors import author_of_document
from .common_words import is_common_word
from .lexicon import Lexicon, normalize_for_matching
from .names import (
    INNER_ACRONYM,
    NAME_PARTICLES,
    NAME_WORD,
    cut_at_stop,
    drop_articles,
    drop_leading_time,
    has_capital,
    has_figure,
    has_verb,
    is_name,
    is_speaker_noun,
    looks_like_name,
)
from .organisations import body_of_unit, class_of, names_an_organisation
from .people import drop_leading_complement, person_after_role, person_of_body

MAX_TRAILING_ADVERBS = 3
ADVERB_LOOKBACK_CHARS = 40

_QUOTES = '«»“”„"'
_TRIM = " \t,;:.-–—'\u00a0\u202f" + _QUOTES
#: a party, an age, a note or an acronym in brackets ending a name ("X (SEPA)")
_BRACKETED = re.compile(r" ?\([^()\n]{1,60}\)\s*$")
#: a nickname in quotes inside a person's name
_NICKNAME = re.compile(r'(?<=\w) ["“][A-Z][\w-]*["”] (?=[A-Z])')


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
    phrase = cut_at_stop(author_of_document(phrase, lexicon), lexicon)
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
