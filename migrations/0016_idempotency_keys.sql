-- Requests that start work may carry an Idempotency-Key header: the first
-- request with a key acts and its answer is kept a day, so that a retry
-- with the same key gets that answer again instead of acting twice.
-- Keys belong to the user who sent them (through a session or a token).
CREATE TABLE idempotency_keys (
    company_id   INTEGER NOT NULL REFERENCES companies (id),
    user_id      INTEGER NOT NULL,
    key          TEXT NOT NULL,
    -- Method, path and the digest of the body ("pending" while an upload
    -- is read): a key sent again with another request is refused.
    fingerprint  TEXT NOT NULL,
    -- The answer, once there is one.
    status       INTEGER,
    content_type TEXT,
    body         TEXT,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    PRIMARY KEY (company_id, user_id, key)
);

CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);
