-- Public links to questionnaires and modules (I1–I7).

-- One link per activity. Its token is the link's address: unguessable,
-- replaced when the link is regenerated, shown to administrators again,
-- so kept as is (it opens the activity, never anyone's data).
CREATE TABLE public_links (
    activity_id  INTEGER PRIMARY KEY REFERENCES activities (id),
    company_id   INTEGER NOT NULL REFERENCES companies (id),
    token        TEXT NOT NULL UNIQUE,
    settings     TEXT NOT NULL,          -- JSON LinkSettings: enabled, closes_at, form
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX public_links_by_company ON public_links (company_id);

-- Attempts through a public link: a user's, a contact's, or a guest's
-- (both ids NULL). What the visitor typed is kept as text. The player
-- reports the end with the attempt's secret, kept as a digest.
CREATE TABLE public_attempts (
    id             INTEGER PRIMARY KEY,
    company_id     INTEGER NOT NULL REFERENCES companies (id),
    activity_id    INTEGER NOT NULL REFERENCES activities (id),
    user_id        INTEGER REFERENCES users (id),
    contact_id     INTEGER REFERENCES contacts (id),
    last_name      TEXT,
    first_name     TEXT,
    company_name   TEXT,
    secret_digest  TEXT NOT NULL UNIQUE,
    started_at     TEXT NOT NULL,
    finished_at    TEXT,
    score          INTEGER CHECK (score BETWEEN 0 AND 100)
);
CREATE INDEX public_attempts_by_activity ON public_attempts (company_id, activity_id, started_at);
CREATE INDEX public_attempts_by_user ON public_attempts (company_id, user_id, started_at) WHERE user_id IS NOT NULL;
CREATE INDEX public_attempts_by_contact ON public_attempts (company_id, contact_id, started_at) WHERE contact_id IS NOT NULL;

-- A public form finds a contact by address without scanning: the existing
-- indexes are on (company_id, email) and (company_id, mobile) already.

-- Whether the company protects its public forms with a challenge lives in
-- companies.settings (JSON), like its other settings.
