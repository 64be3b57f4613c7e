"""The public result type of claim extraction and its error."""

from __future__ import annotations

from dataclasses import dataclass


class ExtractionError(ValueError):
    """The input cannot yield claims; `str(error)` is a message for the person who sent it."""


@dataclass(frozen=True, slots=True)
class ClaimCandidate:
    """One check-worthy statement, where it came from, and who made it."""

    text: str
    score: float
    start: int
    end: int
    attribution: str | None
    language: str
    reasons: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        """Plain JSON-ready form (reasons as a list)."""
        return {
            "text": self.text,
            "score": round(self.score, 4),
            "start": self.start,
            "end": self.end,
            "attribution": self.attribution,
            "language": self.language,
            "reasons": list(self.reasons),
        }
