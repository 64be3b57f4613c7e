"""Previously fact-checked claims: match a claim against a library of fact-checks, map a
review's rating to a stance, tell near-duplicates apart. Pure: no I/O, no network."""

from .index import ClaimIndex, LibraryClaim, Match
from .matcher import DEFAULT_TOP_K, SUGGESTION_THRESHOLD, ClaimMatcher

__all__ = [
    "DEFAULT_TOP_K",
    "SUGGESTION_THRESHOLD",
    "ClaimIndex",
    "ClaimMatcher",
    "LibraryClaim",
    "Match",
]
