"""Claim extraction: article text in, check-worthy `ClaimCandidate`s out.

Pure and synchronous (no network, no storage); the optional LLM backend lives in
`bot.services.llm_extraction` and is imported only by whoever wants it.
"""

from .candidate import ClaimCandidate, Extraction, ExtractionError
from .language import detect_language
from .pipeline import (
    DEFAULT_MAX_CLAIMS,
    DEFAULT_MIN_SCORE,
    MAX_INPUT_CHARS,
    extract,
    extract_claims,
)
from .scoring import CHECKWORTHY_THRESHOLD, is_checkworthy, score_sentence
from .segment import split_sentences

__all__ = [
    "CHECKWORTHY_THRESHOLD",
    "DEFAULT_MAX_CLAIMS",
    "DEFAULT_MIN_SCORE",
    "MAX_INPUT_CHARS",
    "ClaimCandidate",
    "Extraction",
    "ExtractionError",
    "detect_language",
    "extract",
    "extract_claims",
    "is_checkworthy",
    "score_sentence",
    "split_sentences",
]
