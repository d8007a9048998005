-- The directory's search index (F1): every substring of three characters
-- or more of a user's search text, so that a search reads the matching
-- users rather than scanning the company. The users table stays the one
-- record; triggers keep the index in step with it, whichever statement
-- changes a user (form, import, sign-up, deletion).
CREATE VIRTUAL TABLE users_search USING fts5(
    search_text,
    content = 'users',
    content_rowid = 'id',
    tokenize = 'trigram'
);

CREATE TRIGGER users_search_insert AFTER INSERT ON users BEGIN
    INSERT INTO users_search (rowid, search_text) VALUES (new.id, new.search_text);
END;

CREATE TRIGGER users_search_update AFTER UPDATE OF search_text ON users
WHEN old.search_text IS NOT new.search_text BEGIN
    INSERT INTO users_search (users_search, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    INSERT INTO users_search (rowid, search_text) VALUES (new.id, new.search_text);
END;

CREATE TRIGGER users_search_delete AFTER DELETE ON users BEGIN
    INSERT INTO users_search (users_search, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;

INSERT INTO users_search (users_search) VALUES ('rebuild');

-- The other orders of the directory: newest first, and by last access
-- (users_last_access already serves it).
CREATE INDEX users_by_creation ON users (company_id, id);
