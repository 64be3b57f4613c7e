"""An in-memory index of fact-checked claims: BM25 over stemmed words finds candidates,
lexical features over the best of them feed a small learned re-ranker (see docs/matching.md).
"""

from __future__ import annotations

import heapq
import math
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from .text import char_ngrams, terms

__all__ = ["BM25_B", "BM25_K1", "CANDIDATES", "ClaimIndex", "LibraryClaim", "Match"]

BM25_K1 = 1.2
BM25_B = 0.75
# The review's headline counts half as much as its claim in the candidate score: it is often
# a question or a teaser ("Did X Really Say Y?") rather than the claim itself.
TITLE_WEIGHT = 0.5
# Candidates re-ranked per query: recall@50 of BM25 alone is above 0.97 on Train.
CANDIDATES = 50
# Character n-grams are counted in this many hashed buckets (4 MB of frequencies).
_NGRAM_BUCKETS = 1 << 20
# A term's postings keep only its this many highest BM25 weights (impact-ordered pruning): a
# term in more claims than that has a low idf, and pruning keeps a query under ~20 ms at 100k.
MAX_POSTINGS = 1_000


@dataclass(frozen=True, slots=True)
class LibraryClaim:
    """A fact-checked claim as the matcher sees it; `title` is the review's headline."""

    id: str
    text: str
    language: str = "en"
    title: str = ""
    published: date | None = None


@dataclass(frozen=True, slots=True)
class Match:
    id: str
    score: float


class _Field:
    """BM25 postings of one text field: term → (document numbers, weighted BM25 impacts)."""

    def __init__(self, weight: float) -> None:
        self.weight = weight
        self.postings: dict[str, tuple[array[int], array[float]]] = {}
        self.lengths = array("i")
        self.bags: list[dict[str, int]] = []
        self.average = 1.0
        self.idf: dict[str, float] = {}

    def add(self, doc: int, tokens: list[str]) -> None:
        bag: dict[str, int] = {}
        for token in tokens:
            bag[token] = bag.get(token, 0) + 1
        self.lengths.append(len(tokens))
        self.bags.append(bag)
        for token, count in bag.items():
            entry = self.postings.get(token)
            if entry is None:
                entry = self.postings[token] = (array("i"), array("f"))
            entry[0].append(doc)
            entry[1].append(count)

    def finish(self) -> None:
        """Turn raw counts into BM25 tf weights now that the average length is known."""
        count = max(1, len(self.lengths))
        average = self.average = max(1.0, sum(self.lengths) / count)
        norms = [BM25_K1 * (1 - BM25_B + BM25_B * n / average) for n in self.lengths]
        for token, (docs, weights) in self.postings.items():
            df = len(docs)
            idf = self.idf[token] = math.log(1 + (count - df + 0.5) / (df + 0.5))
            impact = idf * self.weight * (BM25_K1 + 1)
            for i, doc in enumerate(docs):
                tf = weights[i]
                weights[i] = impact * tf / (tf + norms[doc])
            if df > MAX_POSTINGS:
                kept = heapq.nlargest(MAX_POSTINGS, range(df), key=weights.__getitem__)
                kept.sort()
                self.postings[token] = (
                    array("i", (docs[i] for i in kept)),
                    array("f", (weights[i] for i in kept)),
                )

    def bm25(self, doc: int, query: Iterable[str]) -> float:
        """The full (unpruned) BM25 of one document, for the few candidates re-ranked."""
        bag = self.bags[doc]
        norm = BM25_K1 * (1 - BM25_B + BM25_B * self.lengths[doc] / self.average)
        total = 0.0
        for token in query:
            tf = bag.get(token)
            if tf:
                total += self.idf[token] * tf * (BM25_K1 + 1) / (tf + norm)
        return total

    def score_into(self, query: Iterable[str], scores: dict[int, float]) -> None:
        get = scores.get
        for token in query:
            entry = self.postings.get(token)
            if entry is not None:
                for doc, impact in zip(entry[0], entry[1], strict=True):
                    scores[doc] = get(doc, 0.0) + impact


