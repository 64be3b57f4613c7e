"""An index of fact-checked claims in flat arrays: BM25 over stemmed words finds candidates,
lexical features over the best of them feed a small learned re-ranker (see docs/matching.md).

The index holds no per-review object and no text: a library of 100k reviews is a few arrays
(postings, document frequencies, the 4-gram idf) that save to bytes and load back in a blink.
The re-ranker's features are computed at query time from the candidates' current texts, which
the caller passes in (from SQLite for the bot, from a list for ClaimMatcher): an updated review
is scored on what it says now, whatever it said when the index was built.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import math
import sys
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from bot.core.text import is_number, terms

from .text import GRAM_BUCKETS, forget_words, gram_buckets, terms_and_grams

__all__ = [
    "BM25_B",
    "BM25_K1",
    "CANDIDATES",
    "FEATURES",
    "ClaimIndex",
    "ClaimIndexBuilder",
    "LibraryClaim",
    "Match",
]

BM25_K1 = 1.2
BM25_B = 0.75
# The review's headline counts half as much as its claim in the candidate score: it is often
# a question or a teaser ("Did X Really Say Y?") rather than the claim itself.
TITLE_WEIGHT = 0.5
# The rarest this many terms of a query find its candidates (see `candidates`), and this many
# candidates are re-ranked. Chosen together on Dev for the 20 ms budget at 100k reviews: Dev
# MAP@5 0.959 (0.958 with every term and 50 candidates), p99 per query 17.8 ms (25-28 ms).
# The re-ranker is trained on candidates retrieved with these two: data/reranker.json records
# them, and the matcher refuses it once they differ (retrain: python -m tools.train_claim_matcher).
QUERY_TERMS = 20
CANDIDATES = 40
# A term's postings keep only its this many highest BM25 weights (impact-ordered pruning): a
# term in more claims than that has a low idf, and pruning bounds a query's work at 100k.
MAX_POSTINGS = 1_000
# Saved indexes of another layout (or byte order), or of terms read by other rules, are rebuilt
# rather than misread. 4: words folded with full case folding ("ß" is "ss"), as every rule of
# bot.core.text folds them.
FORMAT = f"claim-index-4-{sys.byteorder}"
PARTS = (
    "keys",
    "df_text",
    "df_title",
    "numeric",
    "offsets",
    "docs",
    "impacts",
    "gram_idf2",
    "doc_ends",
    "doc_terms",
    "doc_text_tf",
    "doc_title_tf",
    "text_lengths",
    "title_lengths",
)
_TYPECODES = {
    "keys": "Q",
    "numeric": "B",
    "impacts": "f",
    "gram_idf2": "f",
    "doc_text_tf": "B",
    "doc_title_tf": "B",
}


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


@lru_cache(maxsize=1 << 13)
def term_key(term: str) -> int:
    """A term's 64-bit key: the index keeps these sorted instead of a dict of strings (a
    collision between two of a library's terms has odds of about 1 in 10^9 at 200k terms)."""
    return int.from_bytes(hashlib.blake2b(term.encode(), digest_size=8).digest(), "little")


