-- PostgreSQL twin of migrations/0017_publishing.sql (same schema; BIGINT, DOUBLE PRECISION).
-- 0017: public verdict pages (`claimbot web`, docs/publishing.md). A server opts in with
-- `/claimbot publish`: its row names the organisation that signs the pages, the public
-- address they are served at, and the slug that names the server in their URLs (never its
-- Discord id). `enabled` 0 keeps the choices for the next `on` while nothing is shown.
-- Plain SQL only (no SQLite functions), so the PostgreSQL backend takes it as it is.
CREATE TABLE published_guilds (
    guild_id     BIGINT PRIMARY KEY,
    slug         TEXT    NOT NULL UNIQUE,
    organization TEXT    NOT NULL,
    base_url     TEXT    NOT NULL,
    enabled      BIGINT NOT NULL DEFAULT 1,
    changed_at   DOUBLE PRECISION    NOT NULL
);

-- A claim a moderator withheld with `/claim publish state:off`: never shown, whatever its
-- status, until `state:on` deletes the row. Both changes are in the audit log.
CREATE TABLE withheld_claims (
    claim_id    BIGINT PRIMARY KEY REFERENCES claims (id) ON DELETE CASCADE,
    guild_id    BIGINT NOT NULL,
    actor_id    BIGINT NOT NULL,
    withheld_at DOUBLE PRECISION    NOT NULL
);

-- The published claims of a server (a final verdict, or verified true or false): newest
-- first for the index, of one status for its filter, by last change for the feed. Partial
-- indexes, so none of them reads a server's open claims.
CREATE INDEX claims_published_newest ON claims (guild_id, id DESC)
    WHERE is_final = 1 OR status IN ('verified_true', 'verified_false');
CREATE INDEX claims_published_changed ON claims (guild_id, updated_at DESC)
    WHERE is_final = 1 OR status IN ('verified_true', 'verified_false');
CREATE INDEX claims_published_status ON claims (guild_id, status, id DESC)
    WHERE is_final = 1 OR status IN ('verified_true', 'verified_false');

-- What `claimbot web` polls every second to drop the pages it keeps of a server that changed
-- (bot/publish/cache.py): the claims stamped since its last look.
CREATE INDEX claims_by_updated ON claims (updated_at);
