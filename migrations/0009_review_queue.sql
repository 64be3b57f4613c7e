-- 0009: the reviewer queue (/claim next, bot/core/queue.py has the order).

-- A skip hides a claim from one reviewer's queue until `until` (unix seconds,
-- bot/core/queue.py SKIP_SECONDS after the skip); skipping it again moves `until`.
-- Expired rows are left for the reviewer's next skip to delete.
CREATE TABLE queue_skips (
    reviewer_id INTEGER NOT NULL,
    claim_id    INTEGER NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    guild_id    INTEGER NOT NULL,
    until       REAL    NOT NULL,
    PRIMARY KEY (reviewer_id, claim_id)
) WITHOUT ROWID;

-- Each claim's number of current votes (rows of claim_votes), so the queue can be read
-- in order from an index instead of counting the votes of every open claim (a server
-- with 100,000 open claims took over a second). Kept by the triggers below in the same
-- transaction as claim_votes itself, whoever writes it (vote ingest, catch-up,
-- `claimbot recompute`): an upsert that changes a vote is an UPDATE and leaves it alone.
ALTER TABLE claims ADD COLUMN vote_count INTEGER NOT NULL DEFAULT 0;
UPDATE claims SET vote_count = (SELECT count(*) FROM claim_votes WHERE claim_id = claims.id);
CREATE TRIGGER claim_votes_counted AFTER INSERT ON claim_votes BEGIN
    UPDATE claims SET vote_count = vote_count + 1 WHERE id = NEW.claim_id;
END;
CREATE TRIGGER claim_votes_uncounted AFTER DELETE ON claim_votes BEGIN
    UPDATE claims SET vote_count = vote_count - 1 WHERE id = OLD.claim_id;
END;

-- Open, posted claims (the queue's candidates) in the queue's two orders: below the
-- quorum, most votes first then oldest; at or over it, oldest first. `submitter_id` and
-- `vote_count` ride along so the queue's filters read the index, not the table.
CREATE INDEX claims_queue_by_votes
    ON claims (guild_id, vote_count DESC, created_at, number, submitter_id)
    WHERE is_final = 0 AND message_id IS NOT NULL;
CREATE INDEX claims_queue_by_age
    ON claims (guild_id, created_at, number, vote_count, submitter_id)
    WHERE is_final = 0 AND message_id IS NOT NULL;
