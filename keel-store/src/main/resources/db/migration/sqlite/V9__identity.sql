-- Identities (keel-catalog, dev.keel.catalog.identity): users, groups and service principals, the
-- SCIM API's objects, in one table so a principal name (a user's userName, a group's displayName,
-- a service principal's applicationId) means one identity in grants. Group membership is a graph
-- (groups nest; cycles are refused by the service). Personal access tokens keep only a salted
-- SHA-256 hash of their secret. The built-in group 'admins' (id 1): its members, direct or
-- nested, are administrators.
-- Cost: creates empty tables and the 'admins' group; recovery: none needed.
CREATE TABLE identities (
  id           TEXT    NOT NULL PRIMARY KEY,
  kind         TEXT    NOT NULL,
  name         TEXT    NOT NULL,
  name_key     TEXT    NOT NULL,
  display_name TEXT,
  active       INTEGER NOT NULL,
  email        TEXT,
  external_id  TEXT,
  created_at   INTEGER NOT NULL,
  CONSTRAINT identities_name_unique UNIQUE (name_key)
);

CREATE INDEX identities_kind_name ON identities (kind, name_key);

CREATE TABLE group_members (
  group_id  TEXT NOT NULL REFERENCES identities (id),
  member_id TEXT NOT NULL REFERENCES identities (id),
  PRIMARY KEY (group_id, member_id)
) WITHOUT ROWID;

CREATE INDEX group_members_member ON group_members (member_id, group_id);

CREATE TABLE tokens (
  id            TEXT    NOT NULL PRIMARY KEY,
  owner_id      TEXT    NOT NULL REFERENCES identities (id),
  created_by_id TEXT    NOT NULL,
  salt          TEXT    NOT NULL,
  hash          TEXT    NOT NULL,
  comment       TEXT,
  created_at    INTEGER NOT NULL,
  expires_at    INTEGER
);

CREATE INDEX tokens_owner ON tokens (owner_id);

INSERT INTO identities (id, kind, name, name_key, display_name, active, created_at)
VALUES ('1', 'GROUP', 'admins', 'admins', 'admins', 1, CAST(strftime('%s', 'now') AS INTEGER) * 1000);
