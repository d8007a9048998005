-- Sign-in attempts, counted under several keys at once (see the throttle
-- rules): each key is stored as a digest, never as the address or e-mail.
DROP TABLE sign_in_failures;
CREATE TABLE sign_in_attempts (
    key_digest  TEXT NOT NULL,
    attempt     TEXT NOT NULL,          -- one attempt's id: its rows are taken back together
    at          TEXT NOT NULL
);
CREATE INDEX sign_in_attempts_by_key ON sign_in_attempts (key_digest, at);
CREATE INDEX sign_in_attempts_by_attempt ON sign_in_attempts (attempt);
CREATE INDEX sign_in_attempts_by_time ON sign_in_attempts (at);

-- Browsers an administrator signed in from: their attempts are counted
-- apart, so strangers' failures never lock the person out.
CREATE TABLE trusted_devices (
    digest      TEXT PRIMARY KEY,       -- SHA-256 of the device cookie's secret
    company_id  INTEGER NOT NULL REFERENCES companies (id),
    user_id     INTEGER NOT NULL REFERENCES users (id),
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
CREATE INDEX trusted_devices_by_user ON trusted_devices (company_id, user_id);

-- API tokens end, and may be limited to reading.
ALTER TABLE api_tokens ADD COLUMN expires_at TEXT NOT NULL DEFAULT '1970-01-01T00:00:00Z';
ALTER TABLE api_tokens ADD COLUMN scope TEXT NOT NULL DEFAULT 'read' CHECK (scope IN ('read', 'write'));
