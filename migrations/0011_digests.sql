-- 0011: each server's digest schedule and the last digest posted, so a digest missed while
-- the bot was down is posted once at start, never twice.
CREATE TABLE digest_schedules (
    guild_id      INTEGER PRIMARY KEY,
    cadence       TEXT    NOT NULL CHECK (cadence IN ('daily', 'weekly')),
    time_of_day   TEXT    NOT NULL,  -- HH:MM in `timezone`
    timezone      TEXT    NOT NULL,  -- IANA name
    weekday       INTEGER,           -- 0 = Monday, weekly only
    last_sent_for REAL,              -- the scheduled time (unix seconds) of the last digest
    updated_at    REAL    NOT NULL
);
