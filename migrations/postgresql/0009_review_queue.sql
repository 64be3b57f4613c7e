-- PostgreSQL twin of migrations/0009_review_queue.sql: the same schema in PostgreSQL's types (BIGINT for
-- ids and snowflakes, DOUBLE PRECISION for REAL, BYTEA for BLOB, identity columns).
-- 0009: the reviewer queue (/claim next, bot/core/queue.py has the order).

-- A skip hides a claim from one reviewer's queue until `until` (unix seconds,
-- bot/core/queue.py SKIP_SECONDS after the skip); skipping it again moves `until`.
-- Expired rows are deleted by the reviewer's next skip.
CREATE TABLE queue_skips (
    reviewer_id BIGINT NOT NULL,
    claim_id    BIGINT NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    guild_id    BIGINT NOT NULL,
    until       DOUBLE PRECISION    NOT NULL,
    PRIMARY KEY (reviewer_id, claim_id)
);

-- The queue's candidates (open, posted claims) in its three parts, each in the order the
-- queue reads it: the part is the claim's saved status (no vote yet, below the quorum, a
-- verdict), which the status refresh keeps within a moment of every vote. A claim is in
-- exactly one of them, and moves only when its status crosses a part: votes themselves
-- write nothing here (a vote counter kept on every vote doubled the write time of a burst
-- of votes on 100,000 claims). Ties of `created_at` (one submission's claims share it) are
-- in id order, which within a server is the order of their numbers.
CREATE INDEX claims_queue_unreviewed ON claims (guild_id, created_at)
    WHERE is_final = 0 AND message_id IS NOT NULL AND status = 'unreviewed';
CREATE INDEX claims_queue_needs_review ON claims (guild_id, created_at)
    WHERE is_final = 0 AND message_id IS NOT NULL AND status = 'needs_review';
CREATE INDEX claims_queue_verdict ON claims (guild_id, created_at)
    WHERE is_final = 0 AND message_id IS NOT NULL
    AND status NOT IN ('unreviewed', 'needs_review');
