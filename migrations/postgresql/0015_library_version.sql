-- PostgreSQL twin of migrations/0015_library_version.sql: the same schema in PostgreSQL's types (BIGINT for
-- ids and snowflakes, DOUBLE PRECISION for REAL, BYTEA for BLOB, identity columns).
-- 0015: one fact-check library for every process on the database
-- (bot/services/factcheck_library.py; docs/matching.md, "One library for every process").
-- Each scope has a version, bumped in the transaction of every import batch into it, and a
-- lease on rebuilding its index. Every bot process polls this small table: a saved index
-- newer than the one it holds is loaded; a saved index older than its scope is being built by
-- the importer, who holds the lease and renews it while it works, and is rebuilt by another
-- process only once that lease has lapsed (the importer died). `rebuilder` names the process
-- holding the lease, `rebuild_until` is when it lapses (unix seconds).
CREATE TABLE fact_check_versions (
    scope         BIGINT PRIMARY KEY,
    version       BIGINT NOT NULL,
    changed_at    DOUBLE PRECISION,             -- when the last batch was written; NULL before the first
    rebuilder     TEXT,
    rebuild_until DOUBLE PRECISION
);
INSERT INTO fact_check_versions (scope, version, changed_at)
    SELECT scope, 1, max(imported_at) FROM fact_checks GROUP BY scope;

-- A saved index names the version it was built from, in each of its parts too: a process that
-- reads the header, then parts another process replaced meanwhile, finds them missing instead
-- of mixing two indexes. The indexes saved before name no version: they are dropped, and the
-- first start after the upgrade rebuilds each scope once (one process, holding the lease).
DROP TABLE fact_check_index_parts;
DROP TABLE fact_check_indexes;
CREATE TABLE fact_check_indexes (
    scope         BIGINT PRIMARY KEY,
    version       BIGINT NOT NULL,  -- the scope's version it was built from
    built_through DOUBLE PRECISION,              -- the scope's changed_at then
    header        TEXT    NOT NULL,
    built_at      DOUBLE PRECISION    NOT NULL
);
CREATE TABLE fact_check_index_parts (
    scope   BIGINT NOT NULL REFERENCES fact_check_indexes (scope) ON DELETE CASCADE,
    version BIGINT NOT NULL,
    name    TEXT    NOT NULL,
    data    BYTEA    NOT NULL,
    PRIMARY KEY (scope, name)
);
