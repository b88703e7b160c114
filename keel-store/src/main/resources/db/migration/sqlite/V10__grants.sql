-- Unity Catalog grants (keel-catalog): one row per privilege granted to a principal (a user, a
-- service principal or a group, by name) on one securable. Securables are named by type and
-- lower-case full name ('metastore' for the metastore, 'catalog', 'catalog.schema',
-- 'catalog.schema.object'); privileges in underscore spelling (USE_CATALOG). Renaming or deleting
-- a catalog or schema moves or deletes the grants under it in the same transaction.
-- Owners of tables, whose other metadata lives in Iceberg files, are kept here too so that lists
-- can be filtered in SQL; catalogs, schemas and registered models have their own owner column.
-- Cost: creates empty tables; recovery: none needed.
CREATE TABLE uc_grants (
  securable_type TEXT    NOT NULL,
  securable_name TEXT    NOT NULL,
  principal      TEXT    NOT NULL,
  privilege      TEXT    NOT NULL,
  granted_at     INTEGER NOT NULL,
  granted_by     TEXT    NOT NULL,
  PRIMARY KEY (securable_type, securable_name, principal, privilege)
);

CREATE INDEX uc_grants_principal ON uc_grants (principal, securable_type, securable_name);

CREATE TABLE uc_table_owners (
  full_name TEXT NOT NULL PRIMARY KEY,
  owner     TEXT NOT NULL
);
