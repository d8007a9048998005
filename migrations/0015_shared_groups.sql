-- Groups shared with partner companies (J6). A company's administrators
-- share one of its groups with a partner company by that company's
-- partner code; the partner's administrators then see the group and add
-- or remove their own users in it. Each company sees only its own members
-- in lists; the owner's exports also list the partner's members, without
-- their e-mail address or department.

-- The code a company gives the companies that want to share a group with
-- it: made the first time an administrator asks for it.
CREATE TABLE partner_codes (
    company_id  INTEGER PRIMARY KEY REFERENCES companies (id),
    code        TEXT NOT NULL UNIQUE
);

CREATE TABLE group_partners (
    group_id    INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    company_id  INTEGER NOT NULL REFERENCES companies (id), -- the partner
    owner_id    INTEGER NOT NULL REFERENCES companies (id), -- the group's company
    shared_at   TEXT NOT NULL,
    PRIMARY KEY (group_id, company_id)
) WITHOUT ROWID;
CREATE INDEX group_partners_by_partner ON group_partners (company_id, group_id);
CREATE INDEX group_partners_by_owner ON group_partners (owner_id, group_id);

-- A partner's members of a shared group are rows of group_users under the
-- partner's company id: the index by group finds every company's members.
CREATE INDEX group_users_by_group ON group_users (group_id, company_id);
