-- PostgreSQL twin of migrations/0012_evidence_numbers.sql: the same schema in PostgreSQL's types (BIGINT for
-- ids and snowflakes, DOUBLE PRECISION for REAL, BYTEA for BLOB, identity columns).
-- 0012: a claim's sources are numbered per claim (#1, #2, ... on each claim), as claims are
-- per server (0006): the global row id grows with every server's sources, so showing it
-- would tell members how busy other servers are. Members see only the number; `id` stays
-- the internal key. Storage gives a new source the next number of its claim inside the
-- write transaction that inserts it. A removed source keeps its number and the number is
-- never reused, so "source 2" names the same link for the life of the claim.
-- Existing sources, removed ones included, are numbered per claim in id order.
ALTER TABLE evidence ADD COLUMN number BIGINT NOT NULL DEFAULT 0;
UPDATE evidence SET number = ranked.number
FROM (
    SELECT id, row_number() OVER (PARTITION BY claim_id ORDER BY id) AS number
    FROM evidence
) AS ranked
WHERE evidence.id = ranked.id;
CREATE UNIQUE INDEX evidence_by_claim_number ON evidence (claim_id, number);
