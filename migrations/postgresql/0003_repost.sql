-- PostgreSQL twin of migrations/0003_repost.sql: the same schema in PostgreSQL's types (BIGINT for
-- ids and snowflakes, DOUBLE PRECISION for REAL, BYTEA for BLOB, identity columns).
-- 0003: a claim whose review message was deleted is posted again. Votes cast on the old
-- message stay counted: they are the events up to this id, and catch-up does not retract
-- them just because the new message lacks their reactions.
ALTER TABLE claims ADD COLUMN carried_votes_until BIGINT NOT NULL DEFAULT 0;
