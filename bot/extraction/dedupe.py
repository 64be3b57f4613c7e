"""Merge the copies of one claim in a document, keeping the better-scored one."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.sameness import Wording, same_claim

from .candidate import ClaimCandidate


def dedupe(claims: Sequence[ClaimCandidate], limit: int | None = None) -> list[ClaimCandidate]:
    """Claims best first, without a second copy of the same claim (`sameness.same_claim`, the
    rule that keeps a server from posting a claim twice).

    Stops once `limit` claims are kept, so the work is bounded by n * limit.
    """
    kept: list[tuple[ClaimCandidate, Wording]] = []
    for claim in sorted(claims, key=lambda c: (-c.score, c.start)):
        if limit is not None and len(kept) >= limit:
            break
        wording = Wording.of(claim.text)
        if not any(same_claim(wording, other, claim.language) for _, other in kept):
            kept.append((claim, wording))
    return [claim for claim, _ in kept]
