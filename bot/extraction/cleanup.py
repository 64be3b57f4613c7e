"""Turn a sentence of the article into a claim a reader can take on its own.

Drops what only made sense inside the article (leading connectors such as
"Mais", "However,", a dateline "LYON, 12 mars —"), balances quote marks cut by
segmentation, collapses whitespace and ends the claim with a full stop.  Each
step reports how many characters of the span it removed at the front so the claim's
offsets keep pointing at its span.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .lexicon import Lexicon, normalize_for_matching

MIN_WORDS_AFTER_STRIP = 4
MAX_CONNECTOR_STRIPS = 3

_WHITESPACE = re.compile(r"\s+")
# "LYON, 12 mars (AFP) — ", "SPRINGFIELD, Ill. — ", "PARIS (Reuters) - "
_DATELINE = re.compile(
    r"^[A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ'’. -]{2,40}(?:\([^)]{1,30}\))?\s*(?:,[^—–\-\n]{1,30})?"
    r"\s*(?:\([^)]{1,30}\))?\s*[—–-]{1,2}\s+"
)
_AFTER_CONNECTOR = re.compile(r"\s*[,:]?\s*")
_PAIRS = (("«", "»"), ("“", "”"), ("‹", "›"), ("„", "“"))
_END_PUNCT = ".!?…"


@dataclass(frozen=True, slots=True)
class Cleaned:
    """The claim text and how far into the span it starts and ends."""

    text: str
    head_skip: int
    tail_skip: int


def _strip_connectors(text: str, lexicon: Lexicon) -> int:
    """Characters of leading discourse connectors to drop ("Mais ce n'est pas tout: ")."""
    skip = 0
    for _ in range(MAX_CONNECTOR_STRIPS):
        rest = normalize_for_matching(text[skip:])
        match = lexicon.connector_start.match(rest)
        if match is None:
            break
        after = _AFTER_CONNECTOR.match(rest, match.end())
        assert after is not None
        punctuated = after.group().strip() != ""
        next_char = rest[after.end() : after.end() + 1]
        conjunction = lexicon.conjunction_start.match(rest) is not None
        if not (punctuated or conjunction or next_char.islower()):
            break
        if len(rest[after.end() :].split()) < MIN_WORDS_AFTER_STRIP:
            break
        skip += after.end()
    return skip


def balance_quotes(text: str) -> str:
    """Remove quote marks left without their partner by sentence splitting."""
    for opening, closing in _PAIRS:
        if text.count(opening) != text.count(closing):
            if text.count(opening) > text.count(closing) and text.lstrip().startswith(opening):
                text = text.replace(opening, "", 1)
            elif text.count(closing) > text.count(opening) and text.rstrip(" .!?…").endswith(
                closing
            ):
                index = text.rfind(closing)
                text = text[:index] + text[index + 1 :]
            if text.count(opening) != text.count(closing):
                text = text.replace(opening, "").replace(closing, "")
    if text.count('"') % 2:
        stripped = text.strip()
        if stripped.startswith('"'):
            text = text.replace('"', "", 1)
        else:
            index = text.rfind('"')
            text = text[:index] + text[index + 1 :]
    return text


def _capitalize_first(text: str) -> str:
    for index, char in enumerate(text):
        if char.isalpha():
            return text[:index] + char.upper() + text[index + 1 :]
        if char.isdigit():
            return text
    return text


def clean_claim(span: str, lexicon: Lexicon) -> Cleaned:
    """Self-contained claim text for one sentence span (`span` is the raw span)."""
    head = 0
    dateline = _DATELINE.match(span)
    if dateline is not None and len(span[dateline.end() :].split()) >= MIN_WORDS_AFTER_STRIP:
        head = dateline.end()
    head += _strip_connectors(span[head:], lexicon)
    body = span[head:]
    stripped_tail = body.rstrip()
    tail = len(body) - len(stripped_tail)
    text = _WHITESPACE.sub(" ", balance_quotes(stripped_tail)).strip()
    text = text.strip(" -–—")
    if text.endswith((":", ";", ",")):
        text = text[:-1].rstrip() + "."
    elif text and text.rstrip('»”"’)')[-1:] not in _END_PUNCT:
        text += "."
    return Cleaned(_capitalize_first(text), head, tail)
