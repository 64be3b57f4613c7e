-- 0001: the whole first schema.
-- Times are unix seconds (REAL, UTC). Discord ids are INTEGER snowflakes.
-- Everything a status is computed from is kept as rows that are never rewritten:
-- vote_events (append-only), evidence (soft-deleted), moderation_events (append-only).
-- claim_votes and the status columns of claims are derived and can be rebuilt
-- with `claimbot recompute`.

CREATE TABLE guild_settings (
    guild_id          INTEGER PRIMARY KEY,
    review_channel_id INTEGER,
    reviewer_role_id  INTEGER,
    moderator_role_id INTEGER,
    -- per-guild overrides (max claims, emoji, status thresholds) as a JSON object
    options           TEXT    NOT NULL DEFAULT '{}',
    updated_at        REAL    NOT NULL
);

-- One row per submission (text, URL, file, message or a single manual claim).
CREATE TABLE documents (
    id           INTEGER PRIMARY KEY,
    guild_id     INTEGER NOT NULL,
    submitter_id INTEGER NOT NULL,
    kind         TEXT    NOT NULL CHECK (kind IN ('text', 'url', 'file', 'message', 'manual')),
    url          TEXT,
    title        TEXT,
    content_hash TEXT    NOT NULL,
    language     TEXT,
    char_count   INTEGER NOT NULL DEFAULT 0,
    created_at   REAL    NOT NULL
);
CREATE INDEX documents_by_guild_hash ON documents (guild_id, content_hash);

CREATE TABLE claims (
    id            INTEGER PRIMARY KEY,
    guild_id      INTEGER NOT NULL,
    document_id   INTEGER REFERENCES documents (id) ON DELETE SET NULL,
    text          TEXT    NOT NULL,
    -- lowercased, accent- and punctuation-folded text: one claim per guild per wording
    normalized    TEXT    NOT NULL,
    attribution   TEXT,
    language      TEXT,
    score         REAL,
    reasons       TEXT    NOT NULL DEFAULT '[]',
    span_start    INTEGER,
    span_end      INTEGER,
    submitter_id  INTEGER NOT NULL,
    source_url    TEXT,
    source_title  TEXT,
    channel_id    INTEGER,
    message_id    INTEGER,
    thread_id     INTEGER,
    -- derived from the event tables below
    status        TEXT    NOT NULL DEFAULT 'unreviewed',
    confidence    REAL    NOT NULL DEFAULT 0,
    explanation   TEXT    NOT NULL DEFAULT '',
    is_final      INTEGER NOT NULL DEFAULT 0,
    created_at    REAL    NOT NULL,
    updated_at    REAL    NOT NULL,
    UNIQUE (guild_id, normalized)
);
CREATE INDEX claims_by_guild_newest ON claims (guild_id, id DESC);
CREATE INDEX claims_by_guild_status ON claims (guild_id, status, id DESC);
CREATE INDEX claims_by_guild_submitter ON claims (guild_id, submitter_id, id DESC);
CREATE UNIQUE INDEX claims_by_message ON claims (message_id) WHERE message_id IS NOT NULL;
CREATE UNIQUE INDEX claims_by_thread ON claims (thread_id) WHERE thread_id IS NOT NULL;

-- Append-only: a vote, a change of vote, or a retraction (verdict NULL).
CREATE TABLE vote_events (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    claim_id    INTEGER NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    reviewer_id INTEGER NOT NULL,
    verdict     TEXT CHECK (verdict IN ('supported', 'refuted', 'unverifiable', 'misleading')),
    origin      TEXT    NOT NULL DEFAULT 'reaction' CHECK (origin IN ('reaction', 'catchup', 'command')),
    created_at  REAL    NOT NULL
);
CREATE INDEX vote_events_by_claim ON vote_events (claim_id, id);

-- Derived: each reviewer's current vote (the latest event), kept in step with vote_events.
CREATE TABLE claim_votes (
    claim_id    INTEGER NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    reviewer_id INTEGER NOT NULL,
    verdict     TEXT    NOT NULL,
    event_id    INTEGER NOT NULL REFERENCES vote_events (id),
    updated_at  REAL    NOT NULL,
    PRIMARY KEY (claim_id, reviewer_id)
) WITHOUT ROWID;
CREATE INDEX claim_votes_by_reviewer ON claim_votes (reviewer_id);

CREATE TABLE evidence (
    id             INTEGER PRIMARY KEY,
    guild_id       INTEGER NOT NULL,
    claim_id       INTEGER NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    url            TEXT    NOT NULL,
    normalized_url TEXT    NOT NULL,
    stance         TEXT    NOT NULL CHECK (stance IN ('supports', 'refutes', 'context')),
    note           TEXT,
    added_by       INTEGER NOT NULL,
    origin         TEXT    NOT NULL DEFAULT 'command' CHECK (origin IN ('command', 'thread')),
    fetch_status   TEXT    NOT NULL DEFAULT 'pending'
                   CHECK (fetch_status IN ('pending', 'ok', 'unreachable')),
    fetch_error    TEXT,
    title          TEXT,
    site_name      TEXT,
    canonical_url  TEXT,
    published_at   TEXT,
    description    TEXT,
    created_at     REAL    NOT NULL,
    removed_at     REAL,
    removed_by     INTEGER
);
CREATE UNIQUE INDEX evidence_one_per_url ON evidence (claim_id, normalized_url)
    WHERE removed_at IS NULL;
CREATE INDEX evidence_by_guild ON evidence (guild_id, claim_id);

-- Append-only: moderator verdicts (resolve / reopen). The latest one per claim holds.
CREATE TABLE moderation_events (
    id         INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL,
    claim_id   INTEGER NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    actor_id   INTEGER NOT NULL,
    action     TEXT    NOT NULL CHECK (action IN ('resolve', 'reopen')),
    status     TEXT,
    note       TEXT,
    created_at REAL    NOT NULL
);
CREATE INDEX moderation_events_by_claim ON moderation_events (claim_id, id);

-- Append-only: who did what with moderator powers, including refused attempts.
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL,
    actor_id   INTEGER NOT NULL,
    action     TEXT    NOT NULL,
    claim_id   INTEGER,
    detail     TEXT    NOT NULL DEFAULT '{}',
    created_at REAL    NOT NULL
);
CREATE INDEX audit_log_by_guild ON audit_log (guild_id, id DESC);
