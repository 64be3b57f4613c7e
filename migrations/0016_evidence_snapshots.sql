-- 0016: a placeholder on branch `web` only, so migrations stay numbered without a gap while
-- the evidence snapshots (branch `snapshots`) are built in parallel: a merge takes that
-- branch's file, which has this same name, in place of this one.
SELECT 1;
