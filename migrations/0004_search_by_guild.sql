-- 0004: one search index whose words are tagged with their guild (see bot/search.py), so
-- a search reads and ranks only its own guild's matches. The index is contentless: the
-- text stays in claims, and storage writes each claim's tagged words when it stores the
-- claim (claims are never edited or deleted). Storage fills it from the existing claims
-- right after this migration (Database.rebuild_search_index).

DROP TRIGGER claims_fts_insert;
DROP TRIGGER claims_fts_delete;
DROP TRIGGER claims_fts_update;
DROP TABLE claims_fts;

CREATE VIRTUAL TABLE claims_search USING fts5(
    terms,
    content = '',
    tokenize = 'unicode61 remove_diacritics 2'
);
