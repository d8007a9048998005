-- A bulk action's selection (F3), taken when the action is asked, so the
-- job touches exactly the users the admin confirmed; each row gets its
-- outcome in the same transaction as the change it records, so a job
-- interrupted midway resumes where it stopped. The rows go once the
-- report file is written.
CREATE TABLE bulk_targets (
    company_id  INTEGER NOT NULL REFERENCES companies (id),
    job_id      TEXT NOT NULL REFERENCES jobs (id),
    user_id     INTEGER NOT NULL REFERENCES users (id),
    outcome     TEXT,                   -- 'applied' or a skip reason, once done
    person      TEXT,                   -- JSON [last, first, e-mail, employee id] as they were, for the report
    PRIMARY KEY (job_id, user_id)
) WITHOUT ROWID;
CREATE INDEX bulk_targets_pending ON bulk_targets (job_id, user_id) WHERE outcome IS NULL;
