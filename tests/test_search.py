"""Search terms: what the index holds and what a query matches, for any input."""

from __future__ import annotations

import sqlite3

from hypothesis import given
from hypothesis import strategies as st

from bot.core.search import (
    claim_id_prefix,
    index_document,
    match_expression,
    search_terms,
)


def test_indexed_words_carry_their_guild() -> None:
    assert index_document(7, "L'État a versé 1,90 euro", None) == (
        "g7xl g7xétat g7xa g7xversé g7x1 g7x90 g7xeuro"
    )
    assert index_document(7, "Ferry_traffic", "Le Monde") == ("g7xferry g7xtraffic g7xle g7xmonde")


def test_query_words_become_quoted_required_terms_of_one_guild() -> None:
    terms = search_terms('Ferry "traffic" OR NOT x* {text}:')
    assert terms == ["ferry", "traffic", "or", "not", "x", "text"]
    assert match_expression(3, terms[:2]) == '"g3xferry" "g3xtraffic"'
    assert match_expression(3, ["ferry", "tra"], prefix_last=True) == '"g3xferry" "g3xtra"*'


def test_nothing_searchable_gives_no_terms() -> None:
    assert search_terms("") == []
    assert search_terms(" _ !!! ") == []
    assert search_terms("one two three four five six seven eight nine") == [
        "one", "two", "three", "four", "five", "six", "seven", "eight",
    ]  # fmt: skip


def test_claim_ids_typed_in_an_autocomplete_box() -> None:
    assert claim_id_prefix("#12") == 12
    assert claim_id_prefix(" 7 ") == 7
    assert claim_id_prefix("12 ferries") is None
    assert claim_id_prefix("1" * 19) is None


def index_with(*documents: tuple[int, str]) -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.execute(
        "CREATE VIRTUAL TABLE s USING fts5(terms, content = '',"
        " tokenize = 'unicode61 remove_diacritics 2')"
    )
    for rowid, (guild_id, text) in enumerate(documents, 1):
        conn.execute(
            "INSERT INTO s (rowid, terms) VALUES (?, ?)", (rowid, index_document(guild_id, text))
        )
    return conn


@given(st.text(max_size=120), st.booleans())
def test_any_text_finds_its_own_claim_and_never_another_guilds(text: str, prefix: bool) -> None:
    terms = search_terms(text)
    if not terms:
        return
    conn = index_with((1, text), (2, text))
    found = conn.execute(
        "SELECT rowid FROM s WHERE s MATCH ?",
        (match_expression(1, terms, prefix_last=prefix),),
    ).fetchall()
    conn.close()
    assert found == [(1,)]


def test_accents_and_case_do_not_matter() -> None:
    conn = index_with((1, "L'ÉLECTRICITÉ coûte 12 % de plus"))
    query = match_expression(1, search_terms("electricite COUTE"))
    assert conn.execute("SELECT rowid FROM s WHERE s MATCH ?", (query,)).fetchall() == [(1,)]
