"""Sentence segmentation for news text in French, English and similar languages.

Lines are hard boundaries: the lead's document converter keeps headings, bylines
and captions on their own lines, so a line is never merged with the next one and
a line without end punctuation becomes its own unit (usually a heading).  Inside
a line we split after ``. ! ? …`` (plus closing quotes/brackets) when whitespace
and a plausible sentence start follow, unless the word before the period is a
known abbreviation or an initial.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .lexicon import Lexicon, get_lexicon

_LINE = re.compile(r"[^\n\r\u2028\u2029]+")
# End punctuation run, optional closers, then whitespace and the next sentence's first char.
_BOUNDARY = re.compile(r"(?P<punct>\.{2,}|[.!?\u2026]+)(?P<close>[\"'»”’)\]]*)\s+(?=\S)")
_OPENERS = "\"'«“‘„([¿¡–—- \u00a0\u202f"
#: a line that ends a sentence: "…banque. »" (French spacing before the quote) too
_TERMINAL = re.compile(r"[.!?\u2026:;]+(?:\s?[\"'»”’)\]])*\s*$")
_WORD_BEFORE = re.compile(r"([\w.'-]+)$")
_INITIALS = re.compile(r"^(?:[^\W\d_]\.)+[^\W\d_]$")
_NEXT_WORD = re.compile(r"[\"'«“‘(\[]?\s?([\w'’-]+)")
_MAX_SENTENCE_START_LOOKAHEAD = 40
# Only the last word before a period matters; never rescan the whole line (quadratic).
_MAX_ABBREVIATION_CHARS = 40


@dataclass(frozen=True, slots=True)
class Segment:
    """One sentence-like unit with the facts about its line the scorer needs."""

    start: int
    end: int
    line_start: int
    line_end: int
    line_index: int
    #: the line ends with . ! ? … : or ; (a line without it is a heading, byline or caption)
    line_terminated: bool


def _is_abbreviation(line: str, dot_index: int, lexicon: Lexicon, next_text: str) -> bool:
    """True when the single period at `dot_index` ends an abbreviation, not a sentence."""
    match = _WORD_BEFORE.search(line, max(0, dot_index - _MAX_ABBREVIATION_CHARS), dot_index)
    if match is None:
        return False
    word = match.group(1).lstrip("'-")
    bare = word.rstrip(".")
    if not bare:
        return False
    if bare in lexicon.title_abbreviations:
        return True
    lowered = bare.lower()
    # "p. ex." style: the abbreviation may include the previous short word.
    before = line[max(0, match.start() - 4) : dot_index].lower().lstrip()
    known = lowered in lexicon.abbreviations or any(
        before.endswith(a) for a in lexicon.abbreviations if " " in a
    )
    dotted = _INITIALS.match(bare) is not None
    single_initial = len(bare) == 1 and bare.isupper()
    if not (known or dotted or single_initial):
        return False
    if lowered in lexicon.sentence_final_abbreviations or (dotted and not known):
        # "... in the U.S. The president" ends a sentence; "U.S. President X" does not.
        next_word = _NEXT_WORD.match(next_text)
        if next_word and next_word.group(1).lower() in lexicon.stopwords:
            return False
    return True


def _starts_sentence(text: str) -> bool:
    """A sentence may start here: an upper-case letter, a digit or a caseless script."""
    for char in text[:4]:
        if char in _OPENERS:
            continue
        return char.isdigit() or (char.isalpha() and not char.islower())
    return False


def _line_units(line: str, lexicon: Lexicon) -> list[tuple[int, int]]:
    """Sentence spans inside one line, relative to the line start."""
    spans: list[tuple[int, int]] = []
    start = 0
    for boundary in _BOUNDARY.finditer(line):
        punct = boundary.group("punct")
        end = boundary.end("close")
        if not _starts_sentence(line[boundary.end() : boundary.end() + 4]):
            continue
        if punct == "." and _is_abbreviation(
            line,
            boundary.start("punct"),
            lexicon,
            line[boundary.end() : boundary.end() + _MAX_SENTENCE_START_LOOKAHEAD],
        ):
            continue
        if line[start:end].strip():
            spans.append((start, end))
        start = boundary.end()
    if line[start:].strip():
        spans.append((start, len(line)))
    return spans


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def segment(text: str, language: str | None = None) -> list[Segment]:
    """Sentence units with line context, in document order."""
    lexicon = get_lexicon(language or "und")
    segments: list[Segment] = []
    for line_index, line_match in enumerate(_LINE.finditer(text)):
        line_start, line_end = _trimmed(text, line_match.start(), line_match.end())
        if line_start == line_end:
            continue
        line = text[line_start:line_end]
        terminated = _TERMINAL.search(line) is not None
        for rel_start, rel_end in _line_units(line, lexicon):
            start, end = _trimmed(text, line_start + rel_start, line_start + rel_end)
            if start < end:
                segments.append(Segment(start, end, line_start, line_end, line_index, terminated))
    return segments


def split_sentences(text: str, language: str | None = None) -> list[tuple[int, int]]:
    """Character spans ``(start, end)`` of the sentences of `text`, in order."""
    return [(s.start, s.end) for s in segment(text, language)]
