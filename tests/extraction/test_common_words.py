"""The dictionary's common words: a role is told from a given name, and the lists are made
from Hunspell files by `tools/common_words.py`."""

from __future__ import annotations

import pytest

from bot.extraction.common_words import is_common_word, is_person_noun
from bot.extraction.lexicon import get_lexicon
from tools.common_words import common_words

AFF = """SET UTF-8
SFX S Y 2
SFX S 0 s [^s]
SFX S 0 es s
"""
DIC = """5
organizer/S
rose/S
Rose
Shawn
bus/S
"""


def test_the_generator_keeps_lower_case_words_and_their_forms() -> None:
    # "rose" is a given name too ("Rose"); its plural is not
    assert common_words(AFF, DIC) == ["bus", "buses", "organizer", "organizers", "roses"]


def test_long_flags_are_read_two_characters_at_a_time() -> None:
    aff = "FLAG long\nSFX F. Y 1\nSFX F. 0 e [^e]\n"
    assert common_words(aff, "2\nlégumier/F.\nYannick/F.\n") == ["légumier", "légumiere"]


@pytest.mark.parametrize(
    ("language", "word", "common"),
    [
        ("en", "Organizer", True),
        ("en", "householder", True),
        ("en", "Shawn", False),
        ("en", "Rose", False),  # a given name too
        ("fr", "légumière", True),
        ("fr", "Yannick", False),
        ("fr", "Pierre", False),
        ("und", "légumier", True),  # an unknown language reads every list
    ],
)
def test_common_words(language: str, word: str, common: bool) -> None:
    assert is_common_word(word, get_lexicon(language)) is common


@pytest.mark.parametrize(
    ("language", "word", "person"),
    [
        ("en", "Organizer", True),
        ("en", "spokesman", True),
        ("en", "Northern", False),
        ("en", "Tourism", False),
        ("fr", "chevrier", True),
        ("fr", "maraîchère", True),
        ("fr", "commune", False),
    ],
)
def test_person_nouns(language: str, word: str, person: bool) -> None:
    assert is_person_noun(word, get_lexicon(language)) is person
