-- Personal links to choose a new password after an administrator reset it
-- (F3). Each works once, until it expires; only the secret's digest is kept.
CREATE TABLE password_links (
    id            INTEGER PRIMARY KEY,
    company_id    INTEGER NOT NULL REFERENCES companies (id),
    user_id       INTEGER NOT NULL REFERENCES users (id),
    channel       TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
    address       TEXT NOT NULL,
    token_digest  TEXT NOT NULL UNIQUE,
    created_by    INTEGER REFERENCES users (id),
    created_at    TEXT NOT NULL,
    expires_at    TEXT NOT NULL,
    used_at       TEXT,
    used_nonce    TEXT                  -- drawn by the request that used the link
);
CREATE UNIQUE INDEX password_links_used ON password_links (used_nonce) WHERE used_nonce IS NOT NULL;
CREATE INDEX password_links_by_user ON password_links (company_id, user_id);
