"""What a backend answered (an article's claims, a sentence's check-worthiness) and which.

Apart from the LLM backend so that `claimbot extract` and `claimbot score` with the
built-in model import neither httpx nor the rest of the LLM client.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.extraction.candidate import ClaimCandidate
from bot.extraction.scoring import is_checkworthy, score_sentence

Backend = Literal["llm", "builtin"]


@dataclass(frozen=True, slots=True)
class BackendExtraction:
    """Claims and who produced them; `fallback_reason` is set when the LLM was not used."""

    claims: list[ClaimCandidate]
    backend: Backend
    fallback_reason: str | None = None


@dataclass(frozen=True, slots=True)
class SentenceScore:
    text: str
    score: float
    checkworthy: bool
    backend: Backend
    fallback_reason: str | None = None

    def to_dict(self) -> dict[str, object]:
        """The line `claimbot score` prints."""
        return {
            "text": self.text,
            "score": round(self.score, 4),
            "checkworthy": self.checkworthy,
            "backend": self.backend,
            "fallback": None if self.fallback_reason is None else {"reason": self.fallback_reason},
        }


def builtin_score(text: str, fallback_reason: str | None = None) -> SentenceScore:
    score = score_sentence(text)
    return SentenceScore(text, score, is_checkworthy(score), "builtin", fallback_reason)
