"""Text rules every layer shares, so extraction, matching and the same-claim rules read a text
alike: what a word is, how many a text has, its numbers, case and accent folding, stopwords,
stems and content terms, what a pasted tweet says; and cutting a text to a limit.

Member text reaches every pattern here: each is linear on any input (no nested quantifier).
"""

from __future__ import annotations

import json
import re
import threading
import unicodedata
from datetime import date
from functools import cache, lru_cache
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import snowballstemmer

# -- Cutting to a limit ---------------------------------------------------------------------


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, cut with an ellipsis (Discord refuses longer fields)."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def clip_line(text: str, limit: int) -> str:
    """`clip` on one line: runs of whitespace, newlines included, become one space."""
    return clip(" ".join(text.split()), limit)


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """Word-set overlap in [0, 1]; 0.0 for two empty sets: sharing no words is no sign of
    a duplicate."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0


# -- Words: one pattern per purpose -----------------------------------------------------------

#: A word as a reader counts it: a letter or digit, then letters, digits, apostrophes and
#: hyphens, so "aujourd'hui", "Sud-Rail" and "COVID-19" are one word each. For counting words
#: and for finding the capitalised ones.
WORD = re.compile(r"[^\W_][\w'’-]*")
#: The letter-and-digit runs of words, split at apostrophes and hyphens: what two wordings are
#: compared by, so "l'Élysée" holds "Élysée" and "COVID-19" the figure 19.
WORD_PART = re.compile(r"[^\W_]+")
#: Runs of letters alone: the words a cue list or a vocabulary can hold ("l'Association" is
#: "l" and "Association"; "2024" is none).
LETTER_RUN = re.compile(r"[^\W\d_]+")


def word_count(text: str) -> int:
    """Words as a reader counts them (`WORD`): the unit of every length limit on a claim."""
    return len(WORD.findall(text))


def letter_words(text: str) -> list[str]:
    """Lower-cased runs of letters: "l'Association" -> ["l", "association"]."""
    return LETTER_RUN.findall(text.lower())


# -- Numbers --------------------------------------------------------------------------------


def is_number(word: str) -> bool:
    """A word (`WORD_PART`) written in digits alone is a figure; digits inside a word ("5G",
    "covid19") are part of a name."""
    return word.isdigit()


def numbers(text: str) -> frozenset[str]:
    """The figures of a text, leading zeros dropped ("0050" is "50"). Separators split them
    ("3.5" and "650 000" are two figures each), so a figure reads alike in any notation."""
    return frozenset(w.lstrip("0") or "0" for w in WORD_PART.findall(text) if is_number(w))


# -- Folding --------------------------------------------------------------------------------


class _NotCombining(dict[int, int | None]):
    """A `str.translate` table that drops combining marks, filled as characters are met:
    faster than one built from all of Unicode, and nothing to build before the first text."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.combining(chr(code)) else code
        self[code] = kept
        return kept


_NOT_COMBINING = _NotCombining()


def fold(text: str) -> str:
    """Case and accents folded: "Élysée", "ÉLYSÉE" and "elysee" are one word, "Straße" is
    "strasse", "ﬁ" is "fi". Full case folding between two compatibility decompositions (the
    Unicode caseless match), so the result is stable: a claim's identity is built on it."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    return decomposed.translate(_NOT_COMBINING)


# -- Stopwords ------------------------------------------------------------------------------


@cache
def _stopword_lists() -> dict[str, list[str]]:
    raw = resources.files("bot.core").joinpath("data/stopwords.json").read_text("utf-8")
    loaded: dict[str, list[str]] = json.loads(raw)
    return loaded


@cache
def stopwords(language: str) -> frozenset[str]:
    """A language's function words, lower-cased as written ("été", "où"); none for a language
    without a list in `data/stopwords.json`."""
    return frozenset(w.lower() for w in _stopword_lists().get(language, ()))


@cache
def _folded_stopwords(language: str) -> frozenset[str]:
    """English stopwords count in every language: claims and tweets in any language quote
    English."""
    return frozenset(fold(w) for w in stopwords(language) | stopwords("en"))


def is_stopword(folded_word: str, language: str = "en") -> bool:
    """Whether `terms` drops this (folded) word."""
    return folded_word in _folded_stopwords(language)


# -- Pasted tweets ----------------------------------------------------------------------------

# Twitter's signature line is written in English whatever the tweet's language.
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_MONTH = "|".join(_MONTHS)
_URL = re.compile(r"(?:https?://|www\.)\S+|\bpic\.twitter\.com/\S+|\bt\.co/\S+", re.IGNORECASE)
# "— Jane Doe (@jane_doe) January 28, 2021" closing a pasted tweet. The spaces are taken
# possessively (`\s*+`): backtracking into a long run of them before a last word was quadratic.
_SIGNATURE = re.compile(
    rf"[—–-]\s*+([^—–()@]{{0,80}})\(@(\w{{1,30}})\)\s*(?:{_MONTH})\s+\d{{1,2}},\s+\d{{4}}"
    r"\s*+\"?\s*+$"
)
_SIGNED = re.compile(rf"\(@\w{{1,30}}\)\s*({_MONTH})\s+(\d{{1,2}}),\s+(\d{{4}})")
_TAG = re.compile(r"[#@](\w+)")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z])(?=\d)")


def tweet_date(text: str) -> date | None:
    """The date in a pasted tweet's signature ("— Name (@handle) January 28, 2021")."""
    found = _SIGNED.search(text)
    if found is None:
        return None
    month, day, year = found.groups()
    try:
        return date(int(year), _MONTHS.index(month) + 1, int(day))
    except ValueError:
        return None


