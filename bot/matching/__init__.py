"""Previously fact-checked claims: match a claim against a library of fact-checks, map a
review's rating to a stance. Pure: no I/O, no network. Whether a match is the same claim is
`bot.core.sameness`."""

from .index import ClaimIndex, LibraryClaim, Match
from .matcher import DEFAULT_TOP_K, ClaimMatcher

__all__ = [
    "DEFAULT_TOP_K",
    "ClaimIndex",
    "ClaimMatcher",
    "LibraryClaim",
    "Match",
]
