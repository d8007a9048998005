-- Activities, contacts and invitations (A3, A6, B2, E1–E3, F5, K3).

-- Invitations run as jobs too: the kinds are checked by the product, which
-- knows them all, so the table is rebuilt without its fixed list.
PRAGMA defer_foreign_keys = on;
CREATE TABLE jobs_next (
    id            TEXT PRIMARY KEY,
    company_id    INTEGER NOT NULL REFERENCES companies (id),
    kind          TEXT NOT NULL,
    subject       TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
    progress      INTEGER NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    requested_by  INTEGER NOT NULL REFERENCES users (id),
    params        TEXT NOT NULL DEFAULT '{}',
    result        TEXT,
    created_at    TEXT NOT NULL,
    started_at    TEXT,
    finished_at   TEXT,
    expires_at    TEXT,
    heartbeat_at  TEXT,
    runs          INTEGER NOT NULL DEFAULT 0
);
INSERT INTO jobs_next (id, company_id, kind, subject, status, progress, requested_by, params, result,
                       created_at, started_at, finished_at, expires_at, heartbeat_at, runs)
SELECT id, company_id, kind, subject, status, progress, requested_by, params, result,
       created_at, started_at, finished_at, expires_at, heartbeat_at, runs FROM jobs;
DROP TABLE jobs;
ALTER TABLE jobs_next RENAME TO jobs;
CREATE INDEX jobs_by_company ON jobs (company_id, created_at);
CREATE INDEX jobs_expiry ON jobs (expires_at) WHERE expires_at IS NOT NULL;
CREATE INDEX jobs_recent ON jobs (company_id, created_at DESC);

-- Activities are archived rather than deleted: invitations refer to them.
ALTER TABLE activities ADD COLUMN archived_at TEXT;
ALTER TABLE thematic_bases ADD COLUMN name_key TEXT;
UPDATE thematic_bases SET name_key = lower(name);
CREATE UNIQUE INDEX thematic_bases_key ON thematic_bases (company_id, name_key);

-- Contacts are listed in directory order and searched like users.
ALTER TABLE contacts ADD COLUMN sort_key TEXT NOT NULL DEFAULT '';
ALTER TABLE contacts ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
ALTER TABLE contacts ADD COLUMN invited_at TEXT;
ALTER TABLE contacts ADD COLUMN bounced_at TEXT;
UPDATE contacts SET sort_key = lower(coalesce(last_name, '')) || char(1) || lower(coalesce(first_name, '')),
                    search_text = lower(coalesce(last_name, '') || ' ' || coalesce(first_name, '') || ' ' ||
                                        coalesce(email, '') || ' ' || coalesce(mobile, ''));
CREATE INDEX contacts_directory ON contacts (company_id, sort_key, id);

-- The last message to a user's address came back (F5).
ALTER TABLE users ADD COLUMN bounced_at TEXT;

-- Simple invitations (B2): a personal sign-up link per invited person, kept
-- as a digest; it works once, until it expires.
CREATE TABLE signup_invitations (
    id            INTEGER PRIMARY KEY,
    company_id    INTEGER NOT NULL REFERENCES companies (id),
    user_id       INTEGER NOT NULL REFERENCES users (id),
    channel       TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
    address       TEXT NOT NULL,
    token_digest  TEXT NOT NULL UNIQUE,
    created_by    INTEGER REFERENCES users (id),
    created_at    TEXT NOT NULL,
    sent_at       TEXT NOT NULL,
    expires_at    TEXT NOT NULL,
    used_at       TEXT,
    used_nonce    TEXT                  -- drawn by the request that used the link
);
CREATE UNIQUE INDEX signup_invitations_used ON signup_invitations (used_nonce) WHERE used_nonce IS NOT NULL;
CREATE UNIQUE INDEX signup_invitations_by_user ON signup_invitations (company_id, user_id);
CREATE INDEX signup_invitations_pending ON signup_invitations (company_id, sent_at) WHERE used_at IS NULL;

