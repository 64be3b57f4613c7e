"""Previously fact-checked claims for a new claim: the top K of a library, scored.

`ClaimMatcher` wraps a `ClaimIndex` and the re-ranker trained by tools/train_claim_matcher.py
(weights shipped in data/reranker.json; nothing is downloaded). A match's `score` is the
calibrated probability that it is a right match for the query.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from bot.core.sameness import SUGGESTION_THRESHOLD

from .index import CANDIDATES, FEATURES, QUERY_TERMS, ClaimIndex, LibraryClaim, Match

__all__ = [
    "DEFAULT_TOP_K",
    "ClaimMatcher",
    "Reranker",
    "Weights",
    "rerank",
    "reranker_from",
]

DEFAULT_TOP_K = 5


@dataclass(frozen=True)
class Weights:
    weights: tuple[float, ...]
    calibration: tuple[float, float]


@dataclass(frozen=True)
class Reranker:
    """Two linear models over standardised features: one for queries with a date, one
    trained on the same queries with their dates hidden (most submitted claims have none)."""

    mean: tuple[float, ...]
    scale: tuple[float, ...]
    dated: Weights
    undated: Weights

    def score(self, features: list[float], dated: bool) -> float:
        weights = (self.dated if dated else self.undated).weights
        return sum(
            w * (x - m) / s
            for w, x, m, s in zip(weights, features, self.mean, self.scale, strict=True)
        )

    def probability(self, score: float, dated: bool) -> float:
        a, b = (self.dated if dated else self.undated).calibration
        return 1 / (1 + math.exp(-max(-30.0, min(30.0, a * score + b))))


@cache
def shipped_reranker() -> Reranker:
    raw = resources.files("bot.matching").joinpath("data/reranker.json").read_text("utf-8")
    return reranker_from(json.loads(raw))


def reranker_from(loaded: dict[str, Any]) -> Reranker:
    """The re-ranker of a reranker.json, refused when it was trained on other features or on
    candidates retrieved otherwise than the bot retrieves them (its weights would not fit)."""
    if tuple(loaded["features"]) != FEATURES:
        raise RuntimeError("bot/matching/data/reranker.json was trained on other features")
    retrieval = loaded.get("retrieval", {})
    if (retrieval.get("query_terms"), retrieval.get("candidates")) != (QUERY_TERMS, CANDIDATES):
        raise RuntimeError(
            "bot/matching/data/reranker.json was trained for other retrieval settings "
            f"({retrieval}); retrain it: python -m tools.train_claim_matcher"
        )

    def weights(part: dict[str, list[float]]) -> Weights:
        return Weights(tuple(part["weights"]), (part["calibration"][0], part["calibration"][1]))

    return Reranker(
        tuple(loaded["mean"]),
        tuple(loaded["scale"]),
        weights(loaded["dated"]),
        weights(loaded["undated"]),
    )


def rerank(
    index: ClaimIndex,
    query: str,
    language: str,
    candidates: Sequence[tuple[int, float]],
    documents: Sequence[LibraryClaim],
    query_date: date | None = None,
    k: int = DEFAULT_TOP_K,
    reranker: Reranker | None = None,
    changed: Sequence[bool] | None = None,
) -> list[tuple[int, float]]:
    """The best `k` of `candidates` (from `index.candidates`) as (document, probability), given
    each candidate's current text in `documents` (`changed`: see ClaimIndex.features)."""
    model = reranker or shipped_reranker()
    rows = index.features(query, language, candidates, documents, query_date, changed)
    dated = query_date is not None
    scored = sorted(
        ((model.score(f, dated), doc) for (doc, _), f in zip(candidates, rows, strict=True)),
        key=lambda item: -item[0],
    )
    return [(doc, model.probability(score, dated)) for score, doc in scored[:k]]


class ClaimMatcher:
    """A library held in memory, texts included (tests, the benchmark, the trainer); the bot's
    library keeps its texts in SQLite (bot/services/factcheck_library.py)."""

    def __init__(self, claims: Iterable[LibraryClaim], reranker: Reranker | None = None) -> None:
        self.claims = list(claims)
        self.index = ClaimIndex.build(self.claims)
        # None: the shipped one, read at the first search (the trainer, which writes it, needs
        # none).
        self.reranker = reranker

    def __len__(self) -> int:
        return len(self.index)

    def features(
        self, query: str, language: str = "en", query_date: date | None = None
    ) -> list[tuple[int, list[float]]]:
        """The candidates of `query` with their re-ranker features (for the trainer)."""
        candidates = self.index.candidates(query, language, CANDIDATES)
        documents = [self.claims[doc] for doc, _ in candidates]
        rows = self.index.features(query, language, candidates, documents, query_date)
        return [(doc, row) for (doc, _), row in zip(candidates, rows, strict=True)]

    def search(
        self,
        query: str,
        language: str = "en",
        k: int = DEFAULT_TOP_K,
        query_date: date | None = None,
    ) -> list[Match]:
        """Best `k` library claims for `query`, most likely first. `query_date` (when the claim
        was made) lets recent reviews rank higher: claims are mostly checked within weeks."""
        candidates = self.index.candidates(query, language, CANDIDATES)
        documents = [self.claims[doc] for doc, _ in candidates]
        ranked = rerank(
            self.index, query, language, candidates, documents, query_date, k, self.reranker
        )
        return [Match(self.claims[doc].id, probability) for doc, probability in ranked]

    def suggestions(
        self, query: str, language: str = "en", query_date: date | None = None
    ) -> list[Match]:
        """The matches worth showing a reviewer (score at or above
        `sameness.SUGGESTION_THRESHOLD`)."""
        found = self.search(query, language, DEFAULT_TOP_K, query_date)
        return [m for m in found if m.score >= SUGGESTION_THRESHOLD]
