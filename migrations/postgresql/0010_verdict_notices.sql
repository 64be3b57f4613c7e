-- PostgreSQL twin of migrations/0010_verdict_notices.sql: the same schema in PostgreSQL's types (BIGINT for
-- ids and snowflakes, DOUBLE PRECISION for REAL, BYTEA for BLOB, identity columns).
-- 0010: verdict notices waiting to be sent (an outbox), so none is lost across a restart.
-- Written in the transaction that saves a claim's status (bot/storage/claims.py), sent by
-- bot/services/verdict_notices.py. One row per claim: a later status change before sending
-- replaces the pending one (coalescing); `sent_*` remember the last state announced, so a
-- status that comes back to it gives no notice. Times are the sender's clock (unix seconds).
CREATE TABLE verdict_notices (
    claim_id    BIGINT PRIMARY KEY REFERENCES claims (id) ON DELETE CASCADE,
    guild_id    BIGINT NOT NULL,
    status      TEXT,                         -- the status to announce; NULL: nothing pending
    final       BIGINT NOT NULL DEFAULT 0,   -- resolved by a moderator
    due_at      DOUBLE PRECISION,                         -- not before (the coalescing window, a retry);
                                              -- NULL while pending: retries spent, next start
    attempts    BIGINT NOT NULL DEFAULT 0,   -- failed sends of the pending notice
    thread_done BIGINT NOT NULL DEFAULT 0,   -- its thread part landed (a retry skips it)
    sent_status TEXT,
    sent_final  BIGINT NOT NULL DEFAULT 0,
    sent_at     DOUBLE PRECISION
);
CREATE INDEX verdict_notices_due ON verdict_notices (due_at) WHERE status IS NOT NULL;
