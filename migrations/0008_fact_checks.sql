-- 0008: the fact-check library (imported ClaimReviews) and reviewers' answers to the
-- "already fact-checked?" suggestions.
-- `scope` is the server a review was imported for, or 0 for an import done for all servers
-- (`claimbot factchecks import` without --guild); a server sees its own scope and 0.
-- Re-importing a review with the same url in the same scope updates the row.
CREATE TABLE fact_checks (
    id             INTEGER PRIMARY KEY,
    scope          INTEGER NOT NULL,
    url            TEXT    NOT NULL,
    claim_reviewed TEXT    NOT NULL,
    title          TEXT,
    publisher      TEXT,
    published      TEXT,            -- ISO date (YYYY-MM-DD) or NULL
    rating_name    TEXT,
    rating_value   REAL,
    best_rating    REAL,
    worst_rating   REAL,
    claimant       TEXT,
    language       TEXT    NOT NULL,
    imported_at    REAL    NOT NULL,
    imported_by    INTEGER,         -- member id, NULL for the CLI
    UNIQUE (scope, url)
);
CREATE INDEX fact_checks_by_scope ON fact_checks (scope, id);

-- One row per suggestion shown in a claim's thread. `fact_check_id` or `matched_claim_id`
-- (a resolved claim of the same server) is set. The answer is NULL until a reviewer presses
-- Same claim / Not the same; a dismissed suggestion is never shown again for that claim.
CREATE TABLE match_suggestions (
    id               INTEGER PRIMARY KEY,
    guild_id         INTEGER NOT NULL,
    claim_id         INTEGER NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    fact_check_id    INTEGER REFERENCES fact_checks (id) ON DELETE CASCADE,
    matched_claim_id INTEGER REFERENCES claims (id) ON DELETE CASCADE,
    score            REAL    NOT NULL,
    message_id       INTEGER,
    answer           TEXT CHECK (answer IN ('same', 'not_same')),
    answered_by      INTEGER,
    answered_at      REAL,
    created_at       REAL    NOT NULL,
    CHECK ((fact_check_id IS NULL) <> (matched_claim_id IS NULL))
);
CREATE UNIQUE INDEX match_suggestions_once_fc ON match_suggestions (claim_id, fact_check_id)
    WHERE fact_check_id IS NOT NULL;
CREATE UNIQUE INDEX match_suggestions_once_claim ON match_suggestions (claim_id, matched_claim_id)
    WHERE matched_claim_id IS NOT NULL;

-- The matching index of each scope, saved so that a start loads it instead of re-reading every
-- review (bot/services/factcheck_library.py). `fingerprint` names the state of the scope's
-- fact_checks it was built from (count, last id, last import); a start that finds another
-- state rebuilds it. `header` holds the index's format and totals; each part is one array.
CREATE TABLE fact_check_indexes (
    scope       INTEGER PRIMARY KEY,
    fingerprint TEXT    NOT NULL,
    header      TEXT    NOT NULL,
    built_at    REAL    NOT NULL
);
CREATE TABLE fact_check_index_parts (
    scope INTEGER NOT NULL REFERENCES fact_check_indexes (scope) ON DELETE CASCADE,
    name  TEXT    NOT NULL,
    data  BLOB    NOT NULL,
    PRIMARY KEY (scope, name)
);
