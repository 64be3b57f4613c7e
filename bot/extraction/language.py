"""Cheap language guess from stopword frequencies, among the languages with a data file."""

from __future__ import annotations

from functools import cache

from bot.core.text import letter_words, stopwords

from .lexicon import NEUTRAL, available_languages

SAMPLE_CHARS = 20_000
MIN_STOPWORD_HITS = 2
MIN_STOPWORD_SHARE = 0.12


@cache
def _stopword_sets() -> dict[str, frozenset[str]]:
    return {code: stopwords(code) for code in available_languages()}


def detect_language(text: str) -> str:
    """Best-guess ISO code among the shipped data files, or ``"und"`` when unsure."""
    # Letter runs: an elided article ("l'armée", "don't") is a word of its own, as the
    # stopword lists write it ("l", "t").
    words = letter_words(text[:SAMPLE_CHARS])
    if not words:
        return NEUTRAL
    best_code, best_hits = NEUTRAL, 0
    for code, function_words in _stopword_sets().items():
        hits = sum(1 for w in words if w in function_words)
        if hits > best_hits:
            best_code, best_hits = code, hits
    if best_hits < MIN_STOPWORD_HITS and len(words) > MIN_STOPWORD_HITS:
        return NEUTRAL
    if best_hits == 0 or best_hits / len(words) < MIN_STOPWORD_SHARE:
        return NEUTRAL
    return best_code
