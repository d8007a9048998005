-- Roster's directory: companies (tenants) and everything they hold.
-- Every tenant table carries company_id and every index used by the console
-- starts with it, so each query stays inside one company and one index range.
-- Times are UTC RFC 3339 text ("2026-11-22T09:30:00Z"): they sort as text.

CREATE TABLE companies (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    plan        TEXT NOT NULL CHECK (plan IN ('standard', 'gold')),
    settings    TEXT NOT NULL,          -- JSON CompanySettings
    created_at  TEXT NOT NULL
);

CREATE TABLE users (
    id                 INTEGER PRIMARY KEY,
    company_id         INTEGER NOT NULL REFERENCES companies (id),
    last_name          TEXT NOT NULL,
    first_name         TEXT,
    email              TEXT,            -- lower-case; NULL once deleted (anonymised)
    mobile             TEXT,            -- E.164
    employee_id        TEXT,
    department         TEXT,
    user_type          TEXT NOT NULL,
    role               TEXT NOT NULL CHECK (role IN ('member', 'team_admin', 'company_admin')),
    licence_level      TEXT NOT NULL,
    preferred_channel  TEXT NOT NULL CHECK (preferred_channel IN ('email', 'sms')),
    language           TEXT NOT NULL,
    status             TEXT NOT NULL CHECK (status IN ('created', 'invited', 'active', 'inactive', 'deleted')),
    custom_fields      TEXT NOT NULL DEFAULT '{}',
    password_hash      TEXT,
    sort_key           TEXT NOT NULL,   -- folded "last\x01first": directory order
    search_text        TEXT NOT NULL,   -- folded names, e-mail, mobile, employee id
    created_at         TEXT NOT NULL,
    invited_at         TEXT,
    activated_at       TEXT,
    last_access_at     TEXT,
    updated_at         TEXT NOT NULL
);
CREATE UNIQUE INDEX users_email ON users (company_id, email) WHERE email IS NOT NULL;
CREATE UNIQUE INDEX users_mobile ON users (company_id, mobile) WHERE mobile IS NOT NULL;
CREATE UNIQUE INDEX users_employee_id ON users (company_id, employee_id) WHERE employee_id IS NOT NULL;
CREATE INDEX users_directory ON users (company_id, sort_key, id);
CREATE INDEX users_directory_by_status ON users (company_id, status, sort_key, id);
CREATE INDEX users_last_access ON users (company_id, last_access_at);
-- Sign-in looks administrators up by e-mail before it knows their company.
CREATE INDEX users_sign_in ON users (email) WHERE password_hash IS NOT NULL;

CREATE TABLE contacts (
    id            INTEGER PRIMARY KEY,
    company_id    INTEGER NOT NULL REFERENCES companies (id),
    last_name     TEXT,
    first_name    TEXT,
    email         TEXT,
    mobile        TEXT,
    organisation  TEXT,
    user_id       INTEGER REFERENCES users (id),   -- set once the contact became a user
    created_at    TEXT NOT NULL,
    CHECK (email IS NOT NULL OR mobile IS NOT NULL)
);
CREATE INDEX contacts_email ON contacts (company_id, email);
CREATE INDEX contacts_mobile ON contacts (company_id, mobile);

CREATE TABLE groups (
    id           INTEGER PRIMARY KEY,
    company_id   INTEGER NOT NULL REFERENCES companies (id),
    name         TEXT NOT NULL,
    name_key     TEXT NOT NULL,         -- folded name: unique per company
    archived_at  TEXT,
    created_at   TEXT NOT NULL
);
CREATE UNIQUE INDEX groups_name ON groups (company_id, name_key);

CREATE TABLE group_users (
    company_id  INTEGER NOT NULL REFERENCES companies (id),
    group_id    INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    added_at    TEXT NOT NULL,
    PRIMARY KEY (group_id, user_id)
) WITHOUT ROWID;
CREATE INDEX group_users_by_user ON group_users (company_id, user_id);

CREATE TABLE group_contacts (
    company_id  INTEGER NOT NULL REFERENCES companies (id),
    group_id    INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    contact_id  INTEGER NOT NULL REFERENCES contacts (id),
    added_at    TEXT NOT NULL,
    PRIMARY KEY (group_id, contact_id)
) WITHOUT ROWID;
CREATE INDEX group_contacts_by_contact ON group_contacts (company_id, contact_id);

CREATE TABLE tags (
    id          INTEGER PRIMARY KEY,
    company_id  INTEGER NOT NULL REFERENCES companies (id),
    name        TEXT NOT NULL,
    name_key    TEXT NOT NULL
);
CREATE UNIQUE INDEX tags_name ON tags (company_id, name_key);

