-- PostgreSQL twin of migrations/0014_held_claims.sql: the same schema in PostgreSQL's types (BIGINT for
-- ids and snowflakes, DOUBLE PRECISION for REAL, BYTEA for BLOB, identity columns).
-- 0014: the check-worthy claims of a document that the server's cap kept from being
-- posted, so the submitter's **Post the rest** button posts exactly those, best first
-- (documents are stored without their text, so they cannot be extracted again). Rows are
-- written in the transaction that stores the document and its first claims, and deleted in
-- the transaction that stores them as claims, so two presses never post a claim twice.
-- `guild_id` repeats the document's: every read is scoped to the server asking.
CREATE TABLE held_claims (
    document_id BIGINT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    rank        BIGINT NOT NULL,  -- 1 = the best-scored claim left out
    guild_id    BIGINT NOT NULL,
    text        TEXT    NOT NULL,
    speaker     TEXT,
    language    TEXT    NOT NULL,
    score       DOUBLE PRECISION    NOT NULL,
    reasons     TEXT    NOT NULL DEFAULT '[]',
    span_start  BIGINT,
    span_end    BIGINT,
    PRIMARY KEY (document_id, rank)
);
