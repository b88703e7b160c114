package dev.keel.client;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A table as Unity Catalog's tables API describes it, plus Keel's keys.
 *
 * @param name the table name
 * @param catalogName its catalog
 * @param schemaName its schema
 * @param fullName {@code catalog.schema.table}
 * @param columns the columns in order
 * @param tableType always {@code MANAGED}
 * @param dataSourceFormat the storage format ({@code ICEBERG})
 * @param storageLocation where its files live
 * @param tableId its id
 * @param owner its owner
 * @param comment its comment; {@code ""} for none
 * @param properties table properties
 * @param createdAt creation time, epoch ms
 * @param createdBy who created it
 * @param updatedAt last update, epoch ms
 * @param updatedBy who last updated it
 * @param primaryKeys primary key columns; empty for none
 * @param timeseriesKey the event-time column, for time series tables
 * @param ingestionTime whether it keeps a hidden ingestion-time column
 */
public record TableInfo(
    String name,
    String catalogName,
    String schemaName,
    String fullName,
    List<ColumnInfo> columns,
    String tableType,
    String dataSourceFormat,
    String storageLocation,
    String tableId,
    String owner,
    String comment,
    Map<String, String> properties,
    long createdAt,
    String createdBy,
    long updatedAt,
    String updatedBy,
    List<String> primaryKeys,
    Optional<String> timeseriesKey,
    boolean ingestionTime) {
  public TableInfo {
    columns = List.copyOf(columns);
    properties = Map.copyOf(properties);
    primaryKeys = List.copyOf(primaryKeys);
  }

  /** The column names, in order. */
  public List<String> columnNames() {
    return columns.stream().map(ColumnInfo::name).toList();
  }
}
