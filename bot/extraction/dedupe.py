"""Merge near-duplicate claims of one document, keeping the better-scored one."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.text import jaccard

from .candidate import ClaimCandidate
from .lexicon import tokenize

DUPLICATE_JACCARD = 0.8


def _word_set(text: str) -> frozenset[str]:
    return frozenset(t for t in tokenize(text) if len(t) > 1 or t.isdigit())


def _numbers(words: frozenset[str]) -> frozenset[str]:
    """Figures decide whether two similar claims say the same thing."""
    return frozenset(w for w in words if w[0].isdigit())


def dedupe(
    claims: Sequence[ClaimCandidate],
    threshold: float = DUPLICATE_JACCARD,
    limit: int | None = None,
) -> list[ClaimCandidate]:
    """Claims best first with near-duplicates (Jaccard >= `threshold`, same figures) dropped.

    Stops once `limit` claims are kept, so the work is bounded by n * limit.
    """
    return dedupe_with_rest(claims, threshold, limit)[0]


def dedupe_with_rest(
    claims: Sequence[ClaimCandidate],
    threshold: float = DUPLICATE_JACCARD,
    limit: int | None = None,
) -> tuple[list[ClaimCandidate], int]:
    """`dedupe`, and how many more distinct claims `limit` left out.

    A left-out claim is compared with the kept ones, and with the other left-out ones
    only for the very same words, so the work stays bounded by n * limit.
    """
    kept: list[tuple[ClaimCandidate, frozenset[str]]] = []
    rest: set[frozenset[str]] = set()
    for claim in sorted(claims, key=lambda c: (-c.score, c.start)):
        words = _word_set(claim.text)
        numbers = _numbers(words)
        if any(
            jaccard(words, other) >= threshold and numbers == _numbers(other) for _, other in kept
        ):
            continue
        if limit is not None and len(kept) >= limit:
            rest.add(words)
        else:
            kept.append((claim, words))
    return [claim for claim, _ in kept], len(rest)
