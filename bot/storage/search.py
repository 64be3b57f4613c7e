"""The claims' full-text index, in each backend's own engine, under one contract: a search
holds every term (the last one as a prefix for autocomplete), sees only its guild's claims,
ranks the best match first, folds case and accents, and takes any text without an error.

Both index the same tagged words (bot/core/search.py: each word carries its guild's tag, so
each guild has its own posting lists, and no query can reach another guild's claims).
SQLite keeps them in a contentless FTS5 table (`unicode61 remove_diacritics 2`) ranked by
bm25; PostgreSQL in a `tsvector` column with a GIN index, through the `claimbot_search`
text search configuration (`simple` after `unaccent`: no stemming, no stop words, accents
folded), ranked by ts_rank (migrations/postgresql/0004_search_by_guild.sql).
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.core.search import index_document, match_expression, tsquery_expression
from bot.storage.dialect import Connection, Dialect, Row

_CONFIG = "'claimbot_search'"

_INSERT = {
    "sqlite": "INSERT INTO claims_search (rowid, terms) VALUES (?, ?)",
    "postgresql": "INSERT INTO claims_search (claim_id, terms)"
    f" VALUES (?, to_tsvector({_CONFIG}, ?))",
}
_CLEAR = {
    "sqlite": "INSERT INTO claims_search (claims_search) VALUES ('delete-all')",
    "postgresql": "DELETE FROM claims_search",
}
# Whether the guild-tagged index exists yet (tests of the upgrade path stop before 0004),
# and how many claims it holds.
_EXISTS = {
    "sqlite": "SELECT 1 FROM sqlite_master WHERE name = 'claims_search_docsize'",
    "postgresql": "SELECT 1 WHERE to_regclass('claims_search') IS NOT NULL",
}
_COUNT = {
    "sqlite": "SELECT count(*) AS n FROM claims_search_docsize",
    "postgresql": "SELECT count(*) AS n FROM claims_search",
}
# Rank inside the index, then read only the winning rows of claims.
_SEARCH = {
    "sqlite": "SELECT c.* FROM (SELECT rowid AS id, bm25(claims_search) AS score"
    " FROM claims_search WHERE claims_search MATCH ? ORDER BY score, rowid DESC LIMIT ?)"
    " AS hits JOIN claims c ON c.id = hits.id WHERE c.guild_id = ?"
    " ORDER BY hits.score, c.id DESC",
    "postgresql": "SELECT c.* FROM (SELECT claim_id AS id, ts_rank(terms, query) AS score"
    f" FROM claims_search, to_tsquery({_CONFIG}, ?) AS query WHERE terms @@ query"
    " ORDER BY score DESC, claim_id DESC LIMIT ?)"
    " AS hits JOIN claims c ON c.id = hits.id WHERE c.guild_id = ?"
    " ORDER BY hits.score DESC, c.id DESC",
}
# Newest first straight from the index, stopping at the limit.
_AUTOCOMPLETE = {
    "sqlite": "SELECT c.number, c.text, c.status FROM claims_search CROSS JOIN claims c"
    " ON c.id = claims_search.rowid WHERE claims_search MATCH ?"
    " AND c.guild_id = ? AND c.is_final = ? ORDER BY claims_search.rowid DESC LIMIT ?",
    "postgresql": "SELECT c.number, c.text, c.status FROM claims_search s"
    " JOIN claims c ON c.id = s.claim_id"
    f" WHERE s.terms @@ to_tsquery({_CONFIG}, ?)"
    " AND c.guild_id = ? AND c.is_final = ? ORDER BY s.claim_id DESC LIMIT ?",
}


def _query(dialect: Dialect, guild_id: int, terms: list[str], *, prefix_last: bool) -> str:
    if dialect == "postgresql":
        return tsquery_expression(guild_id, terms, prefix_last=prefix_last)
    return match_expression(guild_id, terms, prefix_last=prefix_last)


def index_claims(conn: Connection, claims: Iterable[tuple[int, int, str, str | None]]) -> None:
    """Index (claim id, guild id, text, speaker) of claims just stored."""
    conn.executemany(
        _INSERT[conn.dialect],
        [
            (claim_id, index_document(guild, text, speaker))
            for claim_id, guild, text, speaker in claims
        ],
    )


def rebuild_index(conn: Connection) -> int:
    """Index every claim again; returns how many."""
    rows = conn.execute("SELECT id, guild_id, text, speaker FROM claims ORDER BY id").fetchall()
    conn.execute(_CLEAR[conn.dialect])
    index_claims(conn, ((r["id"], r["guild_id"], r["text"], r["speaker"]) for r in rows))
    return len(rows)


def unindexed_claims(conn: Connection) -> int:
    """How many claims the index lacks (0 before the index exists)."""
    if conn.execute(_EXISTS[conn.dialect]).fetchone() is None:
        return 0
    claims = conn.execute("SELECT count(*) AS n FROM claims").fetchone()["n"]
    return int(claims) - int(conn.execute(_COUNT[conn.dialect]).fetchone()["n"])


def search(conn: Connection, guild_id: int, terms: list[str], limit: int) -> list[Row]:
    """Claims rows of one guild holding every term, best match first."""
    query = _query(conn.dialect, guild_id, terms, prefix_last=False)
    return list(conn.execute(_SEARCH[conn.dialect], (query, limit, guild_id)))


def autocomplete_matches(
    conn: Connection, guild_id: int, terms: list[str], limit: int
) -> list[Row]:
    """(number, text, status) of a guild's claims holding the terms (the last one as a
    prefix): open ones newest first, then resolved ones, at most `limit`."""
    query = _query(conn.dialect, guild_id, terms, prefix_last=True)
    found: list[Row] = []
    for final in (0, 1):
        found += conn.execute(
            _AUTOCOMPLETE[conn.dialect], (query, guild_id, final, limit - len(found))
        )
        if len(found) >= limit:
            break
    return found