def without_tweet_date(text: str) -> str:
    """The text with its signature's date cut ("(@handle) January 28, 2021" -> "(@handle) "): the
    same tweet as a claim posted without a date."""
    return _SIGNED.sub(lambda m: m.group(0)[: m.start(1) - m.start()], text)


def clean_text(text: str) -> str:
    """The claim a text makes without its links, a tweet's signature date and tag marks: the
    names in handles and hashtags stay, as words ("#AustralianFires": "Australian Fires")."""
    text = unicodedata.normalize("NFKC", text)
    text = _SIGNATURE.sub(lambda m: f" {m.group(1)} @{m.group(2)}", text)
    text = _URL.sub(" ", text)
    text = _TAG.sub(lambda m: " " + _CAMEL.sub(" ", m.group(1)).replace("_", " ") + " ", text)
    return text


# -- Words compared, stems and content terms --------------------------------------------------


def words(text: str) -> list[str]:
    """The folded `WORD_PART`s of what a text claims (`clean_text`)."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    # Every pattern of clean_text needs an @, a # or a /, or "www.": without them it would
    # only normalise, which is done.
    if "@" in text or "#" in text or "/" in text or "www." in text.lower():
        text = clean_text(text)
    return WORD_PART.findall(fold(text))


# snowballstemmer algorithm per ISO code the library and queries use.
STEMMED_LANGUAGES = {
    "en": "english",
    "fr": "french",
    "es": "spanish",
    "de": "german",
    "pt": "portuguese",
    "it": "italian",
    "nl": "dutch",
}


# Bounded: a library of 100k reviews has ~200k distinct words, and the cache stays in memory.
@lru_cache(maxsize=1 << 13)
def stem(language: str, word: str) -> str:
    """The Snowball stem of a folded word ("drinking" -> "drink"); figures and words of a
    language without a stemmer stay whole."""
    algorithm = STEMMED_LANGUAGES.get(language)
    if algorithm is None or is_number(word):
        return word
    return str(_stemmer(algorithm).stemWord(word))


class _ThreadStemmers(threading.local):
    """A Snowball stemmer keeps the word it works on in its own fields, so two threads
    sharing one corrupt each other's stems (seen as an IndexError while the fact-check
    library indexed in a worker thread): each thread gets its own."""

    def __init__(self) -> None:
        self.by_algorithm: dict[str, snowballstemmer.Stemmer] = {}


_thread_stemmers = _ThreadStemmers()


def _stemmer(algorithm: str) -> snowballstemmer.Stemmer:
    stemmers = _thread_stemmers.by_algorithm
    found = stemmers.get(algorithm)
    if found is None:
        # Imported on first use: extraction imports this module and rarely stems.
        import snowballstemmer

        found = stemmers[algorithm] = snowballstemmer.stemmer(algorithm)
    return found


def is_content_word(folded_word: str, language: str = "en") -> bool:
    """A word `terms` keeps: neither a stopword nor a lone letter (a one-digit figure is
    kept)."""
    return not is_stopword(folded_word, language) and (
        len(folded_word) > 1 or is_number(folded_word)
    )


def terms(text: str, language: str = "en") -> list[str]:
    """Stemmed content words, in order; numbers are kept whole (they tell near-duplicates
    apart)."""
    return [stem(language, w) for w in words(text) if is_content_word(w, language)]
