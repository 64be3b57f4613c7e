-- PostgreSQL twin of migrations/0013_names.sql: the same schema in PostgreSQL's types (BIGINT for
-- ids and snowflakes, DOUBLE PRECISION for REAL, BYTEA for BLOB, identity columns).
-- 0013: one name per concept (the README's glossary). A reviewer's choice on a claim is a
-- vote ("verdict" now names only a status that states a conclusion).
-- RENAME COLUMN rewrites every CHECK, index, partial-index predicate and trigger that names
-- the column; an index named after the old word is made again under the new one.
ALTER TABLE vote_events RENAME COLUMN verdict TO vote;
ALTER TABLE claim_votes RENAME COLUMN verdict TO vote;
DROP INDEX claim_votes_by_claim_verdict;
CREATE INDEX claim_votes_by_claim_vote ON claim_votes (claim_id, vote);
-- Who made a claim is its speaker; the page it was found on is its origin ("source" now
-- names only a page linked to a claim as evidence).
ALTER TABLE claims RENAME COLUMN attribution TO speaker;
ALTER TABLE claims RENAME COLUMN source_url TO origin_url;
ALTER TABLE claims RENAME COLUMN source_title TO origin_title;
