-- The directory's search index (F1): every substring of three characters
-- or more of a user's search text, so that a search reads the matching
-- users rather than scanning the company. The users table stays the one
-- record; triggers keep the index in step with it, whichever statement
-- changes a user (form, import, sign-up, deletion).
--
-- Each entry also holds its company as `~<id>~`, a text no other company's
-- contains, and every search asks for it: a search in a small company then
-- reads that company's entries, however large its neighbours.
ALTER TABLE users ADD COLUMN search_company TEXT GENERATED ALWAYS AS ('~' || company_id || '~') VIRTUAL;

CREATE VIRTUAL TABLE users_search USING fts5(
    search_company,
    search_text,
    content = 'users',
    content_rowid = 'id',
    tokenize = 'trigram'
);

CREATE TRIGGER users_search_insert AFTER INSERT ON users BEGIN
    INSERT INTO users_search (rowid, search_company, search_text)
    VALUES (new.id, new.search_company, new.search_text);
END;

CREATE TRIGGER users_search_update AFTER UPDATE OF search_text ON users
WHEN old.search_text IS NOT new.search_text BEGIN
    INSERT INTO users_search (users_search, rowid, search_company, search_text)
    VALUES ('delete', old.id, old.search_company, old.search_text);
    INSERT INTO users_search (rowid, search_company, search_text)
    VALUES (new.id, new.search_company, new.search_text);
END;

CREATE TRIGGER users_search_delete AFTER DELETE ON users BEGIN
    INSERT INTO users_search (users_search, rowid, search_company, search_text)
    VALUES ('delete', old.id, old.search_company, old.search_text);
END;

INSERT INTO users_search (users_search) VALUES ('rebuild');

-- The other orders of the directory: newest first, and by last access
-- (users_last_access already serves it).
CREATE INDEX users_by_creation ON users (company_id, id);
-- The filters that usually keep few users (administrators, partners) read
-- them directly rather than walking the whole directory to fill a page.
CREATE INDEX users_by_role ON users (company_id, role, sort_key, id);
CREATE INDEX users_by_type ON users (company_id, user_type, sort_key, id);
