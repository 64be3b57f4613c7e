"""Is a new claim probably a rewording of one the server already has?

The matcher's score says "same story", and it is near 1 for "Paris banned cars in 2019" and
"Lyon banned cars in 2019" alike (tests/matching/data/duplicates.json). So a paraphrase
needs the matcher's score, enough shared content words, and the same particulars: the same
numbers, and every name of each (a capitalised word that is not a stopword, compared by its
stem, so the sentence-initial "Drinking" is found in "drink") among the other's words.
"""

from __future__ import annotations

import re

from bot.core.text import clean_text, fold, is_stopword, terms

__all__ = [
    "PARAPHRASE_MIN_SCORE",
    "PARAPHRASE_MIN_SHARED",
    "is_paraphrase",
    "same_particulars",
    "shared_terms",
]

# The matcher's calibrated probability from which a server's own claim may be the same one
# (the threshold of fact-check suggestions).
PARAPHRASE_MIN_SCORE = 0.5
# And at least this share of stemmed content words in common (Jaccard): rewordings written for
# the tests share 0.55 to 1; two claims that only share a topic share far less.
PARAPHRASE_MIN_SHARED = 0.5

_TOKEN = re.compile(r"[^\W_]+")


def _numbers(text: str) -> set[str]:
    return {w.lstrip("0") or "0" for w in _TOKEN.findall(clean_text(text)) if w.isdigit()}


def _name_stems(text: str, language: str) -> set[str]:
    names = (w for w in _TOKEN.findall(clean_text(text)) if w[0].isupper() and not w.isdigit())
    return {
        stem
        for name in names
        if not is_stopword(fold(name), language)
        for stem in terms(name, language)
    }


def same_particulars(a: str, b: str, language: str = "en") -> bool:
    """Same numbers, and no name (person, place, day) in one that the other lacks."""
    if _numbers(a) != _numbers(b):
        return False
    stems_a, stems_b = set(terms(a, language)), set(terms(b, language))
    return _name_stems(a, language) <= stems_b and _name_stems(b, language) <= stems_a


def shared_terms(a: str, b: str, language: str = "en") -> float:
    left, right = set(terms(a, language)), set(terms(b, language))
    if not left or not right:
        return 0.0
    return len(left & right) / len(left | right)


def is_paraphrase(a: str, b: str, score: float, language: str = "en") -> bool:
    """`score` is the matcher's probability that `b` matches `a`."""
    return (
        score >= PARAPHRASE_MIN_SCORE
        and shared_terms(a, b, language) >= PARAPHRASE_MIN_SHARED
        and same_particulars(a, b, language)
    )
