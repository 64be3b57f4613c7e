-- 0009: the reviewer queue (/claim next). A skip hides a claim from one reviewer's queue
-- until `until` (unix seconds); skipping again moves it.
CREATE TABLE queue_skips (
    guild_id    INTEGER NOT NULL,
    reviewer_id INTEGER NOT NULL,
    claim_id    INTEGER NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    until       REAL    NOT NULL,
    PRIMARY KEY (reviewer_id, claim_id)
) WITHOUT ROWID;
