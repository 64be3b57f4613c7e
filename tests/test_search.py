"""fts_query: whatever a user types becomes a valid FTS5 expression or None."""

from __future__ import annotations

import sqlite3

from hypothesis import given
from hypothesis import strategies as st

from bot.search import claim_id_prefix, fts_query


def test_each_word_is_a_quoted_required_term() -> None:
    assert fts_query('Ferry "traffic" OR NOT x*') == '"ferry" "traffic" "or" "not" "x"'


def test_only_the_last_word_is_a_prefix_and_only_from_two_characters() -> None:
    assert fts_query("ferry tra", prefix_last=True) == '"ferry" "tra"*'
    assert fts_query("ferry t", prefix_last=True) == '"ferry"'
    assert fts_query("t", prefix_last=True) == '"t"'
    assert fts_query("26.2", prefix_last=True) == '"26"'


def test_nothing_searchable_is_none() -> None:
    assert fts_query("") is None
    assert fts_query(" _ !!! ") is None
    assert fts_query("***", prefix_last=True) is None


def test_claim_ids_typed_in_an_autocomplete_box() -> None:
    assert claim_id_prefix("#12") == 12
    assert claim_id_prefix(" 7 ") == 7
    assert claim_id_prefix("12 ferries") is None
    assert claim_id_prefix("1" * 19) is None


@given(st.text(max_size=200), st.booleans())
def test_any_input_is_accepted_by_fts5(text: str, prefix: bool) -> None:
    query = fts_query(text, prefix_last=prefix)
    if query is None:
        return
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(body, tokenize = 'unicode61')")
    conn.execute("INSERT INTO t (body) VALUES ('ferry traffic doubled')")
    conn.execute("SELECT count(*) FROM t WHERE t MATCH ?", (query,)).fetchone()
    conn.close()
