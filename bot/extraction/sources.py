"""Whether a phrase can be a source: what follows "selon", "according to" (a pronoun,
something its owner speaks for, "ses calculs", or nobody at all, "selon les finitions"),
and whether a subject names an actor rather than a clause a list of verbs missed."""

from __future__ import annotations

from itertools import takewhile

from .common_words import is_person_noun
from .lexicon import Lexicon
from .names import has_capital, is_pronoun, looks_like_name
from .organisations import names_an_organisation
from .subjects import can_speak


def is_pronoun_source(phrase: str, lexicon: Lexicon) -> bool:
    """ "selon lui", "according to her": a pronoun alone, or before a figure ("selon lui
    96 000 euros") or a small word ("permet selon elle de remplacer…"), not before a noun
    ("according to this report")."""
    words = phrase.split()
    if len(words) > 1 and (words[1][:1].isdigit() or words[1].lower() in lexicon.stopwords):
        words = words[:1]
    return is_pronoun(" ".join(words), lexicon)


def names_no_source(speaker: str, written: str, lexicon: Lexicon) -> bool:
    """ "selon les finitions", "selon les années": things in lower case that nobody is."""
    return (
        speaker.islower()
        and " " not in speaker
        and speaker.endswith(("s", "x"))  # plural: "the" is singular too
        and bool(lexicon.definite_plural)
        and written.lower().startswith(f"{lexicon.definite_plural} ")
        and not can_speak(written, lexicon)
        and not is_person_noun(speaker, lexicon)
        and speaker not in lexicon.document_nouns
    )


def is_owned_source(speaker: str, written: str, lexicon: Lexicon) -> bool:
    """ "ses calculs", "according to his count" (English drops "his" from the speaker, not
    from what is written): a source its owner speaks for; "its operator" is someone, and
    "its chief executive, Mark Young" is named."""
    if speaker.split(" ", 1)[0].lower() in lexicon.possessives:
        return True
    return (
        written.split(" ", 1)[0].lower() in lexicon.possessives
        and speaker.islower()
        and not is_person_noun(speaker.split()[-1], lexicon)
    )


def opens_like_a_name(speaker: str, lexicon: Lexicon) -> bool:
    """Not "principalement en Belgique": no preposition before a name's first capital."""
    before = list(takewhile(lambda w: not w[:1].isupper(), speaker.split()))
    return not any(lexicon.intro_start.fullmatch(w.lower()) for w in before)


def names_an_actor(speaker: str, lexicon: Lexicon) -> bool:
    """A person's or a body's name ("Frédéric Bellone", "préfecture du Pas-de-Calais"), not
    a clause a list of verbs missed ("élu défend un regroupement avec Pors-Meur")."""
    head = speaker.split(" ", 1)[0]
    return looks_like_name(speaker) or (
        has_capital(speaker) and names_an_organisation(head, lexicon)
    )
