"""What reading a submission gives: a Document, or a DocumentError meant for the user.

Every reading stage (decoding, Markdown, HTML, the entry point) builds or refuses these, so
they sit apart from all of them; the limits here bound every stage's work.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from bot.core.errors import UserFacingError
from bot.documents.offsets import SourceMap

MAX_DOCUMENT_CHARS = 200_000
# Work done before the final cut is bounded too: normalising never sees more than this many
# characters of text, and HTML parsing never more than html_text.MAX_HTML_CHARS.
MAX_RAW_TEXT_CHARS = 4 * MAX_DOCUMENT_CHARS

Kind = Literal["text", "markdown", "html"]


@dataclass(frozen=True, slots=True)
class Document:
    """Plain text ready for claim extraction, plus what we know about where it came from."""

    text: str
    title: str | None
    kind: Kind
    url: str | None = None
    site_name: str | None = None
    truncated: bool = False
    #: spans of `text` back in the input as given; plain text only (markup is rewritten)
    source_map: SourceMap | None = field(default=None, compare=False, repr=False)

    def input_span(self, start: int, end: int) -> tuple[int, int] | None:
        """`text[start:end]` as a span of the input as given (the decoded submission); None
        for Markdown and HTML, whose markup the reader rewrote, and for an empty span."""
        if self.source_map is None or not 0 <= start < end <= len(self.text):
            return None
        return self.source_map.span(start, end)


class DocumentError(UserFacingError, ValueError):
    """The submission can't be turned into text; `str(exc)` is meant for the user."""
