"""Text as claim extraction wants it: NFC, nothing invisible, one space, one blank line.

Zero-width and bidi control characters hide or reorder text (a known way to smuggle
look-alike claims), so every reading stage ends here; every pattern is linear.
"""

from __future__ import annotations

import re
import unicodedata

from bot.core.text import clip_line
from bot.documents.offsets import TrackedText

# Zero-width characters, bidi embeddings/overrides/isolates and marks, soft hyphen.
_INVISIBLE_RE = re.compile(
    "[\u200b-\u200f\u2060\ufeff\u202a-\u202e\u2066-\u2069\u061c\u00ad]"
    # C0 controls except tab/newline/CR/FF/VT, DEL and C1 controls (NEL is a line break).
    "|[\x00-\x08\x0e-\x1f\x7f\x80-\x84\x86-\x9f]"
)
LINE_BREAKS_RE = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
_SPACES_RE = re.compile("[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_SPACE_AROUND_NEWLINE_RE = re.compile(" ?\n ?")
_BLANK_RUNS_RE = re.compile("\n{3,}")


def normalise(text: str) -> str:
    """NFC, no invisible characters, LF line ends, single spaces, at most one blank line."""
    text = LINE_BREAKS_RE.sub("\n", text)
    text = _INVISIBLE_RE.sub("", text)
    text = unicodedata.normalize("NFC", text)
    text = _SPACES_RE.sub(" ", text)
    text = _SPACE_AROUND_NEWLINE_RE.sub("\n", text)
    text = _BLANK_RUNS_RE.sub("\n\n", text)
    return text.strip()


# The same steps for a text whose offsets are tracked, each a one-for-one replacement or a
# deletion of single characters (linear however many; see TrackedText.delete).
_SPACE_CHAR_RE = re.compile("[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_LINE_BREAK_CHAR_RE = re.compile("[\r\x0b\x0c\x85\u2028\u2029]")
_CR_BEFORE_LF_RE = re.compile("\r(?=\n)")
_REPEATED_SPACE_RE = re.compile("(?<= ) ")
_SPACE_BY_NEWLINE_RE = re.compile(" (?=\n)|(?<=\n) ")
_EXTRA_BLANK_LINE_RE = re.compile("(?<=\n\n)\n")


def normalise_tracked(text: TrackedText) -> TrackedText:
    """`normalise`, keeping where each character came from (a test holds them equal)."""
    text = text.delete(_CR_BEFORE_LF_RE).replace(_LINE_BREAK_CHAR_RE, "\n")
    text = text.delete(_INVISIBLE_RE)
    text = text.nfc()
    text = text.replace(_SPACE_CHAR_RE, " ").delete(_REPEATED_SPACE_RE)
    text = text.delete(_SPACE_BY_NEWLINE_RE)
    text = text.delete(_EXTRA_BLANK_LINE_RE)
    return text.strip()


def one_line(value: str | None, limit: int) -> str | None:
    """A metadata value on one line, cleaned like document text and capped."""
    if value is None:
        return None
    return clip_line(normalise(str(value)), limit) or None


def cut_at_break(text: str, limit: int) -> tuple[str, bool]:
    """Cut to `limit` characters, at a line or word break when one is near the end."""
    if len(text) <= limit:
        return text, False
    head = text[:limit]
    brk = max(head.rfind("\n"), head.rfind(" "))
    if brk > limit - 2000:
        head = head[:brk]
    return head.rstrip(), True
