-- PostgreSQL twin of migrations/0005_rendered.sql: the same schema in PostgreSQL's types (BIGINT for
-- ids and snowflakes, DOUBLE PRECISION for REAL, BYTEA for BLOB, identity columns).
-- 0005: when a claim's review message last showed its state. A claim whose state changed
-- after that (updated_at > rendered_at) is rendered again at start, so edits still pending
-- when the bot stopped are not lost. Messages posted before this migration count as current.
-- No index: the check runs once per catch-up (a start or a fresh session), and an index
-- would change on every status save.
ALTER TABLE claims ADD COLUMN rendered_at DOUBLE PRECISION;
UPDATE claims SET rendered_at = updated_at WHERE message_id IS NOT NULL;
