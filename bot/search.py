"""Turn whatever a user types into a safe FTS5 query (pure).

User text is never passed to MATCH as-is: FTS5 syntax (quotes, AND/OR/NOT, NEAR, `*`,
column filters, parentheses) would raise errors or change the meaning. Each word becomes
a quoted phrase, all of them required; the last one may match as a prefix, which is what
an autocomplete box wants. A one-character fragment is not used as a prefix: it would
match most of the vocabulary (every number starting with "2"), and the index keeps
prefixes of two and three characters only (migration 0004).
"""

from __future__ import annotations

import re

MAX_QUERY_TERMS = 8
MIN_PREFIX_CHARS = 2
_WORD = re.compile(r"\w+", re.UNICODE)


def fts_query(text: str, *, prefix_last: bool = False) -> str | None:
    """The MATCH expression for `text`, or None when it holds no searchable word."""
    words = [w for w in _WORD.findall(text.casefold()) if w != "_"][:MAX_QUERY_TERMS]
    if not words:
        return None
    terms = [f'"{word}"' for word in words]
    if prefix_last and len(words[-1]) >= MIN_PREFIX_CHARS:
        terms[-1] += "*"
    elif prefix_last and len(terms) > 1:
        terms.pop()  # "ferry t": the user is still typing; show the ferry claims meanwhile
    return " ".join(terms)


def claim_id_prefix(text: str) -> int | None:
    """`#12` or `12` typed in an autocomplete box means claim 12."""
    stripped = text.strip().lstrip("#")
    return int(stripped) if stripped.isdigit() and len(stripped) <= 18 else None
