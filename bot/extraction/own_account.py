"""A speaker's own account: facts the article tells with no reporting verb, whose actor the
text marks so plainly that a fact-checker would ask them.

"Karim Benali, mareyeur…, achète l'anguille 12 € le kilo" (a person described as the
sentence opens), "Le maire, Marie Casanova, a proposé un local" (a person a role
introduces), "La préfecture de l'Ain a autorisé le tir de 1 100 oiseaux" (a body that
decides, `decision_verbs`, or acts in a compound past, `act_start`: "a ouvert une
enquête"), and "Il joue ici depuis 63 ans" right after a named person (the account goes
on). Votes, adoptions, a thing's state and a history ("since 1923") stay the article's.
"""

from __future__ import annotations

import re

from .common_words import is_common_word, is_person_name, is_person_noun
from .drafts import Draft
from .lexicon import Lexicon, normalize_for_matching
from .names import ELIDED_BEFORE_NAME, has_capital, looks_like_name
from .organisations import OPENING_PHRASE_CHARS, names_an_organisation
from .segment import Segment
from .subjects import can_speak, leading_speaker

#: a person's name: two or three capitalised words
_PERSON = r"[A-ZÀ-Þ][\w'’-]+(?:[ \t]+[A-ZÀ-Þ][\w'’-]+){1,2}"
#: a sentence opening on a name, then a comma: "Karim Benali, mareyeur…", "Betty Lund, 74,"
_OPENING_NAME = re.compile(rf"\s*({_PERSON}),[ \t]*")
#: a role, then a name between commas opening the sentence: "Le maire, Marie Casanova, a…"
_ROLE_THEN_NAME = re.compile(
    r"\s*([^,\n]{2,80}),[ \t]*([A-ZÀ-Þ][\w'’-]+(?:[ \t]+[A-ZÀ-Þ][\w'’-]+){1,3})[ \t]*[,(]"
)
#: a person's name opening a sentence, then a word in lower case (most often its verb)
_OPENING_PERSON = re.compile(rf"({_PERSON})[ \t]+(?=[a-zà-ÿ])")
#: an article, then a word in lower case: "L'éleveur …", "Le dirigeant …", "The grower …"
_ROLE_SUBJECT = re.compile(r"(?:L['’]|(?:Le|La|The) )([a-zà-ÿ][\w-]+)\b")
#: an aside between commas after a subject: ", qui gère 117 refuges,"
_ASIDE = re.compile(r"[ \t»”]*,[^,\n]{1,80},")
#: words of the role before the name ("La députée de la circonscription")
MAX_ROLE_PHRASE_WORDS = 8
#: how many words after the comma may hold the description ("apiculteur professionnel", "81")
DESCRIPTION_WORDS = 3


def described_person(sentence: str, lexicon: Lexicon) -> str | None:
    """ "Karim Benali, mareyeur installé…, achète l'anguille 12 € le kilo", "Betty Lund, 74,
    stood up to say…": a sentence opening on a person described by an age or a role tells
    their own account, so they are its speaker even without a reporting verb."""
    introduced = _introduced_by_role(sentence, lexicon)
    if introduced is not None:
        return introduced
    opening = _OPENING_NAME.match(sentence)
    if opening is None:
        return None
    name = opening.group(1)
    words = name.split()
    first = words[0].lower()
    if (
        not looks_like_name(name)
        or first in lexicon.stopwords
        or lexicon.intro_start.fullmatch(first) is not None
        or lexicon.article_start.fullmatch(first) is not None
        or any(names_an_organisation(w, lexicon) for w in words)
    ):
        return None
    description = sentence[opening.end() :].split()[:DESCRIPTION_WORDS]
    subject = leading_speaker(sentence, lexicon)
    if (
        subject is not None
        and subject[0] == name
        and sentence.startswith(subject[1])
        and not any(w.isupper() or is_common_word(w, lexicon) for w in words)
        and not _described_as_thing(description, lexicon)
    ):
        return name  # "Mathieu Rolland, le pressureur de la Cuma, a accueilli 430 familles"
    described = bool(description) and (
        description[0][:1].isdigit()  # an age
        or description[0].lower() in lexicon.relative_pronouns  # "who runs the hotel"
        or any(w.strip(",").lower() in lexicon.speaker_nouns for w in description)
    )
    return name if described else None


def _described_as_thing(description: list[str], lexicon: Lexicon) -> bool:
    """ "Piedra Roja, a town of about 6,800 people, …": a name described as no person."""
    return (
        len(description) > 1
        and lexicon.article_start.fullmatch(description[0].lower()) is not None  # "a", "la"
        and not is_person_noun(description[1].strip(","), lexicon)
    )


