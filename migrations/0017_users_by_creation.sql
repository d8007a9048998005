-- The directory's "newest first" order reads the creation date shown, not
-- the order rows were written in (imports and the demo date people in the
-- past): pages walk this index from a (created_at, id) position instead of
-- the id alone.
DROP INDEX users_by_creation;
CREATE INDEX users_by_creation ON users (company_id, created_at DESC, id DESC);
