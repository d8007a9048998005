-- The company's head count by status and licence level, read from the index
-- alone: the dashboard's users per status, and the licence seats every
-- creation, import, activation and level change checks first.
CREATE INDEX users_census ON users (company_id, status, licence_level);
