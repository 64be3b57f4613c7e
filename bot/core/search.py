"""Full-text search terms (pure): what the index holds for a claim, and the safe MATCH
expression for whatever a user types.

Every indexed word is tagged with its guild (`g42xferry`), so each guild has its own
posting lists: a search reads and ranks only its own guild's matches, however many
guilds share the database, and a query can never match another guild's claims because
every term it holds carries the guild's tag.

User text is never passed to MATCH as-is: FTS5 syntax (quotes, AND/OR/NOT, NEAR, `*`,
column filters, parentheses) would raise errors or change the meaning. Each word becomes
a quoted term, all of them required; the last one may match as a prefix, which is what
an autocomplete box wants.
"""

from __future__ import annotations

import unicodedata

from .text import WORD_PART

MAX_QUERY_TERMS = 8


def words(text: str) -> list[str]:
    """Lowercased words, the same way for the index and for queries: letters and digits only
    (`WORD_PART`), since the index's tokenizer splits on everything else (`_` too), and a piece
    split off a tagged word would lose its guild tag. Accents stay: the tokenizer folds them."""
    return WORD_PART.findall(unicodedata.normalize("NFKC", text).casefold())


def _tag(guild_id: int, word: str) -> str:
    return f"g{guild_id}x{word}"


def index_document(guild_id: int, *texts: str | None) -> str:
    """What the search index holds for a claim of `guild_id` (its text, its speaker)."""
    return " ".join(_tag(guild_id, word) for text in texts if text for word in words(text))


def search_terms(text: str) -> list[str]:
    """The words of a query, at most MAX_QUERY_TERMS; empty when nothing is searchable."""
    return words(text)[:MAX_QUERY_TERMS]


def match_expression(guild_id: int, terms: list[str], *, prefix_last: bool = False) -> str:
    """The MATCH expression finding claims of `guild_id` that hold every term."""
    quoted = [f'"{_tag(guild_id, term)}"' for term in terms]
    if prefix_last and quoted:
        quoted[-1] += "*"
    return " ".join(quoted)


def claim_id_prefix(text: str) -> int | None:
    """`#12` or `12` typed in an autocomplete box means claim 12."""
    stripped = text.strip().lstrip("#")
    return int(stripped) if stripped.isdigit() and len(stripped) <= 18 else None


def tsquery_expression(guild_id: int, terms: list[str], *, prefix_last: bool = False) -> str:
    """The same query for PostgreSQL's `to_tsquery`: every tagged term required, each a
    quoted lexeme (the words hold letters and digits only, so no tsquery syntax can get in),
    the last one `:*` as a prefix when asked."""
    quoted = [f"'{_tag(guild_id, term)}'" for term in terms]
    if prefix_last and quoted:
        quoted[-1] += ":*"
    return " & ".join(quoted)