-- Invitations to an activity (E1–E3): one row per batch of at most 200.
CREATE TABLE activity_invitations (
    id            INTEGER PRIMARY KEY,
    company_id    INTEGER NOT NULL REFERENCES companies (id),
    activity_id   INTEGER NOT NULL REFERENCES activities (id),
    job_id        TEXT NOT NULL REFERENCES jobs (id),
    batch         INTEGER NOT NULL,       -- from 0, in directory order
    label         TEXT NOT NULL,          -- "DU–MA"
    recipients    INTEGER NOT NULL,
    schedule      TEXT NOT NULL,          -- JSON Schedule (UTC)
    origin        TEXT NOT NULL,          -- the console's address, for links in messages
    language      TEXT NOT NULL,          -- the language of messages to contacts (the inviter's)
    progress      TEXT NOT NULL DEFAULT '{"sent":false,"resends":0,"reminded":false}',
    next_at       TEXT,                   -- when the next round is due; NULL once all went
    created_by    INTEGER REFERENCES users (id),
    created_at    TEXT NOT NULL,
    UNIQUE (job_id, batch)
);
CREATE INDEX activity_invitations_by_activity ON activity_invitations (company_id, activity_id, created_at);
CREATE INDEX activity_invitations_due ON activity_invitations (next_at) WHERE next_at IS NOT NULL;

-- Who each invitation reaches. A person is invited once per activity,
-- whatever the invitations and however close two admins invite.
CREATE TABLE activity_invitees (
    id             INTEGER PRIMARY KEY,
    company_id     INTEGER NOT NULL REFERENCES companies (id),
    activity_id    INTEGER NOT NULL REFERENCES activities (id),
    job_id         TEXT NOT NULL REFERENCES jobs (id),
    invitation_id  INTEGER REFERENCES activity_invitations (id),  -- set once the batches are made
    user_id        INTEGER REFERENCES users (id),
    contact_id     INTEGER REFERENCES contacts (id),
    sort_key       TEXT NOT NULL,
    sent_at        TEXT,
    resent_at      TEXT,
    reminded_at    TEXT,
    CHECK ((user_id IS NULL) != (contact_id IS NULL))
);
CREATE UNIQUE INDEX activity_invitees_user ON activity_invitees (activity_id, user_id) WHERE user_id IS NOT NULL;
CREATE UNIQUE INDEX activity_invitees_contact ON activity_invitees (activity_id, contact_id) WHERE contact_id IS NOT NULL;
CREATE INDEX activity_invitees_by_invitation ON activity_invitees (invitation_id);
CREATE INDEX activity_invitees_by_job ON activity_invitees (job_id, sort_key);
CREATE INDEX activity_invitees_by_user ON activity_invitees (company_id, user_id) WHERE user_id IS NOT NULL;
CREATE INDEX activity_invitees_by_contact ON activity_invitees (company_id, contact_id) WHERE contact_id IS NOT NULL;

-- The outbox is drained by a sender (K3): each message is sent, retried
-- with a growing delay, or given up (dead) after its last attempt; a
-- delivery report may mark it bounced.
ALTER TABLE outbox ADD COLUMN status TEXT NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'sent', 'dead', 'bounced'));
ALTER TABLE outbox ADD COLUMN kind TEXT NOT NULL DEFAULT 'notice';
ALTER TABLE outbox ADD COLUMN user_id INTEGER REFERENCES users (id);
ALTER TABLE outbox ADD COLUMN contact_id INTEGER REFERENCES contacts (id);
ALTER TABLE outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN next_attempt_at TEXT;
ALTER TABLE outbox ADD COLUMN last_error TEXT;
ALTER TABLE outbox ADD COLUMN bounced_at TEXT;
UPDATE outbox SET status = 'sent' WHERE sent_at IS NOT NULL;
CREATE INDEX outbox_to_send ON outbox (next_attempt_at) WHERE status = 'pending';
CREATE INDEX outbox_by_user ON outbox (company_id, user_id) WHERE user_id IS NOT NULL;
CREATE INDEX outbox_by_contact ON outbox (company_id, contact_id) WHERE contact_id IS NOT NULL;

-- Delivery reports already taken: a replayed report is refused.
CREATE TABLE delivery_reports (
    signature  TEXT PRIMARY KEY,
    at         TEXT NOT NULL
);
CREATE INDEX delivery_reports_by_time ON delivery_reports (at);

PRAGMA defer_foreign_keys = off;
