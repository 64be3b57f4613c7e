"""Claim text → what the matcher indexes: stemmed terms and hashed character 4-grams.

Words, folding, stopwords, stems and the clean-up of pasted tweets are the shared rules of
`bot.core.text`; this module adds what only the index needs, with per-word caches so that
re-ranking the candidates of a query costs a dict look-up per word.
"""

from __future__ import annotations

import zlib

from bot.core.text import is_content_word, stem, words

__all__ = [
    "GRAM_BUCKETS",
    "char_ngrams",
    "forget_words",
    "gram_buckets",
    "terms_and_grams",
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


def _word_grams(word: str) -> tuple[int, ...]:
    """The hashed buckets of a word's 4-grams, padded at its edges."""
    padded = f" {word} "
    grams = (padded[i : i + 4] for i in range(max(1, len(padded) - 3)))
    return tuple({zlib.crc32(gram.encode()) & _GRAM_MASK for gram in grams})


def _analysed_word(language: str, word: str) -> tuple[str, tuple[int, ...]]:
    kept = stem(language, word) if is_content_word(word, language) else ""
    return kept, _word_grams(word)


def terms_and_grams(text: str, language: str = "en") -> tuple[list[str], set[int]]:
    """`bot.core.text.terms(text)` and the hashed buckets of its `char_ngrams`, from one pass
    over the words (a text's 4-grams are the union of its words' padded 4-grams)."""
    found = words(text)
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
    found = words(text)
    entries = list(map(cache.get, found))
    if None in entries:
        for i, entry in enumerate(entries):
            if entry is None:
                entries[i] = cache[found[i]] = _word_grams(found[i])
    return set().union(*entries)  # type: ignore[arg-type]


def forget_words() -> None:
    """Empty the per-word caches (an index build fills them with words no query may need)."""
    _word_cache.clear()
    _gram_cache.clear()
    stem.cache_clear()
