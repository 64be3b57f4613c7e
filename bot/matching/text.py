"""Claim text → matching terms: tweets and fact-check sentences made comparable.

Tweets carry links, `pic.twitter.com` stubs, handles, hashtags, emoji and a signature line
("— Name (@handle) January 28, 2021"); none of that is the claim, but the names in handles and
hashtags often are ("@JoeBiden", "#AustralianFires"), so they are split into words rather
than dropped. Words are folded (case, accents), stopwords dropped and stems kept, per language.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
import zlib
from datetime import date
from functools import cache, lru_cache
from importlib import resources

import snowballstemmer

__all__ = [
    "GRAM_BUCKETS",
    "STEMMED_LANGUAGES",
    "char_ngrams",
    "clean_text",
    "fold",
    "forget_words",
    "gram_buckets",
    "is_stopword",
    "terms",
    "terms_and_grams",
    "tweet_date",
    "without_tweet_date",
    "words",
]

_URL = re.compile(r"(?:https?://|www\.)\S+|\bpic\.twitter\.com/\S+|\bt\.co/\S+", re.IGNORECASE)
_SIGNATURE_DATE = re.compile(
    r"[—–-]\s*([^—–()@]{0,80})\(@(\w{1,30})\)\s*"
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
    r"\s+\d{1,2},\s+\d{4}\s*\"?\s*$"
)
_TAG = re.compile(r"[#@](\w+)")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z])(?=\d)")
_WORD = re.compile(r"[^\W_]+")

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


_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_SIGNED = re.compile(r"\(@\w{1,30}\)\s*(" + "|".join(_MONTHS) + r")\s+(\d{1,2}),\s+(\d{4})")


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
    """The text with its signature's date cut ("(@handle) January 28, 2021" → "(@handle) "): the
    same tweet as a claim posted without a date."""
    return _SIGNED.sub(lambda m: m.group(0)[: m.start(1) - m.start()], text)


def clean_text(text: str) -> str:
    """The claim a tweet makes, without links, signature date and tag marks."""
    text = unicodedata.normalize("NFKC", text)
    text = _SIGNATURE_DATE.sub(lambda m: f" {m.group(1)} @{m.group(2)}", text)
    text = _URL.sub(" ", text)
    text = _TAG.sub(lambda m: " " + _CAMEL.sub(" ", m.group(1)).replace("_", " ") + " ", text)
    return text


def fold(text: str) -> str:
    """Lower case without accents: 'Élysée' and 'elysee' are one word for matching."""
    if text.isascii():
        return text.lower()
    return unicodedata.normalize("NFKD", text.lower()).translate(_combining_marks())


@cache
def _combining_marks() -> dict[int, None]:
    """Every combining code point, mapped to None for str.translate (built once, ~0.3 s)."""
    return {c: None for c in range(sys.maxunicode + 1) if unicodedata.combining(chr(c))}


def words(text: str) -> list[str]:
    return _WORD.findall(fold(clean_text(text)))


@cache
def _stopwords() -> dict[str, frozenset[str]]:
    raw = resources.files("bot.matching").joinpath("data/stopwords.json").read_text("utf-8")
    loaded: dict[str, list[str]] = json.loads(raw)
    return {code: frozenset(fold(w) for w in ws) for code, ws in loaded.items()}


@cache
def _stopwords_for(language: str) -> frozenset[str]:
    """English stopwords count in every language: tweets in any language quote English."""
    return _stopwords().get(language, frozenset()) | _stopwords()["en"]


def is_stopword(folded_word: str, language: str = "en") -> bool:
    return folded_word in _stopwords_for(language)


# Bounded: a library of 100k reviews has ~200k distinct words, and the cache stays in memory
# (terms_and_grams, which indexing and re-ranking use, has its own per-word cache).
@lru_cache(maxsize=1 << 13)
def _stem(language: str, word: str) -> str:
    algorithm = STEMMED_LANGUAGES.get(language)
    if algorithm is None or word.isdigit():
        return word
    return str(_stemmers(algorithm).stemWord(word))


@cache
def _stemmers(algorithm: str) -> snowballstemmer.Stemmer:
    return snowballstemmer.stemmer(algorithm)


def terms(text: str, language: str = "en") -> list[str]:
    """Stemmed content words; numbers are kept whole (they tell near-duplicates apart)."""
    stop = _stopwords_for(language)
    return [
        _stem(language, w) for w in words(text) if w not in stop and (len(w) > 1 or w.isdigit())
    ]


def char_ngrams(text: str, size: int = 4) -> dict[str, int]:
    """Counts of character n-grams over the folded words, padded at word edges."""
    counts: dict[str, int] = {}
    for word in words(text):
        padded = f" {word} "
        for i in range(max(1, len(padded) - size + 1)):
            gram = padded[i : i + size]
            counts[gram] = counts.get(gram, 0) + 1
    return counts


# Character 4-grams are counted in this many hashed buckets. The hash is CRC-32, not hash():
# bucket frequencies are saved with the index, so a bucket must mean the same in every process.
GRAM_BUCKETS = 1 << 20
_GRAM_MASK = GRAM_BUCKETS - 1


# Per language, each word's stem ("" for a stopword) and 4-gram buckets, so the texts of the
# candidates re-ranked at query time cost a dict look-up per word. Emptied when full.
_WORD_CACHE_SIZE = 1 << 14
_word_cache: dict[str, dict[str, tuple[str, tuple[int, ...]]]] = {}


def _analysed_word(language: str, word: str) -> tuple[str, tuple[int, ...]]:
    stop = _stopwords_for(language)
    stem = _stem(language, word) if word not in stop and (len(word) > 1 or word.isdigit()) else ""
    padded = f" {word} "
    grams = (padded[i : i + 4] for i in range(max(1, len(padded) - 3)))
    return stem, tuple({zlib.crc32(gram.encode()) & _GRAM_MASK for gram in grams})


def _words_fast(text: str) -> list[str]:
    """words(text), skipping clean_text's patterns when none can match (no link, tag or
    signature: all of them need an @, a # or a /, or "www.")."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    if "@" in text or "#" in text or "/" in text or "www." in text.lower():
        return words(text)
    return _WORD.findall(fold(text))


