"""Merge the copies of one claim in a document, keeping the better-scored one."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.sameness import Wording, same_claim

from .candidate import ClaimCandidate


def dedupe(claims: Sequence[ClaimCandidate], limit: int | None = None) -> list[ClaimCandidate]:
    """Claims best first, without a second copy of the same claim (`sameness.same_claim`, the
    rule that keeps a server from posting a claim twice); at most `limit` of them."""
    return dedupe_with_rest(claims, limit)[0]


def dedupe_with_rest(
    claims: Sequence[ClaimCandidate], limit: int | None = None
) -> tuple[list[ClaimCandidate], list[ClaimCandidate]]:
    """`dedupe`, and the distinct claims `limit` left out, best first.

    A left-out claim is compared with the kept ones, and with the other left-out ones only
    for the very same words, so the work stays bounded by n * limit.
    """
    kept: list[tuple[ClaimCandidate, Wording]] = []
    rest: dict[frozenset[str], ClaimCandidate] = {}
    for claim in sorted(claims, key=lambda c: (-c.score, c.start)):
        wording = Wording.of(claim.text)
        if any(same_claim(wording, other, claim.language) for _, other in kept):
            continue
        if limit is not None and len(kept) >= limit:
            rest.setdefault(wording.words, claim)
        else:
            kept.append((claim, wording))
    return [claim for claim, _ in kept], list(rest.values())
