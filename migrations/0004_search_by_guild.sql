-- 0004: search one guild without reading every guild's matches.
-- The full-text index gains a `guild` column holding one token per claim ('g' || guild_id),
-- so a search is `guild : "g<id>" AND (words)` and FTS5 intersects the two posting lists
-- instead of ranking every match in every guild and filtering afterwards. Prefix indexes
-- of 2 and 3 characters keep autocomplete fast while the last word is still being typed.
-- The external content is a view, because claims has no `guild` text column to read.

DROP TRIGGER claims_fts_insert;
DROP TRIGGER claims_fts_delete;
DROP TRIGGER claims_fts_update;
DROP TABLE claims_fts;

CREATE VIEW claims_fts_source AS
    SELECT id, text, coalesce(attribution, '') AS attribution, 'g' || guild_id AS guild
    FROM claims;

CREATE VIRTUAL TABLE claims_fts USING fts5(
    text,
    attribution,
    guild,
    content = 'claims_fts_source',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);

CREATE TRIGGER claims_fts_insert AFTER INSERT ON claims BEGIN
    INSERT INTO claims_fts (rowid, text, attribution, guild)
    VALUES (new.id, new.text, coalesce(new.attribution, ''), 'g' || new.guild_id);
END;

CREATE TRIGGER claims_fts_delete AFTER DELETE ON claims BEGIN
    INSERT INTO claims_fts (claims_fts, rowid, text, attribution, guild)
    VALUES ('delete', old.id, old.text, coalesce(old.attribution, ''), 'g' || old.guild_id);
END;

CREATE TRIGGER claims_fts_update AFTER UPDATE OF text, attribution, guild_id ON claims BEGIN
    INSERT INTO claims_fts (claims_fts, rowid, text, attribution, guild)
    VALUES ('delete', old.id, old.text, coalesce(old.attribution, ''), 'g' || old.guild_id);
    INSERT INTO claims_fts (rowid, text, attribution, guild)
    VALUES (new.id, new.text, coalesce(new.attribution, ''), 'g' || new.guild_id);
END;

INSERT INTO claims_fts (claims_fts) VALUES ('rebuild');
