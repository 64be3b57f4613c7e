-- PostgreSQL twin of migrations/0007_status_rule.sql: the same schema in PostgreSQL's types (BIGINT for
-- ids and snowflakes, DOUBLE PRECISION for REAL, BYTEA for BLOB, identity columns).
-- The rule of the status model that decided each claim's status (e.g. "resolution",
-- "consensus"), so a reader can see why a claim shows what it shows. '' until the next
-- recompute or vote fills it: a NOT NULL text column that never needs a null check.
ALTER TABLE claims ADD COLUMN status_rule TEXT NOT NULL DEFAULT '';
