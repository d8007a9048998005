-- Monthly activity (A7): one row per user and calendar month (in the
-- company's time zone) in which they had an event, kept up to date with
-- each sign-in and participation, so monthly figures over a year read an
-- index range instead of scanning raw events. signed_in = 1 once the user
-- signed in that month (an active account). Rows are kept as long as the
-- company; raw events too.
CREATE TABLE monthly_activity (
    company_id  INTEGER NOT NULL REFERENCES companies (id),
    month       TEXT NOT NULL,            -- '2026-11'
    user_id     INTEGER NOT NULL REFERENCES users (id),
    signed_in   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (company_id, month, user_id)
) WITHOUT ROWID;

-- Events recorded before this table existed, by their month in UTC (their
-- company's zone is not known here; at most a few hours differ).
INSERT INTO monthly_activity (company_id, month, user_id, signed_in)
SELECT company_id, substr(at, 1, 7), user_id, max(kind = 'login')
FROM activity_events WHERE user_id IS NOT NULL
GROUP BY company_id, substr(at, 1, 7), user_id;
