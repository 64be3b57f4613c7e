-- 0016: evidence snapshots (docs/evidence.md). When a source is added, what the safe fetcher
-- read of it is kept as an immutable snapshot: its main text (trimmed to
-- CLAIMBOT_SNAPSHOT_TEXT_BYTES, `text_trimmed` saying so), title, final URL after redirects,
-- HTTP status, the SHA-256 of the body as read and when it was fetched. A recheck that reads
-- a different body adds a row; no row is ever updated. Rows are deleted only by the bounds:
-- the snapshots per source (the first and the latest always stay) and the bytes per server
-- (oldest first; never a source's first snapshot, never one of a published claim).
-- `stored_bytes` is what a row counts against its server's bytes: text, title and final URL
-- in UTF-8. Portable SQL: PostgreSQL takes it as it is.
CREATE TABLE evidence_snapshots (
    id            INTEGER PRIMARY KEY,
    guild_id      INTEGER NOT NULL,
    evidence_id   INTEGER NOT NULL REFERENCES evidence (id) ON DELETE CASCADE,
    fetched_at    REAL    NOT NULL,
    final_url     TEXT    NOT NULL,
    http_status   INTEGER NOT NULL,
    title         TEXT,
    body_sha256   TEXT    NOT NULL,  -- 64 lowercase hex digits
    body_bytes    INTEGER NOT NULL,  -- the body as read (the fetcher's cap included)
    body_cut      INTEGER NOT NULL DEFAULT 0 CHECK (body_cut IN (0, 1)),  -- the fetcher's cap
    text          TEXT    NOT NULL,
    text_trimmed  INTEGER NOT NULL DEFAULT 0 CHECK (text_trimmed IN (0, 1)),
    stored_bytes  INTEGER NOT NULL
);
CREATE INDEX evidence_snapshots_by_source ON evidence_snapshots (evidence_id, id);
CREATE INDEX evidence_snapshots_by_guild ON evidence_snapshots (guild_id, fetched_at);

-- What the list and the exports show of a source, kept on its row so they read no snapshot:
-- when it was first archived and the hash of that first snapshot (NULL: not archived), and
-- what the last rechecks found: `recheck_state` NULL or 'unchanged' (the body is the first
-- snapshot's), 'changed' (it differs) or 'gone' (404, 410, a refused or failed fetch), since
-- `recheck_since`; `rechecked_at` is the last recheck that reached a verdict.
ALTER TABLE evidence ADD COLUMN archived_at REAL;
ALTER TABLE evidence ADD COLUMN archived_sha256 TEXT;
ALTER TABLE evidence ADD COLUMN recheck_state TEXT
    CHECK (recheck_state IN ('unchanged', 'changed', 'gone'));
ALTER TABLE evidence ADD COLUMN recheck_since REAL;
ALTER TABLE evidence ADD COLUMN rechecked_at REAL;
CREATE INDEX evidence_to_recheck ON evidence (rechecked_at) WHERE archived_at IS NOT NULL;
