-- 0003: a claim whose review message was deleted is posted again. Votes cast on the old
-- message stay counted: they are the events up to this id, and catch-up does not retract
-- them just because the new message lacks their reactions.
ALTER TABLE claims ADD COLUMN carried_votes_until INTEGER NOT NULL DEFAULT 0;
