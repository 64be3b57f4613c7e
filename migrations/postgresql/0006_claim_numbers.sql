-- PostgreSQL twin of migrations/0006_claim_numbers.sql: the same schema in PostgreSQL's types (BIGINT for
-- ids and snowflakes, DOUBLE PRECISION for REAL, BYTEA for BLOB, identity columns).
-- 0006: claims are numbered per server (#1, #2, ... in each), as moderation bots number
-- cases; members see only the number. `id` stays the internal key every table refers to,
-- and is never shown. Storage assigns the next number of the server when it inserts a
-- claim, inside the same write transaction.
-- Existing claims are numbered per server in creation order. A review message whose number
-- changed shows the old one: it counts as stale (rendered_at NULL), so the next start
-- renders it again.
ALTER TABLE claims ADD COLUMN number BIGINT NOT NULL DEFAULT 0;
UPDATE claims SET number = ranked.number
FROM (
    SELECT id, row_number() OVER (PARTITION BY guild_id ORDER BY created_at, id) AS number
    FROM claims
) AS ranked
WHERE claims.id = ranked.id;
UPDATE claims SET rendered_at = NULL WHERE number <> id AND message_id IS NOT NULL;
CREATE UNIQUE INDEX claims_by_guild_number ON claims (guild_id, number);
