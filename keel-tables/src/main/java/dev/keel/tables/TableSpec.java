package dev.keel.tables;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What to create: a table {@code catalogName.schemaName.name}.
 *
 * @param catalogName an existing catalog
 * @param schemaName an existing schema in it
 * @param name the table name (Unity Catalog name rules, stored lower-case)
 * @param columns at least one column; names unique, not {@code _ingested_at}
 * @param primaryKeys columns forming the primary key (needed for upserts; made non-nullable)
 * @param timeseriesKey a DATE or TIMESTAMP column that orders rows in time, when set
 * @param ingestionTime whether the table gets the system column {@code _ingested_at}
 * @param comment free text
 * @param properties user properties (keys must not start with {@code keel.})
 */
public record TableSpec(
    String catalogName,
    String schemaName,
    String name,
    List<Column> columns,
    List<String> primaryKeys,
    Optional<String> timeseriesKey,
    boolean ingestionTime,
    Optional<String> comment,
    Map<String, String> properties) {
  public TableSpec {
    Objects.requireNonNull(catalogName, "catalogName");
    Objects.requireNonNull(schemaName, "schemaName");
    Objects.requireNonNull(name, "name");
    columns = List.copyOf(columns);
    primaryKeys = List.copyOf(primaryKeys);
    Objects.requireNonNull(timeseriesKey, "timeseriesKey");
    Objects.requireNonNull(comment, "comment");
    properties = Map.copyOf(properties);
  }

  /** A plain table: no keys, no ingestion time, no comment or properties. */
  public static TableSpec of(String catalog, String schema, String name, List<Column> columns) {
    return new TableSpec(
        catalog,
        schema,
        name,
        columns,
        List.of(),
        Optional.empty(),
        false,
        Optional.empty(),
        Map.of());
  }
}
