-- Personal login codes (F3): six letters sent to the user; only a digest
-- tied to the company is kept, unique in the company.
ALTER TABLE users ADD COLUMN login_code_digest TEXT;
ALTER TABLE users ADD COLUMN login_code_at TEXT;
CREATE UNIQUE INDEX users_login_code ON users (company_id, login_code_digest) WHERE login_code_digest IS NOT NULL;