class ClaimIndex:
    def __init__(self, claims: Iterable[LibraryClaim]) -> None:
        self.claims: list[LibraryClaim] = []
        self.text = _Field(1.0)
        self.title = _Field(TITLE_WEIGHT)
        self.text_grams: list[array[int]] = []
        self.title_grams: list[array[int]] = []
        gram_df: dict[int, int] = {}
        for claim in claims:
            doc = len(self.claims)
            self.claims.append(claim)
            self.text.add(doc, terms(claim.text, claim.language))
            self.title.add(doc, terms(claim.title, claim.language))
            text_grams, title_grams = _buckets(claim.text), _buckets(claim.title)
            self.text_grams.append(array("i", sorted(text_grams)))
            self.title_grams.append(array("i", sorted(title_grams)))
            for bucket in text_grams | title_grams:
                gram_df[bucket] = gram_df.get(bucket, 0) + 1
        self.text.finish()
        self.title.finish()
        total = len(self.claims) + 1
        # Squared idf of each bucket: a gram vector is binary tf x idf, so a dot product is
        # the sum of squared idfs over the grams two texts share.
        # Most buckets hold no gram of the library: fill them in C, then set the others.
        self.gram_idf2 = array("f", [math.log(total) ** 2]) * _NGRAM_BUCKETS
        for bucket, df in gram_df.items():
            self.gram_idf2[bucket] = math.log(total / (1 + df)) ** 2
        self.text_norms = array("f", (self._norm(g) for g in self.text_grams))
        self.title_norms = array("f", (self._norm(g) for g in self.title_grams))

    def __len__(self) -> int:
        return len(self.claims)

    def _norm(self, buckets: Iterable[int]) -> float:
        idf2 = self.gram_idf2
        return math.sqrt(sum(idf2[b] for b in buckets))

    def _gram_cosine(
        self, query: set[int], query_norm: float, claim: array[int], claim_norm: float
    ) -> float:
        if not query_norm or not claim_norm:
            return 0.0
        idf2 = self.gram_idf2
        return sum(idf2[b] for b in query.intersection(claim)) / (query_norm * claim_norm)

    def features(
        self,
        query: str,
        language: str = "en",
        limit: int = CANDIDATES,
        query_date: date | None = None,
    ) -> list[tuple[int, list[float]]]:
        """The BM25 candidates of `query`, each with the re-ranker's features."""
        tokens = set(terms(query, language))
        scores: dict[int, float] = {}
        self.text.score_into(tokens, scores)
        self.title.score_into(tokens, scores)
        # sorted() with a C key beats heapq.nlargest's Python heap on tens of thousands.
        ranked = sorted(scores, key=scores.__getitem__, reverse=True)[:limit]
        best = [(doc, scores[doc]) for doc in ranked]
        if not best:
            return []
        top = best[0][1]
        grams = _buckets(query)
        grams_norm = self._norm(grams)
        query_numbers = _numbers(tokens)
        rows: list[tuple[int, list[float]]] = []
        for rank, (doc, score) in enumerate(best):
            claim = self.claims[doc]
            bag = self.text.bags[doc]
            claim_tokens = bag.keys()
            covered = sum(1 for t in claim_tokens if t in tokens)
            numbers = _numbers(claim_tokens)
            rows.append(
                (
                    doc,
                    [
                        score / top,
                        math.log1p(score),
                        self.text.bm25(doc, tokens),
                        self.title.bm25(doc, tokens),
                        self._gram_cosine(
                            grams, grams_norm, self.text_grams[doc], self.text_norms[doc]
                        ),
                        self._gram_cosine(
                            grams, grams_norm, self.title_grams[doc], self.title_norms[doc]
                        ),
                        covered / max(1, len(bag)),
                        sum(1 for t in tokens if t in bag) / max(1, len(tokens)),
                        1.0 / (rank + 1),
                        float(len(numbers - query_numbers)),
                        *_date_features(claim.published, query_date),
                    ],
                )
            )
        return rows


FEATURES = (
    "bm25_relative",
    "bm25_log",
    "bm25_text",
    "bm25_title",
    "grams_text",
    "grams_title",
    "claim_covered",
    "query_covered",
    "reciprocal_rank",
    "numbers_missing",
    "reviewed_soon_after",
    "date_gap_log",
    "date_unknown",
)
# A review published this many days before the claim's date up to REVIEW_LAG_DAYS after it is
# "soon after": 83% of the Train tweets were fact-checked within that window.
REVIEW_LEAD_DAYS = 3
REVIEW_LAG_DAYS = 30


def _date_features(claim_date: date | None, query_date: date | None) -> list[float]:
    if claim_date is None or query_date is None:
        return [0.0, 0.0, 1.0]
    gap = (claim_date - query_date).days
    soon = -REVIEW_LEAD_DAYS <= gap <= REVIEW_LAG_DAYS
    return [1.0 if soon else 0.0, math.log1p(abs(gap)) / 10, 0.0]


def _buckets(text: str) -> set[int]:
    return {hash(gram) % _NGRAM_BUCKETS for gram in char_ngrams(text)}


def _numbers(tokens: Iterable[str]) -> set[str]:
    return {t for t in tokens if t.isdigit()}
