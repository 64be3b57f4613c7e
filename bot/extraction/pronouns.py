"""Pronouns that name someone by pointing: "celle-ci" and "the latter" (the last body or
person the sentence before names), and a person's "il"/"she" (who may reach back past
sentences about things, `speaker_context.pronoun_in_paragraph`).
"""

from __future__ import annotations

import re
from itertools import pairwise

from .lexicon import Lexicon, normalize_for_matching
from .names import NAME_PARTICLES, is_date_word, is_speaker_noun, looks_like_name
from .speaker import speaker_name

#: "celle-ci", "the latter" and an adverb before the verb ("Celle-ci rappelle aussi")
MAX_LATTER_SUBJECT_WORDS = 3
#: words of the name "celle-ci" stands for ("communauté de communes du Pays de Bitche")
MAX_LATTER_WORDS = 6
#: "a-t-il ajouté", "affirme-t-elle", "dit-il": the speaker is a pronoun after the verb
INVERTED_PRONOUN = re.compile(r"-(?:t-)?([^\W\d_]+)\b")


def is_latter(subject: str, lexicon: Lexicon) -> bool:
    """ "Celle-ci", "ce dernier", "The latter" (an adverb may follow): the verb's subject."""
    words = subject.lower().split()
    return len(words) <= MAX_LATTER_SUBJECT_WORDS and any(
        " ".join(words[:n]) in lexicon.latter_pronouns for n in (1, 2)
    )


def latter_named(previous: str | None, lexicon: Lexicon) -> tuple[str, str] | None:
    """Who "celle-ci", "the latter" is: the last body or person the sentence before names
    ("Il réclame une indemnisation à la communauté de communes. Celle-ci indique…")."""
    words = (previous or "").split()
    for i in range(len(words) - 1, 0, -1):
        word = words[i].strip(',;:.!?()«»“”"')
        first, end = i, i + MAX_LATTER_WORDS  # "communauté de communes du Pays de Bitche"
        if looks_like_name(word) and not is_date_word(word, lexicon):
            end = i + 1
            # "la Fondation du patrimoine.": a complement after a particle ends the name
            if end + 1 < len(words) and words[end] in NAME_PARTICLES and words[end + 1].islower():
                end += 2
            while first > 1 and (
                words[first - 1][:1].isupper() or words[first - 1] in NAME_PARTICLES
            ):
                first -= 1  # "Harbury Council": from the name's first word
        elif word.lower() not in lexicon.speaker_nouns:
            continue
        window = " ".join(words[first:end])
        phrase = re.split(r"[,;:.!?()]", window, maxsplit=1)[0]
        name = speaker_name(phrase, lexicon)
        if name is not None and (is_speaker_noun(name, lexicon) or looks_like_name(name)):
            return name, phrase
    return None


def speaks_as_person(sentence: str, lexicon: Lexicon) -> bool:
    """ "…, explique-t-il, …", "Elle ajoute…", "…, she said": a person's pronoun ("il",
    "she"; not "it", not "ils") as a tag or opening the sentence, not a second clause's
    subject ("L'Union compte 23 manufactures, mais elle estime…")."""
    singular = lexicon.subject_pronouns - lexicon.plural_pronouns
    norm = normalize_for_matching(sentence).lower()
    words = norm.split()
    if words and words[0] in singular:
        return True
    if any(p.group(1) in singular for p in INVERTED_PRONOUN.finditer(norm)):
        return True
    return any(word in singular and before.endswith(",") for before, word in pairwise(words))
