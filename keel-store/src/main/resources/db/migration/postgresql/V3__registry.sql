-- Model registry: registered models under catalog.schema.model, their versions, tags, aliases and
-- every alias move. Names are stored lower-case (checked by the service); ordering is binary.
-- Cost: creates empty tables; recovery: none needed.
CREATE TABLE registered_models (
  id           TEXT    NOT NULL PRIMARY KEY,
  catalog_name TEXT    NOT NULL,
  schema_name  TEXT    NOT NULL,
  name         TEXT    NOT NULL,
  full_name    TEXT    COLLATE "C" NOT NULL,
  comment      TEXT,
  owner        TEXT    NOT NULL,
  created_at   BIGINT  NOT NULL,
  created_by   TEXT    NOT NULL,
  updated_at   BIGINT  NOT NULL,
  updated_by   TEXT    NOT NULL,
  last_version BIGINT NOT NULL DEFAULT 0,
  CONSTRAINT registered_models_full_name_unique UNIQUE (full_name)
);

CREATE INDEX registered_models_schema ON registered_models (catalog_name, schema_name, name);

CREATE TABLE registered_model_tags (
  model_id TEXT NOT NULL REFERENCES registered_models (id),
  key      TEXT NOT NULL,
  value    TEXT NOT NULL,
  PRIMARY KEY (model_id, key)
);

CREATE TABLE model_versions (
  id               TEXT    NOT NULL PRIMARY KEY,
  model_id         TEXT    NOT NULL REFERENCES registered_models (id),
  version          BIGINT  NOT NULL,
  source           TEXT    NOT NULL,
  run_id           TEXT,
  status           TEXT    NOT NULL,
  status_message   TEXT,
  storage_location TEXT    NOT NULL,
  comment          TEXT,
  created_at       BIGINT  NOT NULL,
  created_by       TEXT    NOT NULL,
  updated_at       BIGINT  NOT NULL,
  updated_by       TEXT    NOT NULL,
  CONSTRAINT model_versions_unique UNIQUE (model_id, version)
);

CREATE INDEX model_versions_run ON model_versions (run_id);

CREATE TABLE model_version_tags (
  version_id TEXT NOT NULL REFERENCES model_versions (id),
  key        TEXT NOT NULL,
  value      TEXT NOT NULL,
  PRIMARY KEY (version_id, key)
);

CREATE TABLE model_aliases (
  model_id TEXT    NOT NULL REFERENCES registered_models (id),
  alias    TEXT    NOT NULL,
  version  BIGINT  NOT NULL,
  PRIMARY KEY (model_id, alias)
);

CREATE TABLE model_alias_history (
  seq          BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  model_id     TEXT    NOT NULL REFERENCES registered_models (id),
  alias        TEXT    NOT NULL,
  from_version BIGINT,
  to_version   BIGINT,
  moved_by     TEXT    NOT NULL,
  moved_at     BIGINT  NOT NULL
);

CREATE INDEX model_alias_history_alias ON model_alias_history (model_id, alias, seq);
