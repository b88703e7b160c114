package dev.keel.tables;

import static dev.keel.tables.IcebergTables.INGESTED_AT;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.iceberg.Table;

/** What Keel keeps about a table in its Iceberg properties: user columns, keys, ingestion time. */
record TableMeta(
    List<Column> userColumns,
    List<String> primaryKeys,
    Optional<String> timeseriesKey,
    boolean ingestionTime) {

  /** The meta of {@code t}, read from its current schema and properties. */
  static TableMeta of(Table t) {
    Map<String, String> props = t.properties();
    boolean ingestion = Boolean.parseBoolean(props.get(IcebergTables.P_INGESTION_TIME));
    List<Column> user =
        IcebergTables.columns(t.schema()).stream()
            .filter(c -> !(ingestion && c.name().equals(INGESTED_AT)))
            .toList();
    return new TableMeta(
        user,
        IcebergTables.splitKeys(props.get(IcebergTables.P_PRIMARY_KEYS)),
        Optional.ofNullable(props.get(IcebergTables.P_TIMESERIES_KEY)),
        ingestion);
  }
}