CREATE TABLE user_tags (
    company_id  INTEGER NOT NULL REFERENCES companies (id),
    tag_id      INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    PRIMARY KEY (tag_id, user_id)
) WITHOUT ROWID;
CREATE INDEX user_tags_by_user ON user_tags (company_id, user_id);

CREATE TABLE thematic_bases (
    id          INTEGER PRIMARY KEY,
    company_id  INTEGER NOT NULL REFERENCES companies (id),
    name        TEXT NOT NULL
);
CREATE UNIQUE INDEX thematic_bases_name ON thematic_bases (company_id, name);

CREATE TABLE activities (
    id          INTEGER PRIMARY KEY,
    company_id  INTEGER NOT NULL REFERENCES companies (id),
    base_id     INTEGER NOT NULL REFERENCES thematic_bases (id),
    type        TEXT NOT NULL CHECK (type IN ('questionnaire', 'module', 'survey', 'cycle', 'autonomous_path', 'planned_path')),
    title       TEXT NOT NULL,
    created_by  INTEGER REFERENCES users (id),
    created_at  TEXT NOT NULL
);
CREATE INDEX activities_by_company ON activities (company_id, created_at);

-- Sign-ins and participations: the source of per-user statistics and of
-- monthly-active figures.
CREATE TABLE activity_events (
    id           INTEGER PRIMARY KEY,
    company_id   INTEGER NOT NULL REFERENCES companies (id),
    user_id      INTEGER REFERENCES users (id),
    contact_id   INTEGER REFERENCES contacts (id),
    activity_id  INTEGER REFERENCES activities (id),
    kind         TEXT NOT NULL CHECK (kind IN ('login', 'participation', 'creation')),
    at           TEXT NOT NULL
);
CREATE INDEX activity_events_by_time ON activity_events (company_id, at);
CREATE INDEX activity_events_by_user ON activity_events (company_id, user_id, at);

-- Imports and exports run as jobs in the background.
CREATE TABLE jobs (
    id            TEXT PRIMARY KEY,     -- random, not guessable
    company_id    INTEGER NOT NULL REFERENCES companies (id),
    kind          TEXT NOT NULL CHECK (kind IN ('import', 'export')),
    subject       TEXT NOT NULL,        -- 'users', 'invitations', 'group_members' …
    status        TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
    progress      INTEGER NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    requested_by  INTEGER NOT NULL REFERENCES users (id),
    params        TEXT NOT NULL DEFAULT '{}',
    result        TEXT,
    created_at    TEXT NOT NULL,
    started_at    TEXT,
    finished_at   TEXT,
    expires_at    TEXT
);
CREATE INDEX jobs_by_company ON jobs (company_id, created_at);
CREATE INDEX jobs_expiry ON jobs (expires_at) WHERE expires_at IS NOT NULL;

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    company_id  INTEGER NOT NULL REFERENCES companies (id),
    actor_id    INTEGER REFERENCES users (id),
    action      TEXT NOT NULL,          -- 'user.create', 'group.delete', 'session.create' …
    subject     TEXT,
    detail      TEXT NOT NULL DEFAULT '{}',
    at          TEXT NOT NULL
);
CREATE INDEX audit_log_by_company ON audit_log (company_id, at);

-- E-mails and text messages wait here until sent; locally the console reads it.
CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY,
    company_id  INTEGER NOT NULL REFERENCES companies (id),
    channel     TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
    recipient   TEXT NOT NULL,
    subject     TEXT,
    body        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    sent_at     TEXT
);
CREATE INDEX outbox_by_company ON outbox (company_id, created_at);

CREATE TABLE sessions (
    digest        TEXT PRIMARY KEY,     -- SHA-256 of the cookie's secret
    company_id    INTEGER NOT NULL REFERENCES companies (id),
    user_id       INTEGER NOT NULL REFERENCES users (id),
    created_at    TEXT NOT NULL,
    expires_at    TEXT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (company_id, user_id);

CREATE TABLE api_tokens (
    id            INTEGER PRIMARY KEY,
    company_id    INTEGER NOT NULL REFERENCES companies (id),
    user_id       INTEGER NOT NULL REFERENCES users (id),
    name          TEXT NOT NULL,
    digest        TEXT NOT NULL UNIQUE, -- SHA-256 of the token
    created_at    TEXT NOT NULL,
    last_used_at  TEXT,
    revoked_at    TEXT
);
CREATE INDEX api_tokens_by_company ON api_tokens (company_id, created_at);

-- Failed sign-ins, per address digest, to slow password guessing.
CREATE TABLE sign_in_failures (
    email_digest  TEXT NOT NULL,
    at            TEXT NOT NULL
);
CREATE INDEX sign_in_failures_by_email ON sign_in_failures (email_digest, at);
CREATE INDEX sign_in_failures_by_time ON sign_in_failures (at);
