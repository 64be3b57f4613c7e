-- 0002: full-text search over claims, and the index behind "open claims first".
-- claims_fts is an external-content FTS5 table kept in step with claims by triggers;
-- remove_diacritics lets "etat" find "État".

CREATE VIRTUAL TABLE claims_fts USING fts5(
    text,
    attribution,
    content = 'claims',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER claims_fts_insert AFTER INSERT ON claims BEGIN
    INSERT INTO claims_fts (rowid, text, attribution)
    VALUES (new.id, new.text, coalesce(new.attribution, ''));
END;

CREATE TRIGGER claims_fts_delete AFTER DELETE ON claims BEGIN
    INSERT INTO claims_fts (claims_fts, rowid, text, attribution)
    VALUES ('delete', old.id, old.text, coalesce(old.attribution, ''));
END;

CREATE TRIGGER claims_fts_update AFTER UPDATE OF text, attribution ON claims BEGIN
    INSERT INTO claims_fts (claims_fts, rowid, text, attribution)
    VALUES ('delete', old.id, old.text, coalesce(old.attribution, ''));
    INSERT INTO claims_fts (rowid, text, attribution)
    VALUES (new.id, new.text, coalesce(new.attribution, ''));
END;

INSERT INTO claims_fts (claims_fts) VALUES ('rebuild');

CREATE INDEX claims_by_guild_open_newest ON claims (guild_id, is_final, id DESC);
CREATE INDEX claim_votes_by_claim_verdict ON claim_votes (claim_id, verdict);
