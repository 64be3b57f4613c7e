"""What follows "selon", "according to": a pronoun ("selon lui"), something its owner
speaks for ("ses calculs", "his figures"), or nobody at all ("selon les finitions",
depending on the finish)."""

from __future__ import annotations

from .common_words import is_person_noun
from .lexicon import Lexicon
from .names import is_pronoun
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
