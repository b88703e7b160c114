-- Feature store metadata. A feature table is a Keel table (keel-tables) with primary keys; the rows
-- here are keyed by the table's id, so a table dropped and re-created under the same name starts
-- with no stale metadata, and a renamed catalog or schema keeps it.
-- Cost: creates empty tables; recovery: none needed.
CREATE TABLE feature_tables (
  table_id    TEXT   NOT NULL PRIMARY KEY,
  description TEXT,
  max_age_ms  BIGINT,
  owner       TEXT   NOT NULL,
  created_at  BIGINT NOT NULL,
  created_by  TEXT   NOT NULL,
  updated_at  BIGINT NOT NULL,
  updated_by  TEXT   NOT NULL
);

CREATE TABLE feature_table_tags (
  table_id TEXT NOT NULL REFERENCES feature_tables (table_id) ON DELETE CASCADE,
  key      TEXT NOT NULL,
  value    TEXT NOT NULL,
  PRIMARY KEY (table_id, key)
);

-- Per-feature metadata: a description and an online max age overriding the table's.
CREATE TABLE feature_columns (
  table_id    TEXT NOT NULL REFERENCES feature_tables (table_id) ON DELETE CASCADE,
  feature     TEXT NOT NULL,
  description TEXT,
  max_age_ms  BIGINT,
  PRIMARY KEY (table_id, feature)
);

-- Feature specs (named sets of lookups, like a Feast FeatureService) under catalog.schema.name.
CREATE TABLE feature_specs (
  id           TEXT   NOT NULL PRIMARY KEY,
  catalog_name TEXT COLLATE "C" NOT NULL,
  schema_name  TEXT COLLATE "C" NOT NULL,
  name         TEXT COLLATE "C" NOT NULL,
  full_name    TEXT COLLATE "C" NOT NULL UNIQUE,
  spec         TEXT   NOT NULL,
  comment      TEXT,
  owner        TEXT   NOT NULL,
  created_at   BIGINT NOT NULL,
  created_by   TEXT   NOT NULL
);

-- The last publish of a feature table into an online store: incremental publishes send the data
-- files added since this snapshot.
CREATE TABLE online_publishes (
  table_id     TEXT   NOT NULL,
  store        TEXT   NOT NULL,
  snapshot_id  BIGINT NOT NULL,
  rows_written BIGINT NOT NULL,
  rows_skipped BIGINT NOT NULL,
  published_at BIGINT NOT NULL,
  published_by TEXT   NOT NULL,
  PRIMARY KEY (table_id, store)
);
