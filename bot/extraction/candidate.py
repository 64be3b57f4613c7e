"""The public result type of claim extraction and its error."""

from __future__ import annotations

from dataclasses import dataclass


class ExtractionError(ValueError):
    """The input cannot yield claims; `str(error)` is a message for the person who sent it."""


@dataclass(frozen=True, slots=True)
class ClaimCandidate:
    """One check-worthy statement, where it came from, and who made it.

    `text` is the claim as edited for a reader (connector cut, capital, full stop,
    reference resolved); `span_text` is the extractor's input exactly as given,
    `input[start:end]` (the reader's `Document.input_span` takes it back to the submission).
    """

    text: str
    score: float
    start: int
    end: int
    speaker: str | None
    language: str
    reasons: tuple[str, ...]
    span_text: str = ""
    #: the claim leans on an earlier sentence ("le pays", "they") that could not be resolved
    needs_context: bool = False
    context_hint: str | None = None

    def to_dict(self) -> dict[str, object]:
        """Plain JSON-ready form: `claim` is the edited text, `span` the span it came from
        (`input[start:end] == text`, of the text given to the extractor; null when the
        claim could not be located in it)."""
        located = 0 <= self.start < self.end
        return {
            "claim": self.text,
            "span": {"start": self.start, "end": self.end, "text": self.span_text}
            if located
            else None,
            "score": round(self.score, 4),
            "speaker": self.speaker,
            "needs_context": self.needs_context,
            "context_hint": self.context_hint,
            "language": self.language,
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True, slots=True)
class Extraction:
    """The claims of one text, and the check-worthy ones the cap left out.

    `rest` holds the candidates above the score threshold that `max_claims` kept from
    `claims`, best first, without the ones that repeat a kept claim (near-duplicates) or
    each other (the same words): what the **Post the rest** button posts.
    """

    claims: list[ClaimCandidate]
    rest: list[ClaimCandidate]

    @property
    def left_out(self) -> int:
        """How many more check-worthy claims there were than the cap let through."""
        return len(self.rest)
