-- Files of jobs: an import's uploaded file, an export's generated files.
-- Each can be downloaded until its job's expires_at; a scheduled cleanup
-- then deletes the stored object and sets deleted_at.
CREATE TABLE job_files (
    company_id  INTEGER NOT NULL REFERENCES companies (id),
    job_id      TEXT NOT NULL REFERENCES jobs (id),
    name        TEXT NOT NULL,          -- what the download is called: active-users.csv …
    object_key  TEXT NOT NULL,          -- where the bytes are stored
    bytes       INTEGER NOT NULL,
    rows        INTEGER,
    deleted_at  TEXT,
    PRIMARY KEY (job_id, name)
) WITHOUT ROWID;
CREATE INDEX job_files_by_company ON job_files (company_id, job_id);

-- Per-user statistics of exports: sign-ins and participations by kind and
-- time, activities by creator.
CREATE INDEX activity_events_by_user_kind ON activity_events (company_id, user_id, kind, at);
CREATE INDEX activities_by_creator ON activities (company_id, created_by);

-- The dashboard lists a company's jobs of the last 30 days, newest first.
CREATE INDEX jobs_recent ON jobs (company_id, created_at DESC);

-- How many deliveries took a job: after a few failed runs it fails for good
-- instead of staying "running".
ALTER TABLE jobs ADD COLUMN runs INTEGER NOT NULL DEFAULT 0;