class ClaimIndex:
    """Build with `ClaimIndex.build(claims)`; documents are numbered in the order given."""

    def __init__(
        self, meta: dict[str, float], arrays: dict[str, array[int] | array[float]]
    ) -> None:
        self.documents = int(meta["documents"])
        self.average_text = float(meta["average_text"])
        self.average_title = float(meta["average_title"])
        # Sorted term keys; term i's postings are docs/impacts[offsets[i]:offsets[i + 1]].
        self.keys: array[int] = arrays["keys"]  # type: ignore[assignment]
        self.df_text: array[int] = arrays["df_text"]  # type: ignore[assignment]
        self.df_title: array[int] = arrays["df_title"]  # type: ignore[assignment]
        self.offsets: array[int] = arrays["offsets"]  # type: ignore[assignment]
        self.docs: array[int] = arrays["docs"]  # type: ignore[assignment]
        self.impacts: array[float] = arrays["impacts"]  # type: ignore[assignment]
        # Squared idf of each 4-gram bucket: a gram vector is binary tf x idf, so a dot product
        # is the sum of squared idfs over the grams two texts share.
        self.gram_idf2: array[float] = arrays["gram_idf2"]  # type: ignore[assignment]
        # Whether term i is a number (numbers tell near-duplicates apart).
        self.numeric: array[int] = arrays["numeric"]  # type: ignore[assignment]
        # Each document's terms (positions in `keys`) with their counts in claim and headline:
        # document d's are doc_terms[doc_ends[d - 1]:doc_ends[d]]. They spare re-stemming the
        # candidates' texts (a word not seen lately costs ~50 us to stem).
        self.doc_ends: array[int] = arrays["doc_ends"]  # type: ignore[assignment]
        self.doc_terms: array[int] = arrays["doc_terms"]  # type: ignore[assignment]
        self.doc_text_tf: array[int] = arrays["doc_text_tf"]  # type: ignore[assignment]
        self.doc_title_tf: array[int] = arrays["doc_title_tf"]  # type: ignore[assignment]
        self.text_lengths: array[int] = arrays["text_lengths"]  # type: ignore[assignment]
        self.title_lengths: array[int] = arrays["title_lengths"]  # type: ignore[assignment]

    def __len__(self) -> int:
        return self.documents

    @classmethod
    def build(cls, claims: Iterable[LibraryClaim]) -> ClaimIndex:
        builder = ClaimIndexBuilder()
        for claim in claims:
            builder.add(claim)
        return builder.finish()

    # Saving and loading: a JSON header and one bytes blob per array.

    def header(self) -> str:
        return json.dumps(
            {
                "format": FORMAT,
                "documents": self.documents,
                "average_text": self.average_text,
                "average_title": self.average_title,
            }
        )

    def parts(self) -> Iterable[tuple[str, bytes]]:
        for name in PARTS:
            yield name, getattr(self, name).tobytes()

    @classmethod
    def load(cls, header: str, parts: dict[str, bytes]) -> ClaimIndex:
        """The index `header()` and `parts()` saved; each part is dropped from `parts` once
        read, so at most one array is held twice. ValueError if they do not fit together."""
        meta = json.loads(header)
        if meta.get("format") != FORMAT or set(parts) != set(PARTS):
            raise ValueError("a saved claim index of another format")
        arrays: dict[str, array[int] | array[float]] = {}
        for name in PARTS:
            loaded = array(_TYPECODES.get(name, "I"))
            loaded.frombytes(parts.pop(name))
            arrays[name] = loaded
        terms_count = len(arrays["keys"])
        if (
            len(arrays["offsets"]) != terms_count + 1
            or len(arrays["df_text"]) != terms_count
            or len(arrays["df_title"]) != terms_count
            or len(arrays["docs"]) != len(arrays["impacts"])
            or arrays["offsets"][-1] != len(arrays["docs"])
            or len(arrays["gram_idf2"]) != GRAM_BUCKETS
            or len(arrays["numeric"]) != terms_count
            or len(arrays["doc_ends"]) != meta["documents"]
            or len(arrays["text_lengths"]) != meta["documents"]
            or len(arrays["title_lengths"]) != meta["documents"]
            or (arrays["doc_ends"][-1] if arrays["doc_ends"] else 0) != len(arrays["doc_terms"])
            or len(arrays["doc_text_tf"]) != len(arrays["doc_terms"])
            or len(arrays["doc_title_tf"]) != len(arrays["doc_terms"])
        ):
            raise ValueError("a saved claim index whose parts do not fit together")
        return cls(meta, arrays)

    # Searching.

    def _term(self, term: str) -> int:
        """The term's position in `keys`, or -1."""
        key = term_key(term)
        keys = self.keys
        low, high = 0, len(keys)
        while low < high:
            middle = (low + high) // 2
            if keys[middle] < key:
                low = middle + 1
            else:
                high = middle
        return low if low < len(keys) and keys[low] == key else -1

    def candidates(
        self, query: str, language: str = "en", limit: int = CANDIDATES
    ) -> list[tuple[int, float]]:
        """The `limit` documents of highest (pruned) BM25 for `query`, best first."""
        found = []
        for token in set(terms(query, language)):
            position = self._term(token)
            if position >= 0:
                found.append((self.df_text[position] + self.df_title[position], position))
        if not found:
            return []
        # A long post names many common words: its rarest terms find the candidates (the
        # common ones have the longest postings and the smallest weights), then the common
        # terms add their weights to those candidates alone (a lookup in each sorted postings
        # list), so every candidate's score is what all the query's terms give it.
        found.sort()
        postings = []
        for _, position in found[:QUERY_TERMS]:
            start, end = self.offsets[position], self.offsets[position + 1]
            postings.append((self.docs[start:end], self.impacts[start:end]))
        postings.sort(key=lambda entry: -len(entry[0]))
        # The longest list seeds the scores in C; the others are added doc by doc.
        scores = dict(zip(*postings[0], strict=True))
        get = scores.get
        for docs, impacts in postings[1:]:
            for doc, impact in zip(docs, impacts, strict=True):
                scores[doc] = get(doc, 0.0) + impact
        # sorted() with a C key beats heapq.nlargest's Python heap on tens of thousands.
        ranked = sorted(scores, key=scores.__getitem__, reverse=True)[:limit]
        if len(found) > QUERY_TERMS:
            all_docs, all_impacts = self.docs, self.impacts
            for _, position in found[QUERY_TERMS:]:
                start, end = self.offsets[position], self.offsets[position + 1]
                for doc in ranked:
                    at = bisect_left(all_docs, doc, start, end)
                    if at < end and all_docs[at] == doc:
                        scores[doc] += all_impacts[at]
            ranked.sort(key=scores.__getitem__, reverse=True)
        return [(doc, scores[doc]) for doc in ranked]

    def features(
        self,
        query: str,
        language: str,
        candidates: Sequence[tuple[int, float]],
        documents: Sequence[LibraryClaim],
        query_date: date | None = None,
        changed: Sequence[bool] | None = None,
    ) -> list[list[float]]:
        """The re-ranker's features of each candidate. `documents[i]` is the current text of
        `candidates[i]`; `changed[i]` says it differs from the text indexed (a review updated
        since the build), whose terms are then read from the text rather than the index."""
        if not candidates:
            return []
        query_terms, grams = terms_and_grams(query, language)
        tokens = set(query_terms)
        idf2 = self.gram_idf2
        grams_norm = math.sqrt(sum(map(idf2.__getitem__, grams)))
        text_idf: dict[str, float] = {}
        title_idf: dict[str, float] = {}
        positions: dict[int, str] = {}
        for token in tokens:
            position = self._term(token)
            found = position >= 0
            if found:
                positions[position] = token
            text_idf[token] = _idf(self.documents, self.df_text[position] if found else 0)
            title_idf[token] = _idf(self.documents, self.df_title[position] if found else 0)
        query_numbers = {t for t in tokens if is_number(t)}
        top = candidates[0][1]
        rows: list[list[float]] = []
        for rank, ((doc, score), claim) in enumerate(zip(candidates, documents, strict=True)):
            if changed is not None and changed[rank]:
                text, title = self._read_terms(claim, tokens, text_idf, title_idf, query_numbers)
            else:
                text, title = self._indexed_terms(doc, positions, text_idf, title_idf)
            bm25_text, shared, unique, numbers_missing = text
            text_grams = gram_buckets(claim.text)
            title_grams = gram_buckets(claim.title) if claim.title else set()
            rows.append(
                [
                    score / top if top else 0.0,
                    math.log1p(score),
                    bm25_text,
                    title,
                    _gram_cosine(idf2, grams, grams_norm, text_grams),
                    _gram_cosine(idf2, grams, grams_norm, title_grams),
                    shared / max(1, unique),
                    shared / max(1, len(tokens)),
                    1.0 / (rank + 1),
                    float(numbers_missing),
                    *_date_features(claim.published, query_date),
                ]
            )
        return rows

    def _indexed_terms(
        self,
        doc: int,
        positions: dict[int, str],
        text_idf: dict[str, float],
        title_idf: dict[str, float],
    ) -> tuple[tuple[float, int, int, int], float]:
        """(claim BM25, query terms it has, its distinct terms, its numbers the query lacks)
        and the headline's BM25, from the document's indexed terms."""
        start = self.doc_ends[doc - 1] if doc else 0
        end = self.doc_ends[doc]
        text_norm = _norm(self.text_lengths[doc], self.average_text)
        title_norm = _norm(self.title_lengths[doc], self.average_title)
        bm25_text = bm25_title = 0.0
        shared = unique = numbers_missing = 0
        doc_terms, text_tfs, title_tfs = self.doc_terms, self.doc_text_tf, self.doc_title_tf
        numeric = self.numeric
        for entry in range(start, end):
            position = doc_terms[entry]
            token = positions.get(position)
            text_tf = text_tfs[entry]
            if text_tf:
                unique += 1
                if token is not None:
                    shared += 1
                    bm25_text += text_idf[token] * text_tf * (BM25_K1 + 1) / (text_tf + text_norm)
                elif numeric[position]:
                    numbers_missing += 1
            title_tf = title_tfs[entry]
            if title_tf and token is not None:
                bm25_title += title_idf[token] * title_tf * (BM25_K1 + 1) / (title_tf + title_norm)
        return (bm25_text, shared, unique, numbers_missing), bm25_title

    def _read_terms(
        self,
        claim: LibraryClaim,
        tokens: set[str],
        text_idf: dict[str, float],
        title_idf: dict[str, float],
        query_numbers: set[str],
    ) -> tuple[tuple[float, int, int, int], float]:
        """As `_indexed_terms`, from the claim's text."""
        text_terms = terms(claim.text, claim.language)
        title_terms = terms(claim.title, claim.language) if claim.title else []
        unique = set(text_terms)
        shared = tokens.intersection(unique)
        return (
            _bm25(text_terms, shared, self.average_text, text_idf),
            len(shared),
            len(unique),
            len({t for t in unique if is_number(t)} - query_numbers),
        ), _bm25(title_terms, tokens.intersection(title_terms), self.average_title, title_idf)


