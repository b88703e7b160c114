package dev.keel.tables;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A table as Unity Catalog describes it, plus Keel's keys.
 *
 * @param tableId UUID
 * @param catalogName its catalog
 * @param schemaName its schema
 * @param name lower-case table name
 * @param columns the columns in order, including {@code _ingested_at} when present
 * @param primaryKeys primary-key columns (may be empty)
 * @param timeseriesKey the timeseries column, when set
 * @param ingestionTime whether the table has {@code _ingested_at}
 * @param comment free text, when set
 * @param properties user properties
 * @param storageLocation the table's directory ({@code file:} URI)
 * @param owner owning principal
 * @param createdAt ms since the epoch
 * @param createdBy creating principal
 * @param updatedAt ms since the epoch of the last metadata change or write
 * @param updatedBy principal of the last change
 */
public record TableInfo(
    String tableId,
    String catalogName,
    String schemaName,
    String name,
    List<Column> columns,
    List<String> primaryKeys,
    Optional<String> timeseriesKey,
    boolean ingestionTime,
    Optional<String> comment,
    Map<String, String> properties,
    String storageLocation,
    String owner,
    long createdAt,
    String createdBy,
    long updatedAt,
    String updatedBy) {
  /** Data files are Parquet under Iceberg metadata, whatever format the creator asked for. */
  public static final String DATA_SOURCE_FORMAT = "ICEBERG";

  /** Unity Catalog's table type: Keel manages the files. */
  public static final String TABLE_TYPE = "MANAGED";

  public TableInfo {
    Objects.requireNonNull(tableId, "tableId");
    Objects.requireNonNull(catalogName, "catalogName");
    Objects.requireNonNull(schemaName, "schemaName");
    Objects.requireNonNull(name, "name");
    columns = List.copyOf(columns);
    primaryKeys = List.copyOf(primaryKeys);
    Objects.requireNonNull(timeseriesKey, "timeseriesKey");
    Objects.requireNonNull(comment, "comment");
    properties = Collections.unmodifiableMap(new TreeMap<>(properties));
    Objects.requireNonNull(storageLocation, "storageLocation");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(createdBy, "createdBy");
    Objects.requireNonNull(updatedBy, "updatedBy");
  }

  /** {@code catalog.schema.table}. */
  public String fullName() {
    return catalogName + "." + schemaName + "." + name;
  }
}
