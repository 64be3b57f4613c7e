-- 0004 (PostgreSQL twin of migrations/0004_search_by_guild.sql): one search index whose words
-- are tagged with their guild (bot/core/search.py), so a search reads and ranks only its own
-- guild's matches. Storage writes each claim's tagged words when it stores the claim
-- (bot/storage/search.py), and fills the index from existing claims after migrating.
-- `claimbot_search` folds accents (unaccent, trusted since PostgreSQL 13, so the bot's own
-- role may create it) and case (simple), and neither stems nor drops stop words: what
-- SQLite's `unicode61 remove_diacritics 2` tokenizer does.

CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE TEXT SEARCH CONFIGURATION claimbot_search (COPY = simple);
ALTER TEXT SEARCH CONFIGURATION claimbot_search
    ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part,
        numword, numhword, hword_numpart
    WITH unaccent, simple;

CREATE TABLE claims_search (
    claim_id BIGINT PRIMARY KEY REFERENCES claims (id) ON DELETE CASCADE,
    terms    TSVECTOR NOT NULL
);
CREATE INDEX claims_search_terms ON claims_search USING GIN (terms);
