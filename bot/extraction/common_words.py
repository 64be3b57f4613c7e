"""Words a spelling dictionary lists in lower case only: a role or a trade, never a name.

"Organizer Shawn Tillman", "Householder Derek Pringle": a capitalised word opening a
sentence may be a role or a given name, and only a dictionary tells them apart. The lists
(`data/common_words_<lang>.txt`) are made from the Hunspell dictionaries by
`tools/common_words.py`; a language without one knows no common word, and its rules stay
as they were.
"""

from __future__ import annotations

import zlib
from array import array
from bisect import bisect_left
from functools import cache
from importlib import resources

from .lexicon import DATA_PACKAGE, Lexicon, available_languages, load_raw
from .names import looks_like_name


def _key(word: str) -> int:
    return zlib.crc32(word.encode("utf-8"))


@cache
def _keys(language: str) -> array[int]:
    """The words' checksums, sorted: 1 MB where a set of 240,000 strings takes 24 MB; two
    words share one about once in 20,000 lookups, and a shared one only reads a name as a role."""
    if language not in available_languages():
        merged = [k for code in available_languages() for k in _keys(code)]
        return array("I", sorted(merged))
    entry = resources.files(DATA_PACKAGE).joinpath(f"common_words_{language}.txt")
    if not entry.is_file():
        return array("I")
    return array("I", sorted(set(map(zlib.crc32, entry.read_bytes().split()))))


def is_common_word(word: str, lexicon: Lexicon) -> bool:
    """True for "organizer", "Householder", "légumière"; False for "Shawn", "Rose", "Pierre"
    (a dictionary lists those capitalised too) and for any word it does not know."""
    keys = _keys(lexicon.language)
    key = _key(word.lower())
    at = bisect_left(keys, key)
    return at < len(keys) and keys[at] == key


@cache
def _agent_suffixes(language: str) -> tuple[str, ...]:
    codes = [language] if language in available_languages() else available_languages()
    return tuple(e[1:] for code in codes for e in load_raw(code).get("agent_suffixes", []))


def is_person_noun(word: str, lexicon: Lexicon) -> bool:
    """A role a person holds: a known speaker noun ("spokesman"), or a common word with an
    agent's ending ("organizer", "householder", "légumière"), not "Northern" or "Tourism"."""
    lowered = word.lower()
    singular = lowered[:-1] if lowered.endswith(("s", "x")) else lowered  # "éleveurs"
    return lowered in lexicon.speaker_nouns or any(
        is_common_word(form, lexicon) and form.endswith(_agent_suffixes(lexicon.language))
        for form in {lowered, singular}
    )


def is_person_name(phrase: str, lexicon: Lexicon) -> bool:
    """ "Kirsty Harcus", "Michel Bodin": a name none of whose words a dictionary lists in
    lower case; "Picardie Nature" and "Tyne Valley" hold one, a body's or a place's."""
    return looks_like_name(phrase) and not any(is_common_word(w, lexicon) for w in phrase.split())