class ClaimIndexBuilder:
    """Builds a ClaimIndex from claims given a few at a time (a library read page by page is
    never held whole). Each text is read once: its terms go to flat entry arrays."""

    def __init__(self) -> None:
        self._term_ids: dict[int, int] = {}
        self._term_keys = array("Q")
        self._df_text, self._df_title = array("I"), array("I")
        self._numeric = array("B")
        # Each document's entries follow the previous one's: doc_ends[doc] is where they end.
        self._entry_terms, self._doc_ends = array("I"), array("I")
        self._entry_text_tf, self._entry_title_tf = array("B"), array("B")
        self._text_lengths, self._title_lengths = array("I"), array("I")
        self._gram_df = array("I", [0]) * GRAM_BUCKETS
        self._gram_seen = array("I")  # the buckets with a count, in order of first sight
        self.documents = 0

    def add(self, claim: LibraryClaim) -> int:
        """Adds one claim; returns its document number."""
        doc = self.documents
        self.documents += 1
        term_ids, term_keys = self._term_ids, self._term_keys
        df_text, df_title = self._df_text, self._df_title
        text_terms, text_grams = terms_and_grams(claim.text, claim.language)
        title_terms, title_grams = terms_and_grams(claim.title, claim.language)
        self._text_lengths.append(len(text_terms))
        self._title_lengths.append(len(title_terms))
        text_bag, title_bag = Counter(text_terms), Counter(title_terms)
        for term in text_bag.keys() | title_bag.keys():
            key = term_key(term)
            tid = term_ids.get(key)
            if tid is None:
                tid = term_ids[key] = len(term_keys)
                term_keys.append(key)
                df_text.append(0)
                df_title.append(0)
                self._numeric.append(is_number(term))
            text_tf, title_tf = text_bag.get(term, 0), title_bag.get(term, 0)
            df_text[tid] += text_tf > 0
            df_title[tid] += title_tf > 0
            self._entry_terms.append(tid)
            self._entry_text_tf.append(min(text_tf, 0xFF))
            self._entry_title_tf.append(min(title_tf, 0xFF))
        self._doc_ends.append(len(self._entry_terms))
        gram_df, gram_seen = self._gram_df, self._gram_seen
        for bucket in text_grams | title_grams:
            if not gram_df[bucket]:
                gram_seen.append(bucket)
            gram_df[bucket] += 1
        return doc

    def finish(self) -> ClaimIndex:
        """The index; the builder is spent."""
        documents = self.documents
        term_keys, df_text, df_title = self._term_keys, self._df_text, self._df_title
        entry_terms, doc_ends = self._entry_terms, self._doc_ends
        entry_text_tf, entry_title_tf = self._entry_text_tf, self._entry_title_tf
        text_lengths, title_lengths = self._text_lengths, self._title_lengths
        gram_df, gram_seen = self._gram_df, self._gram_seen
        # Let go of what the locals below free as they go (the build's peak memory).
        self._term_ids = {}
        numeric = self._numeric
        self._numeric = array("B")
        self._entry_terms = self._doc_ends = self._text_lengths = self._title_lengths = array("I")
        self._entry_text_tf = self._entry_title_tf = array("B")
        self._gram_df = self._gram_seen = array("I")
        forget_words()

        average_text = max(1.0, sum(text_lengths) / max(1, documents))
        average_title = max(1.0, sum(title_lengths) / max(1, documents))
        text_norms = array("f", (_norm(n, average_text) for n in text_lengths))
        title_norms = array("f", (_norm(n, average_title) for n in title_lengths))
        text_impact = array("f", (_idf(documents, df) * (BM25_K1 + 1) for df in df_text))
        title_impact = array(
            "f", (_idf(documents, df) * TITLE_WEIGHT * (BM25_K1 + 1) for df in df_title)
        )

        # Postings grouped by term (term ids in key order), each in document order.
        terms_count = len(term_keys)
        order = sorted(range(terms_count), key=term_keys.__getitem__)
        rank = array("I", [0]) * terms_count
        for position, tid in enumerate(order):
            rank[tid] = position
        counts = array("I", [0]) * terms_count
        for tid in entry_terms:
            counts[rank[tid]] += 1
        starts = array("I", [0]) * (terms_count + 1)
        for position in range(terms_count):
            starts[position + 1] = starts[position] + counts[position]
        del counts
        cursor = starts[:-1]
        docs = array("I", [0]) * len(entry_terms)
        impacts = array("f", [0.0]) * len(entry_terms)
        start = 0
        for doc, end in enumerate(doc_ends):
            text_norm, title_norm = text_norms[doc], title_norms[doc]
            for entry in range(start, end):
                tid = entry_terms[entry]
                position = rank[tid]
                at = cursor[position]
                cursor[position] = at + 1
                docs[at] = doc
                weight = 0.0
                text_tf, title_tf = entry_text_tf[entry], entry_title_tf[entry]
                if text_tf:
                    weight += text_impact[tid] * text_tf / (text_tf + text_norm)
                if title_tf:
                    weight += title_impact[tid] * title_tf / (title_tf + title_norm)
                impacts[at] = weight
            start = end
        del cursor
        # The documents' terms, by their position in the sorted keys (in place).
        doc_terms = entry_terms
        for entry, tid in enumerate(entry_terms):
            doc_terms[entry] = rank[tid]
        del rank

        # Impact-ordered pruning of the common terms, compacting the arrays in place (what is
        # kept of a term never lies after where it was).
        offsets = array("I", [0])
        kept = 0
        for position in range(terms_count):
            start, end = starts[position], starts[position + 1]
            if end - start > MAX_POSTINGS:
                best = sorted(heapq.nlargest(MAX_POSTINGS, range(start, end), impacts.__getitem__))
                docs[kept : kept + MAX_POSTINGS] = array("I", (docs[i] for i in best))
                impacts[kept : kept + MAX_POSTINGS] = array("f", (impacts[i] for i in best))
                kept += MAX_POSTINGS
            else:
                docs[kept : kept + end - start] = docs[start:end]
                impacts[kept : kept + end - start] = impacts[start:end]
                kept += end - start
            offsets.append(kept)
        del docs[kept:], impacts[kept:], starts

        total = documents + 1
        # Most buckets hold no gram of the library: fill them in C, then set the others.
        gram_idf2 = array("f", [math.log(total) ** 2]) * GRAM_BUCKETS
        for bucket in gram_seen:
            gram_idf2[bucket] = math.log(total / (1 + gram_df[bucket])) ** 2
        meta = {
            "documents": documents,
            "average_text": average_text,
            "average_title": average_title,
        }
        arrays: dict[str, array[int] | array[float]] = {
            "keys": array("Q", (term_keys[tid] for tid in order)),
            "df_text": array("I", (df_text[tid] for tid in order)),
            "df_title": array("I", (df_title[tid] for tid in order)),
            "numeric": array("B", (numeric[tid] for tid in order)),
            "offsets": offsets,
            "docs": docs,
            "impacts": impacts,
            "gram_idf2": gram_idf2,
            "doc_ends": doc_ends,
            "doc_terms": doc_terms,
            "doc_text_tf": entry_text_tf,
            "doc_title_tf": entry_title_tf,
            "text_lengths": text_lengths,
            "title_lengths": title_lengths,
        }
        return ClaimIndex(meta, arrays)


def _idf(documents: int, df: int) -> float:
    return math.log(1 + (documents - df + 0.5) / (df + 0.5))


def _norm(length: int, average: float) -> float:
    return BM25_K1 * (1 - BM25_B + BM25_B * length / average)


def _bm25(terms: list[str], shared: set[str], average: float, idf: dict[str, float]) -> float:
    """The full (unpruned) BM25 of one document (its `terms`), for the few candidates
    re-ranked; `shared` are the query's tokens it has."""
    norm = _norm(len(terms), average)
    total = 0.0
    for token in shared:
        tf = terms.count(token)
        total += idf[token] * tf * (BM25_K1 + 1) / (tf + norm)
    return total


def _gram_cosine(idf2: array[float], query: set[int], query_norm: float, claim: set[int]) -> float:
    if not query_norm or not claim:
        return 0.0
    claim_norm = math.sqrt(sum(map(idf2.__getitem__, claim)))
    if not claim_norm:
        return 0.0
    return sum(map(idf2.__getitem__, query.intersection(claim))) / (query_norm * claim_norm)


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
