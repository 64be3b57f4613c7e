"""Where each character of a cleaned text came from in the input as given.

The reader normalises a submission (line ends, invisible characters, NFC, spaces) before
extraction, so a span the extractor finds indexes the cleaned text. A `TrackedText` carries,
for every character of the cleaned text, the range of the input it came from; substitutions
keep it up to date in linear time (deletions are found in C, not one Python step per
match), and text that needs no cleaning costs one search per step.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from dataclasses import dataclass
from itertools import compress

__all__ = ["SourceMap", "TrackedText"]

_NON_ASCII_RUN = re.compile("[\x00-\x7f]?[^\x00-\x7f]+")
# Characters that mark deleted positions; noncharacters first, which no real text holds.
_MARKS = ("\ufdd0", "\ufdd1", "\uffff", "\x00")
# Fewer deletions than one per this many characters are cut out one slice at a time.
_FEW_DELETIONS = 32


_identities: list[array[int]] = []


def _identity(size: int) -> array[int]:
    """0, 1, ..., size - 1: sliced from one cached array (slicing is a copy in C, building
    from a range a step per number)."""
    if not _identities or len(_identities[0]) < size:
        _identities[:] = [array("i", range(max(size, 1 << 16)))]
    return _identities[0][:size]


@dataclass(frozen=True, slots=True)
class TrackedText:
    """`text` with `starts[i]:ends[i]`, the slice of the original input `text[i]` stands for."""

    text: str
    starts: array[int]
    ends: array[int]

    @classmethod
    def of(cls, text: str) -> TrackedText:
        """`text` as its own original: character i came from i."""
        identity = _identity(len(text) + 1)
        return cls(text, identity[: len(text)], identity[1:])

    def delete(self, pattern: re.Pattern[str]) -> TrackedText:
        """`pattern.sub("", text)` for a pattern whose every match is one character.

        A few deletions cost one slice each; many are found by marking each match with a
        character the text does not hold and comparing in C, so the cost stays linear
        whatever the number of matches.
        """
        text = self.text
        found = len(pattern.findall(text))
        if not found:
            return self
        remaining = pattern.sub("", text)
        if len(remaining) != len(text) - found:
            raise ValueError("delete() takes a pattern matching one character at a time")
        mark = next((c for c in _MARKS if c not in text), None)
        if found * _FEW_DELETIONS < len(text) or mark is None:
            starts: array[int] = array("i")
            ends: array[int] = array("i")
            position = 0
            for match in pattern.finditer(text):
                starts += self.starts[position : match.start()]
                ends += self.ends[position : match.start()]
                position = match.end()
            starts += self.starts[position:]
            ends += self.ends[position:]
            return TrackedText(remaining, starts, ends)
        keep = bytearray(map(mark.__ne__, pattern.sub(mark, text)))
        return TrackedText(
            remaining,
            array("i", compress(self.starts, keep)),
            array("i", compress(self.ends, keep)),
        )

    def replace(self, pattern: re.Pattern[str], char: str) -> TrackedText:
        """`pattern.sub(char, text)` for a pattern matching one character at a time."""
        return TrackedText(pattern.sub(char, self.text), self.starts, self.ends)

    def nfc(self) -> TrackedText:
        """Unicode NFC. Text is normalised by stretches that begin at an ASCII character
        (which nothing composes with from before), and within one by grapheme-like
        clusters when that gives the same result, so a composed letter maps to its parts."""
        if unicodedata.is_normalized("NFC", self.text):
            return self
        pieces: list[str] = []
        starts: array[int] = array("i")
        ends: array[int] = array("i")
        position = 0
        for match in _NON_ASCII_RUN.finditer(self.text):
            first, last = match.span()
            stretch = match.group()
            normal = unicodedata.normalize("NFC", stretch)
            if normal == stretch:
                continue
            pieces.append(self.text[position:first])
            starts += self.starts[position:first]
            ends += self.ends[position:first]
            self._normalise_stretch(first, last, normal, pieces, starts, ends)
            position = last
        pieces.append(self.text[position:])
        starts += self.starts[position:]
        ends += self.ends[position:]
        return TrackedText("".join(pieces), starts, ends)

    def _normalise_stretch(
        self,
        first: int,
        last: int,
        normal: str,
        pieces: list[str],
        starts: array[int],
        ends: array[int],
    ) -> None:
        text = self.text
        clusters: list[tuple[int, int]] = []
        parts: list[str] = []
        for index in range(first, last):
            char = text[index]
            if clusters and (
                unicodedata.combining(char)
                or unicodedata.normalize("NFC", parts[-1] + char)
                != parts[-1] + unicodedata.normalize("NFC", char)
            ):  # a mark, or a starter that composes with what precedes (Hangul jamo)
                clusters[-1] = (clusters[-1][0], index + 1)
                parts[-1] = unicodedata.normalize("NFC", text[clusters[-1][0] : index + 1])
            else:
                clusters.append((index, index + 1))
                parts.append(unicodedata.normalize("NFC", char))
        if "".join(parts) != normal:  # not expected; the stretch as a whole is still right
            clusters, parts = [(first, last)], [normal]
        for (a, b), part in zip(clusters, parts, strict=True):
            pieces.append(part)
            if part == self.text[a:b]:
                starts += self.starts[a:b]
                ends += self.ends[a:b]
            else:
                starts += array("i", [self.starts[a]]) * len(part)
                ends += array("i", [self.ends[b - 1]]) * len(part)

    def strip(self) -> TrackedText:
        stripped = self.text.strip()
        if len(stripped) == len(self.text):
            return self
        lead = len(self.text) - len(self.text.lstrip())
        return self.cut(lead, lead + len(stripped))

    def cut(self, start: int, end: int) -> TrackedText:
        return TrackedText(self.text[start:end], self.starts[start:end], self.ends[start:end])


@dataclass(frozen=True, slots=True)
class SourceMap:
    """Spans of a Document's text given back in the input as the user gave it.

    `input` is the submission decoded (a file's byte-order mark not included); `utf8_base`
    is the byte offset of `input[0]` in the submitted bytes when those bytes are exactly
    `input` in UTF-8 (after the mark), None otherwise (another encoding, replaced bytes).
    """

    input: str
    starts: array[int]
    ends: array[int]
    utf8_base: int | None = None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The input slice that `text[start:end]` came from (`start < end`)."""
        if not 0 <= start < end <= len(self.starts):
            raise ValueError(f"span {start}:{end} is outside the text")
        return self.starts[start], self.ends[end - 1]

    def byte_span(self, start: int, end: int) -> tuple[int, int] | None:
        """Byte offsets in the submitted file of `input[start:end]` (None: not UTF-8)."""
        if self.utf8_base is None:
            return None
        head = len(self.input[:start].encode("utf-8"))
        return (
            self.utf8_base + head,
            self.utf8_base + head + len(self.input[start:end].encode("utf-8")),
        )
