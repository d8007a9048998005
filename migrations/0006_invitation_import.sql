-- Invitation files (D1–D5): one job claims people for several invitations,
-- each numbered by its row of the file (its part), earlier rows first.
ALTER TABLE activity_invitees ADD COLUMN part INTEGER NOT NULL DEFAULT 0;

-- Staging now holds invitations and their batches too: the kinds are
-- checked by the product, which knows them all, so the fixed list goes.
DROP TABLE import_staging;
CREATE TABLE import_staging (
    job_id   TEXT NOT NULL REFERENCES jobs (id),
    seq      INTEGER NOT NULL,
    kind     TEXT NOT NULL,
    payload  TEXT NOT NULL,            -- JSON
    PRIMARY KEY (job_id, seq)
) WITHOUT ROWID;
CREATE INDEX import_staging_by_kind ON import_staging (job_id, kind);
