-- Catalogs and schemas (Unity Catalog namespace). Names are stored lower-case; ordering and
-- comparison are binary, so keyset paging by name is the same on every dialect.
-- Cost: creates empty tables and the 'main' catalog with its 'default' schema; recovery: none needed.
CREATE TABLE catalogs (
  id         TEXT    NOT NULL PRIMARY KEY,
  name       TEXT    COLLATE "C" NOT NULL,
  comment    TEXT,
  owner      TEXT    NOT NULL,
  created_at BIGINT  NOT NULL,
  created_by TEXT    NOT NULL,
  updated_at BIGINT  NOT NULL,
  updated_by TEXT    NOT NULL,
  CONSTRAINT catalogs_name_unique UNIQUE (name)
);

CREATE TABLE catalog_properties (
  catalog_id TEXT NOT NULL REFERENCES catalogs (id),
  key        TEXT NOT NULL,
  value      TEXT NOT NULL,
  PRIMARY KEY (catalog_id, key)
);

CREATE TABLE catalog_schemas (
  id         TEXT    NOT NULL PRIMARY KEY,
  catalog_id TEXT    NOT NULL REFERENCES catalogs (id),
  name       TEXT    COLLATE "C" NOT NULL,
  comment    TEXT,
  owner      TEXT    NOT NULL,
  created_at BIGINT  NOT NULL,
  created_by TEXT    NOT NULL,
  updated_at BIGINT  NOT NULL,
  updated_by TEXT    NOT NULL,
  CONSTRAINT catalog_schemas_name_unique UNIQUE (catalog_id, name)
);

CREATE TABLE schema_properties (
  schema_id TEXT NOT NULL REFERENCES catalog_schemas (id),
  key       TEXT NOT NULL,
  value     TEXT NOT NULL,
  PRIMARY KEY (schema_id, key)
);

INSERT INTO catalogs (id, name, comment, owner, created_at, created_by, updated_at, updated_by)
VALUES ('6b0f4a3e-7f8c-4c1e-9a55-2d6f1c0e0a01', 'main', 'Main catalog', 'keel',
        CAST(EXTRACT(EPOCH FROM now()) * 1000 AS BIGINT), 'keel',
        CAST(EXTRACT(EPOCH FROM now()) * 1000 AS BIGINT), 'keel');

INSERT INTO catalog_schemas (id, catalog_id, name, comment, owner, created_at, created_by,
                             updated_at, updated_by)
VALUES ('6b0f4a3e-7f8c-4c1e-9a55-2d6f1c0e0a02', '6b0f4a3e-7f8c-4c1e-9a55-2d6f1c0e0a01', 'default',
        'Default schema', 'keel',
        CAST(EXTRACT(EPOCH FROM now()) * 1000 AS BIGINT), 'keel',
        CAST(EXTRACT(EPOCH FROM now()) * 1000 AS BIGINT), 'keel');
