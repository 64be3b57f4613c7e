-- 0002 (PostgreSQL twin of migrations/0002_search.sql): the index behind "open claims first".
-- SQLite's first full-text table, made here, was replaced by 0004; PostgreSQL's search index
-- is made by its own 0004 (migrations/postgresql/0004_search_by_guild.sql).

CREATE INDEX claims_by_guild_open_newest ON claims (guild_id, is_final, id DESC);
CREATE INDEX claim_votes_by_claim_verdict ON claim_votes (claim_id, verdict);
