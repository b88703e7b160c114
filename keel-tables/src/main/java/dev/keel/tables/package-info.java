/**
 * Lakehouse tables: Apache Iceberg tables named {@code catalog.schema.table}, kept in Iceberg's
 * JdbcCatalog inside Keel's metadata database with data files under the data dir, written with
 * append, overwrite and copy-on-write upsert, and read (preview, count, time travel) through
 * embedded DuckDB over the exact data files of a snapshot.
 */
package dev.keel.tables;
