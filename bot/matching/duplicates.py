"""Is a new fact-check the same claim as one already in the library?

A suggestion may be loose ("probably the same story"); a duplicate may not: "Paris banned cars
in 2019" and "Lyon banned cars in 2019" share almost every word and are different claims.
So the score is the share of content words in common (Jaccard over stems), and it is zero as
soon as the two differ in a number (years, amounts) or in a name (a capitalised word that
is not a stopword: places, people, organisations) that the other does not have.
"""

from __future__ import annotations

import re

from bot.core.text import clean_text, fold, is_stopword, terms, words

__all__ = ["DUPLICATE_THRESHOLD", "duplicate_score", "is_duplicate"]

# Same claim from this Jaccard up: one extra or missing content word in a ten-word claim
# (0.9) still counts, a rewording of a quarter of it does not. Numbers and names must be
# identical whatever the share, which is what keeps near-misses out (tests/matching/data).
DUPLICATE_THRESHOLD = 0.8

_TOKEN = re.compile(r"[^\W_]+")


def _numbers(text: str) -> set[str]:
    return {w.lstrip("0") or "0" for w in _TOKEN.findall(clean_text(text)) if w.isdigit()}


def _names(text: str, language: str) -> set[str]:
    found = (fold(w) for w in _TOKEN.findall(clean_text(text)) if w[0].isupper())
    return {w for w in found if not is_stopword(w, language)}


def duplicate_score(a: str, b: str, language: str = "en") -> float:
    """0 to 1; 0 whenever numbers differ or either names something the other does not."""
    if _numbers(a) != _numbers(b):
        return 0.0
    words_a, words_b = set(words(a)), set(words(b))
    if not _names(a, language) <= words_b or not _names(b, language) <= words_a:
        return 0.0
    left, right = set(terms(a, language)), set(terms(b, language))
    if not left or not right:
        return 0.0
    return len(left & right) / len(left | right)


def is_duplicate(a: str, b: str, language: str = "en") -> bool:
    return duplicate_score(a, b, language) >= DUPLICATE_THRESHOLD
