-- 0011: each server's digest (a daily or weekly summary in its review channel) and the age
-- after which an open claim is stale. One row per server that ran `/claimbot digest`;
-- a server without a row has the digest off and the default stale age.
-- A digest is sent at most once per scheduled time: `last_sent_for` (the scheduled time, unix
-- seconds) is written before the message is sent, so a crash in between loses that digest
-- rather than posting it twice. `covered_until` is the end of the period of the last digest
-- Discord took; the next digest starts there, so a lost or refused one leaves no gap.
CREATE TABLE digest_schedules (
    guild_id         INTEGER PRIMARY KEY,
    cadence          TEXT    NOT NULL CHECK (cadence IN ('off', 'daily', 'weekly')),
    time_of_day      TEXT    NOT NULL,  -- HH:MM on the wall clock of `timezone`
    timezone         TEXT    NOT NULL,  -- IANA name
    weekday          INTEGER NOT NULL DEFAULT 0 CHECK (weekday BETWEEN 0 AND 6),  -- 0 = Monday
    stale_after_days INTEGER NOT NULL DEFAULT 7 CHECK (stale_after_days >= 1),
    last_sent_for    REAL,
    covered_until    REAL,
    updated_at       REAL    NOT NULL
);

-- When a claim's status last changed, for "verdicts reached in the period". Kept by a
-- trigger, so every path that saves a status fills it. Existing claims get their last update.
ALTER TABLE claims ADD COLUMN status_since REAL;
UPDATE claims SET status_since = updated_at;
CREATE TRIGGER claims_status_since AFTER UPDATE OF status ON claims
    WHEN NEW.status IS NOT OLD.status
BEGIN
    UPDATE claims SET status_since = NEW.updated_at WHERE id = NEW.id;
END;
