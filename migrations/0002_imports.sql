-- User imports: rows are staged here in chunks while a job runs, then made
-- live by one final batch of set-based statements, so a failure at any point
-- leaves no partial import visible.
CREATE TABLE import_staging (
    job_id   TEXT NOT NULL REFERENCES jobs (id),
    seq      INTEGER NOT NULL,
    kind     TEXT NOT NULL CHECK (kind IN ('group', 'tag', 'create', 'update', 'member', 'allowed', 'tagged')),
    payload  TEXT NOT NULL,            -- JSON
    PRIMARY KEY (job_id, seq)
) WITHOUT ROWID;
CREATE INDEX import_staging_by_kind ON import_staging (job_id, kind);

-- One row per applied job: the final batch inserts it first, so a job
-- delivered twice cannot be applied twice (the second batch fails whole).
CREATE TABLE job_commits (
    job_id  TEXT PRIMARY KEY REFERENCES jobs (id),
    at      TEXT NOT NULL
);

-- The groups a user may see (their perimeter), set by imports' allowed_groups.
CREATE TABLE user_allowed_groups (
    company_id  INTEGER NOT NULL REFERENCES companies (id),
    user_id     INTEGER NOT NULL REFERENCES users (id),
    group_id    INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, group_id)
) WITHOUT ROWID;
CREATE INDEX user_allowed_groups_by_group ON user_allowed_groups (company_id, group_id);

-- A running job's last sign of life: another delivery may take it over only
-- once this is old (its consumer died).
ALTER TABLE jobs ADD COLUMN heartbeat_at TEXT;