def terms_and_grams(text: str, language: str = "en") -> tuple[list[str], set[int]]:
    """`terms(text)` and the hashed buckets of its `char_ngrams`, from one pass over the words
    (a text's 4-grams are the union of its words' padded 4-grams)."""
    found = _words_fast(text)
    cache = _word_cache.get(language)
    if cache is None or len(cache) > _WORD_CACHE_SIZE:
        cache = _word_cache[language] = {}
    entries = list(map(cache.get, found))
    for i, entry in enumerate(entries):
        if entry is None:
            entries[i] = cache[found[i]] = _analysed_word(language, found[i])
    stems = [entry[0] for entry in entries if entry[0]]  # type: ignore[index]
    return stems, set().union(*[entry[1] for entry in entries])  # type: ignore[index]


_gram_cache: dict[str, tuple[int, ...]] = {}


def gram_buckets(text: str) -> set[int]:
    """The hashed buckets of `char_ngrams(text)` (what terms_and_grams gives, without stems)."""
    global _gram_cache
    if len(_gram_cache) > _WORD_CACHE_SIZE:
        _gram_cache = {}
    cache = _gram_cache
    found = _words_fast(text)
    entries = list(map(cache.get, found))
    if None in entries:
        for i, entry in enumerate(entries):
            if entry is None:
                padded = f" {found[i]} "
                grams = (padded[j : j + 4] for j in range(max(1, len(padded) - 3)))
                entries[i] = cache[found[i]] = tuple(
                    {zlib.crc32(g.encode()) & _GRAM_MASK for g in grams}
                )
    return set().union(*entries)  # type: ignore[arg-type]


def forget_words() -> None:
    """Empty the per-word caches (an index build fills them with words no query may need)."""
    _word_cache.clear()
    _gram_cache.clear()
    _stem.cache_clear()
