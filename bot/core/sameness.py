"""When two wordings are the same claim: one rule per purpose, and every threshold here.

* **Identical** (`normalize_claim`): the same words once case, accents and punctuation are
  folded. The database's unique index holds a server to one claim per identity.
* **The same claim** (`is_same_claim`): not posted twice. A claim that repeats one already in
  the server is pointed at instead; of two in one submission, the better-scored one is kept
  (the extractor's `dedupe`, then `claims.triage`). One rule for both, since a wording is the
  same claim wherever the first copy was written.
* **A paraphrase** (`is_paraphrase`): probably the same claim reworded. Still posted, since a
  wrong match must never hide a claim from reviewers, but pointed at the earlier one.

Shared words are not enough for either: "Paris banned cars in 2019" and "Lyon banned cars in
2019" share nearly every word and are different claims (tests/fixtures/same_claims.json). So both
also need the same particulars: the same numbers, and every name of each among the other's
words. Each rule takes what the stricter one takes: identical wordings are the same claim, and
the same claim is a paraphrase wherever the matcher finds it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .text import WORD_PART, clean_text, fold, is_number, is_stopword, jaccard, numbers, terms

__all__ = [
    "PARAPHRASE_MIN_SHARED",
    "SAME_CLAIM_MIN_SHARED",
    "SUGGESTION_THRESHOLD",
    "Wording",
    "is_paraphrase",
    "is_same_claim",
    "normalize_claim",
    "same_claim",
    "same_particulars",
    "shared_terms",
]

# The same claim from this share of the same words (Jaccard, after normalize_claim): the words
# in another order, or one word more or less in a claim of seven words or more (6/7 = 0.857);
# not two words changed in twelve (10/14 = 0.71). A claim it takes is not posted, so it is
# strict: rewordings are left to the paraphrase rule, which still posts them.
SAME_CLAIM_MIN_SHARED = 0.85
# The matcher's calibrated probability from which a fact-check, or a claim of the server, is
# shown as probably the same claim: even odds, a suggestion right more often than not. Out of
# fold over Train + Dev (every tweet has a fact-check) the best match reaches it for 1,126 of
# 1,191 dated tweets, 1,054 of them right, and 47 of the 69 between 0.5 and 0.7 (undated: 1,067
# of 1,196, 938 right); see matching/data/reranker.card.md. No tweet there lacks a fact-check,
# so the threshold sits at the calibrated even odds rather than lower.
SUGGESTION_THRESHOLD = 0.5
# And a paraphrase shares at least this share of stemmed content words (Jaccard): rewordings
# written for the tests share 0.55 to 1; two claims that only share a topic share far less.
PARAPHRASE_MIN_SHARED = 0.5

_IDENTITY_BREAKS = re.compile(r"[^\w%]+")


def normalize_claim(text: str) -> str:
    """Folded (case, accents), punctuation and spacing collapsed: the identity of a claim,
    stored with it. "3.5%" keeps its sign: "3 5%"."""
    return _IDENTITY_BREAKS.sub(" ", fold(text)).strip()


@dataclass(frozen=True, slots=True)
class Wording:
    """A claim as `same_claim` compares it, its words computed once; `text` is None when only
    the identity is known (the rule then reads the words alone)."""

    words: frozenset[str]
    text: str | None = None

    @classmethod
    def of(cls, text: str) -> Wording:
        return cls(frozenset(normalize_claim(text).split()), text)

    @classmethod
    def stored(cls, normalized: str, text: str | None) -> Wording:
        """A claim read back with its stored identity (`normalize_claim`)."""
        return cls(frozenset(normalized.split()), text)


def same_claim(a: Wording, b: Wording, language: str = "en") -> bool:
    """`is_same_claim` on wordings already read: the words first, the particulars only for the
    few pairs that share enough of them and not all."""
    if jaccard(a.words, b.words) < SAME_CLAIM_MIN_SHARED:
        return False
    if a.words == b.words or a.text is None or b.text is None:
        return True  # the same words, in any order: no number or name can differ
    return same_particulars(a.text, b.text, language)


def is_same_claim(a: str, b: str, language: str = "en") -> bool:
    """Not posted twice: `SAME_CLAIM_MIN_SHARED` of the same words, and the same particulars."""
    return same_claim(Wording.of(a), Wording.of(b), language)


def _name_stems(cleaned: str, language: str) -> set[str]:
    """The stems of a text's names: its capitalised words that are no stopword."""
    names = (w for w in WORD_PART.findall(cleaned) if w[0].isupper() and not is_number(w))
    return {
        stem
        for name in names
        if not is_stopword(fold(name), language)
        for stem in terms(name, language)
    }


def same_particulars(a: str, b: str, language: str = "en") -> bool:
    """Same numbers, and no name (person, place, day) in one that the other lacks. A name is
    looked for among the other's stems, so the sentence-initial "Drinking" is found in "drink"."""
    clean_a, clean_b = clean_text(a), clean_text(b)
    if numbers(clean_a) != numbers(clean_b):
        return False
    stems_a, stems_b = set(terms(a, language)), set(terms(b, language))
    return _name_stems(clean_a, language) <= stems_b and _name_stems(clean_b, language) <= stems_a


def shared_terms(a: str, b: str, language: str = "en") -> float:
    """The share of stemmed content words two texts have in common (Jaccard); 0 when either
    has none."""
    left, right = frozenset(terms(a, language)), frozenset(terms(b, language))
    return jaccard(left, right)


def is_paraphrase(a: str, b: str, score: float, language: str = "en") -> bool:
    """Probably the same claim reworded. `score` is the matcher's probability that `b` matches
    `a`; the matcher alone says "same story", near 1 for the Paris and Lyon bans alike."""
    if score < SUGGESTION_THRESHOLD:
        return False
    if is_same_claim(a, b, language):
        return True
    return shared_terms(a, b, language) >= PARAPHRASE_MIN_SHARED and same_particulars(
        a, b, language
    )
