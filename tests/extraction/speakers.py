"""The speaker one sentence names, for the attribution tests of this folder."""

from __future__ import annotations

from bot.extraction.attribution import find_attribution
from bot.extraction.lexicon import get_lexicon


def speaker_of(language: str, sentence: str, previous: str | None = None) -> str | None:
    """`find_attribution`'s speaker, or None; `previous` is the sentence before it."""
    attribution = find_attribution(sentence, get_lexicon(language), previous)
    return attribution.speaker if attribution is not None else None
