package dev.keel.client;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link TablesClient#create} creates: a managed Iceberg table {@code catalog.schema.table}.
 *
 * <pre>{@code
 * NewTable t = NewTable.of("main.default.events",
 *         List.of(ColumnInfo.of("user_id", "LONG"), ColumnInfo.of("ts", "TIMESTAMP")))
 *     .withPrimaryKeys("user_id", "ts").withTimeseriesKey("ts").withComment("clicks");
 * }</pre>
 *
 * @param fullName {@code catalog.schema.table}
 * @param columns the columns, in order (at least one)
 * @param primaryKeys the primary key columns (required for upserts); empty for none
 * @param timeseriesKey the event-time column of a time series table
 * @param ingestionTime whether the table keeps a hidden ingestion-time column (for availability
 *     filters in training sets)
 * @param comment free text; {@code ""} for none
 * @param properties table properties
 */
public record NewTable(
    String fullName,
    List<ColumnInfo> columns,
    List<String> primaryKeys,
    Optional<String> timeseriesKey,
    boolean ingestionTime,
    String comment,
    Map<String, String> properties) {
  public NewTable {
    Objects.requireNonNull(fullName, "fullName");
    columns = List.copyOf(columns);
    primaryKeys = List.copyOf(primaryKeys);
    Objects.requireNonNull(timeseriesKey, "timeseriesKey");
    Objects.requireNonNull(comment, "comment");
    properties = Map.copyOf(properties);
  }

  /** A table with these columns and nothing else set. */
  public static NewTable of(String fullName, List<ColumnInfo> columns) {
    return new NewTable(fullName, columns, List.of(), Optional.empty(), false, "", Map.of());
  }

  /** With these primary key columns. */
  public NewTable withPrimaryKeys(String... keys) {
    return new NewTable(
        fullName, columns, List.of(keys), timeseriesKey, ingestionTime, comment, properties);
  }

  /** With this event-time column. */
  public NewTable withTimeseriesKey(String column) {
    return new NewTable(
        fullName, columns, primaryKeys, Optional.of(column), ingestionTime, comment, properties);
  }

  /** With (or without) a hidden ingestion-time column. */
  public NewTable withIngestionTime(boolean on) {
    return new NewTable(fullName, columns, primaryKeys, timeseriesKey, on, comment, properties);
  }

  /** With this comment. */
  public NewTable withComment(String text) {
    return new NewTable(
        fullName, columns, primaryKeys, timeseriesKey, ingestionTime, text, properties);
  }

  /** With these table properties. */
  public NewTable withProperties(Map<String, String> props) {
    return new NewTable(
        fullName, columns, primaryKeys, timeseriesKey, ingestionTime, comment, props);
  }
}
