-- PostgreSQL twin of migrations/0011_digests.sql: the same schema in PostgreSQL's types (BIGINT for
-- ids and snowflakes, DOUBLE PRECISION for REAL, BYTEA for BLOB, identity columns).
-- 0011: each server's digest (a daily or weekly summary in its review channel) and the age
-- after which an open claim is stale. One row per server that ran `/claimbot digest`;
-- a server without a row has the digest off and the default stale age.
-- A digest is sent at most once per scheduled time: `last_sent_for` (the scheduled time, unix
-- seconds) is written before the message is sent, so a crash in between loses that digest
-- rather than posting it twice. `covered_until` is the end of the period of the last digest
-- Discord took; the next digest starts there, so a lost or refused one leaves no gap.
CREATE TABLE digest_schedules (
    guild_id         BIGINT PRIMARY KEY,
    cadence          TEXT    NOT NULL CHECK (cadence IN ('off', 'daily', 'weekly')),
    time_of_day      TEXT    NOT NULL,  -- HH:MM on the wall clock of `timezone`
    timezone         TEXT    NOT NULL,  -- IANA name
    weekday          BIGINT NOT NULL DEFAULT 0 CHECK (weekday BETWEEN 0 AND 6),  -- 0 = Monday
    stale_after_days BIGINT NOT NULL DEFAULT 7 CHECK (stale_after_days >= 1),
    last_sent_for    DOUBLE PRECISION,
    covered_until    DOUBLE PRECISION,
    updated_at       DOUBLE PRECISION    NOT NULL
);

-- When a claim's status last changed, for "verdicts reached in the period". Kept by a
-- trigger, so every path that saves a status fills it. Existing claims get their last update.
ALTER TABLE claims ADD COLUMN status_since DOUBLE PRECISION;
UPDATE claims SET status_since = updated_at;
CREATE FUNCTION claims_status_since() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.status_since := NEW.updated_at;
    RETURN NEW;
END
$$;
CREATE TRIGGER claims_status_since BEFORE UPDATE OF status ON claims FOR EACH ROW
    WHEN (NEW.status IS DISTINCT FROM OLD.status)
    EXECUTE FUNCTION claims_status_since();
