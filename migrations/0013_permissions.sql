-- Permission profiles (H3–H5). A profile names a set of permissions (codes
-- separated by commas); users hold profiles and personal permissions, and a
-- perimeter of groups (user_allowed_groups, already kept) and of bases.
-- The predefined profiles (preset not NULL) are added when a company turns
-- advanced permissions on: their names and permissions come from the product.

CREATE TABLE permission_profiles (
    id           INTEGER PRIMARY KEY,
    company_id   INTEGER NOT NULL REFERENCES companies (id),
    preset       TEXT,                  -- 'trainer' …; NULL for the company's own
    name         TEXT NOT NULL,
    name_key     TEXT NOT NULL,         -- folded name: unique per company
    permissions  TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE UNIQUE INDEX permission_profiles_name ON permission_profiles (company_id, name_key);
CREATE UNIQUE INDEX permission_profiles_preset ON permission_profiles (company_id, preset) WHERE preset IS NOT NULL;

CREATE TABLE user_profiles (
    company_id  INTEGER NOT NULL REFERENCES companies (id),
    user_id     INTEGER NOT NULL REFERENCES users (id),
    profile_id  INTEGER NOT NULL REFERENCES permission_profiles (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, profile_id)
) WITHOUT ROWID;
CREATE INDEX user_profiles_by_profile ON user_profiles (company_id, profile_id);

CREATE TABLE user_allowed_bases (
    company_id  INTEGER NOT NULL REFERENCES companies (id),
    user_id     INTEGER NOT NULL REFERENCES users (id),
    base_id     INTEGER NOT NULL REFERENCES thematic_bases (id),
    PRIMARY KEY (user_id, base_id)
) WITHOUT ROWID;

-- Personal permissions, and perimeters that take in the whole company.
ALTER TABLE users ADD COLUMN permissions TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN perimeter_all_users INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN perimeter_all_bases INTEGER NOT NULL DEFAULT 0;
