"""Small text rules shared by every layer: cutting to a limit, word-set similarity."""

from __future__ import annotations


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, cut with an ellipsis (Discord refuses longer fields)."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def clip_line(text: str, limit: int) -> str:
    """`clip` on one line: runs of whitespace, newlines included, become one space."""
    return clip(" ".join(text.split()), limit)


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """Word-set overlap in [0, 1]; 0.0 for two empty sets: sharing no words is no sign of
    a duplicate."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0
