-- Iceberg's JdbcCatalog tables (schema version V1), created here instead of by the JdbcCatalog so
-- they always live in Keel's own schema: on PostgreSQL JdbcCatalog's "table exists" check looks in
-- every schema and would skip creating them when another schema has them. Column names and types
-- are exactly JdbcCatalog's, so Spark's Iceberg runtime with a JdbcCatalog on this database reads
-- Keel's tables. Namespaces are "catalog.schema"; catalog_name is Keel's Iceberg catalog name.
-- Cost: creates empty tables; recovery: none needed.
CREATE TABLE iceberg_tables (
  catalog_name               VARCHAR(255) NOT NULL,
  table_namespace            VARCHAR(255) NOT NULL,
  table_name                 VARCHAR(255) NOT NULL,
  metadata_location          VARCHAR(1000),
  previous_metadata_location VARCHAR(1000),
  iceberg_type               VARCHAR(5),
  PRIMARY KEY (catalog_name, table_namespace, table_name)
);

CREATE TABLE iceberg_namespace_properties (
  catalog_name   VARCHAR(255) NOT NULL,
  namespace      VARCHAR(255) NOT NULL,
  property_key   VARCHAR(255),
  property_value VARCHAR(1000),
  PRIMARY KEY (catalog_name, namespace, property_key)
);