def _introduced_by_role(sentence: str, lexicon: Lexicon) -> str | None:
    """ "Le maire, Marie Casanova, a proposé un local de 300 m²", "Le directeur général,
    Olivier Lambiotte, attribue…": a person's role, then the person, open the sentence."""
    opening = _ROLE_THEN_NAME.match(sentence)
    if opening is None:
        return None
    role, name = opening.group(1).split(), opening.group(2)
    if (
        len(role) > MAX_ROLE_PHRASE_WORDS
        or not any(
            w.lower() in lexicon.speaker_nouns and not names_an_organisation(w, lexicon)
            for w in role
        )
        or not looks_like_name(name)
        or any(names_an_organisation(w, lexicon) for w in name.split())
    ):
        return None
    return name


def acting_body(sentence: str, lexicon: Lexicon) -> str | None:
    """ "La préfecture de l'Ain a autorisé le tir de 1 100 oiseaux", "Le BNIC vise…": a
    name that opens the sentence, then a decision of its own (`decision_verbs`): the
    decision is that body's account."""
    norm = normalize_for_matching(sentence)
    if lexicon.decision_verb.search(norm) is None and lexicon.act_start.search(norm) is None:
        return None  # no decision at all: its subject need not be read
    own = leading_speaker(sentence, lexicon)
    if own is None or not has_capital(own[0]) or not can_speak(own[1], lexicon):
        return None
    at = sentence.find(own[1])
    first, *rest = own[0].split()
    opens = not sentence[:at].strip() and not ELIDED_BEFORE_NAME.match(own[1])  # "L'Institut"
    if at < 0 or (first[1:].islower() and not any(has_capital(w) for w in rest) and opens):
        return None  # "Commissioners voted…", "Son association…": capitalised as it opens
    after = sentence[at + len(own[1]) :]
    # ", créé par des parents à la fin octobre, a déjà recueilli…": past an aside
    aside = _ASIDE.match(after)
    if aside is not None:
        after = after[aside.end() :]
    acted = normalize_for_matching(after.lstrip(" »”"))
    if lexicon.decision_verb_start.match(acted) is None and not _acts(acted, own[0], lexicon):
        return None
    return own[0]


def _acts(after: str, body: str, lexicon: Lexicon) -> bool:
    """ "a ouvert une enquête publique", "has collected 212 signatures": an organisation's
    own act in a compound past, whatever the verb."""
    action = lexicon.act_start.match(after.lstrip())
    return (
        action is not None
        and action.group("act").lower() not in lexicon.non_acts
        and lexicon.history_marker.search(after) is None
        and (body.isupper() or any(names_an_organisation(w, lexicon) for w in body.split()))
    )


def _person_opening(sentence: str, lexicon: Lexicon) -> str | None:
    """The person a sentence opens on: its subject, or a name then a word in lower case."""
    subject = leading_speaker(sentence, lexicon)
    if subject is not None and " " in subject[0] and looks_like_name(subject[0]):
        return subject[0]
    opening = _OPENING_PERSON.match(sentence)
    if opening is not None and is_person_name(opening.group(1), lexicon):
        return opening.group(1)
    return None


def continued_account(
    sentence: str, previous: Draft | None, index: int, segments: list[Segment], lexicon: Lexicon
) -> str | None:
    """ "René Pastorelli, 81 ans, a la boule à la main… Il joue sur cette place depuis 63 ans":
    "il" opening the next sentence of the paragraph goes on with the same account."""
    # "Il joue…", or after a short opening phrase: "Avec son équipe, il n'a travaillé que…"
    comma = sentence.find(",", 0, OPENING_PHRASE_CHARS)
    words = sentence.split(maxsplit=1)
    if words and words[0].lower() not in lexicon.subject_pronouns and comma >= 0:
        words = sentence[comma + 1 :].split(maxsplit=1)
    if (
        previous is None
        or previous.segment_index != index - 1
        or segments[index - 1].line_index != segments[index].line_index
        or not words
        or not (words[0].lower() in lexicon.subject_pronouns or _opens_on_role(words, lexicon))
    ):
        return None
    person = previous.speaker
    if person is None:
        # "Didier Chambon arrache la gentiane depuis vingt-deux ans. Avec son équipe, il a
        # sorti 12 tonnes": the person the sentence before opened on, unsourced
        return _person_opening(previous.text, lexicon)
    return person if previous.own_account or (" " in person and looks_like_name(person)) else None


def _opens_on_role(words: list[str], lexicon: Lexicon) -> bool:
    """ "L'entraîneur emploie 11 salariés", "The grower expects…": the person's role, with
    its article, as the subject of the next sentence."""
    opening = " ".join(words[:2])
    head = _ROLE_SUBJECT.match(opening)
    if head is None:
        return False
    role = head.group(1).lower()
    after = opening[head.end() :].split()[:1]
    return (
        not (after and lexicon.article_start.fullmatch(after[0].lower()))  # "le plus proche"
        and role in lexicon.speaker_nouns
        and is_person_noun(role, lexicon)  # "le cabinet" is a place, "l'entraîneur" a person
        and not names_an_organisation(role, lexicon)
        and role not in lexicon.spokesperson_nouns
    )
