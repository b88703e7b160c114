-- Model registry: registered models under catalog.schema.model, their versions, tags, aliases and
-- every alias move. Names are stored lower-case (checked by the service); ordering is binary.
-- Cost: creates empty tables; recovery: none needed.
CREATE TABLE registered_models (
  id           TEXT    NOT NULL PRIMARY KEY,
  catalog_name TEXT    NOT NULL,
  schema_name  TEXT    NOT NULL,
  name         TEXT    NOT NULL,
  full_name    TEXT    NOT NULL,
  comment      TEXT,
  owner        TEXT    NOT NULL,
  created_at   INTEGER NOT NULL,
  created_by   TEXT    NOT NULL,
  updated_at   INTEGER NOT NULL,
  updated_by   TEXT    NOT NULL,
  last_version INTEGER NOT NULL DEFAULT 0,
  CONSTRAINT registered_models_full_name_unique UNIQUE (full_name)
);

CREATE INDEX registered_models_schema ON registered_models (catalog_name, schema_name, name);

CREATE TABLE registered_model_tags (
  model_id TEXT NOT NULL REFERENCES registered_models (id),
  key      TEXT NOT NULL,
  value    TEXT NOT NULL,
  PRIMARY KEY (model_id, key)
) WITHOUT ROWID;

CREATE TABLE model_versions (
  id               TEXT    NOT NULL PRIMARY KEY,
  model_id         TEXT    NOT NULL REFERENCES registered_models (id),
  version          INTEGER NOT NULL,
  source           TEXT    NOT NULL,
  run_id           TEXT,
  status           TEXT    NOT NULL,
  status_message   TEXT,
  storage_location TEXT    NOT NULL,
  comment          TEXT,
  created_at       INTEGER NOT NULL,
  created_by       TEXT    NOT NULL,
  updated_at       INTEGER NOT NULL,
  updated_by       TEXT    NOT NULL,
  CONSTRAINT model_versions_unique UNIQUE (model_id, version)
);

CREATE INDEX model_versions_run ON model_versions (run_id);

CREATE TABLE model_version_tags (
  version_id TEXT NOT NULL REFERENCES model_versions (id),
  key        TEXT NOT NULL,
  value      TEXT NOT NULL,
  PRIMARY KEY (version_id, key)
) WITHOUT ROWID;

CREATE TABLE model_aliases (
  model_id TEXT    NOT NULL REFERENCES registered_models (id),
  alias    TEXT    NOT NULL,
  version  INTEGER NOT NULL,
  PRIMARY KEY (model_id, alias)
) WITHOUT ROWID;

CREATE TABLE model_alias_history (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  model_id     TEXT    NOT NULL REFERENCES registered_models (id),
  alias        TEXT    NOT NULL,
  from_version INTEGER,
  to_version   INTEGER,
  moved_by     TEXT    NOT NULL,
  moved_at     INTEGER NOT NULL
);

CREATE INDEX model_alias_history_alias ON model_alias_history (model_id, alias, seq);
