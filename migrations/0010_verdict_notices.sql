-- 0010: verdict notices waiting to be sent (an outbox), so none is lost across a restart.
-- One row per claim: a later status change before sending replaces the pending one
-- (coalescing). `sent_status` remembers the last status announced.
CREATE TABLE verdict_notices (
    claim_id    INTEGER PRIMARY KEY REFERENCES claims (id) ON DELETE CASCADE,
    guild_id    INTEGER NOT NULL,
    status      TEXT,               -- the status to announce, NULL when nothing is pending
    due_at      REAL,               -- not sent before this time (the coalescing window)
    sent_status TEXT,
    sent_at     REAL
);
CREATE INDEX verdict_notices_due ON verdict_notices (due_at) WHERE status IS NOT NULL;
