-- The rule of the status model that decided each claim's status (e.g. "resolution",
-- "consensus"), so a reader can see why a claim shows what it shows. '' until the next
-- recompute or vote fills it: a NOT NULL text column that never needs a null check.
ALTER TABLE claims ADD COLUMN status_rule TEXT NOT NULL DEFAULT '';
