"""Cheap language guess from stopword frequencies, using the language data files."""

from __future__ import annotations

import re
from functools import cache

from .lexicon import NEUTRAL, available_languages, load_raw, normalize_for_matching

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
SAMPLE_CHARS = 20_000
MIN_STOPWORD_HITS = 2
MIN_STOPWORD_SHARE = 0.12


@cache
def _stopword_sets() -> dict[str, frozenset[str]]:
    return {
        code: frozenset(w.lower() for w in load_raw(code).get("stopwords", []))
        for code in available_languages()
    }


def _tokens(text: str) -> list[str]:
    words: list[str] = []
    for word in _WORD.findall(normalize_for_matching(text[:SAMPLE_CHARS]).lower()):
        # French elision: "l'armée" counts as "l'" + "armée"; keep the bare article as a word.
        head, sep, tail = word.partition("'")
        if sep and len(head) <= 3:
            words.append(head)
            words.append(tail)
        else:
            words.append(word)
    return words


def detect_language(text: str) -> str:
    """Best-guess ISO code among the shipped data files, or ``"und"`` when unsure."""
    words = _tokens(text)
    if not words:
        return NEUTRAL
    best_code, best_hits = NEUTRAL, 0
    for code, stopwords in _stopword_sets().items():
        hits = sum(1 for w in words if w in stopwords)
        if hits > best_hits:
            best_code, best_hits = code, hits
    if best_hits < MIN_STOPWORD_HITS and len(words) > MIN_STOPWORD_HITS:
        return NEUTRAL
    if best_hits == 0 or best_hits / len(words) < MIN_STOPWORD_SHARE:
        return NEUTRAL
    return best_code
