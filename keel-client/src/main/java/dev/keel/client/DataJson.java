package dev.keel.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON forms of the table and feature store values (the server's field names), for printing them
 * and for reading lookups and rows from files (the CLI uses these).
 */
public final class DataJson {
  private DataJson() {}

  /** A table as the tables API writes it. */
  public static ObjectNode toJson(TableInfo t) {
    ObjectNode n = KeelJson.object();
    n.put("name", t.name());
    n.put("catalog_name", t.catalogName());
    n.put("schema_name", t.schemaName());
    n.put("full_name", t.fullName());
    n.put("table_type", t.tableType());
    n.put("data_source_format", t.dataSourceFormat());
    n.set("columns", columns(t.columns()));
    n.put("storage_location", t.storageLocation());
    n.put("table_id", t.tableId());
    n.put("owner", t.owner());
    if (!t.comment().isEmpty()) {
      n.put("comment", t.comment());
    }
    n.set("properties", KeelJson.properties(t.properties()));
    n.put("created_at", t.createdAt());
    n.put("created_by", t.createdBy());
    n.put("updated_at", t.updatedAt());
    n.put("updated_by", t.updatedBy());
    ArrayNode pk = n.putArray("primary_keys");
    t.primaryKeys().forEach(pk::add);
    t.timeseriesKey().ifPresent(k -> n.put("timeseries_key", k));
    n.put("ingestion_time", t.ingestionTime());
    return n;
  }

  private static ArrayNode columns(List<ColumnInfo> columns) {
    ArrayNode a = KeelJson.array();
    for (int i = 0; i < columns.size(); i++) {
      ColumnInfo c = columns.get(i);
      ObjectNode o = a.addObject();
      o.put("name", c.name());
      o.put("type_name", c.typeName());
      o.put("type_text", c.typeText());
      o.put("position", i);
      o.put("nullable", c.nullable());
      c.comment().ifPresent(x -> o.put("comment", x));
    }
    return a;
  }

  /** A write's outcome. */
  public static ObjectNode toJson(WriteResult r) {
    ObjectNode n = KeelJson.object();
    n.put("snapshot_id", r.snapshotId());
    n.put("rows_added", r.rowsAdded());
    n.put("rows_deleted", r.rowsDeleted());
    return n;
  }

  /** A preview: snapshot id, columns, rows as arrays. */
  public static ObjectNode toJson(Preview p) {
    ObjectNode n = KeelJson.object();
    n.put("snapshot_id", p.snapshotId());
    n.set("columns", columns(p.columns()));
    ArrayNode rows = n.putArray("rows");
    p.rows().forEach(r -> rows.add(row(r)));
    return n;
  }

  /** A row of values as a JSON array. */
  public static ArrayNode row(List<Object> values) {
    ArrayNode a = KeelJson.array();
    for (int i = 0; i < values.size(); i++) {
      a.add(Values.toJson(values.get(i), "[" + i + "]"));
    }
    return a;
  }

  /** A table's history. */
  public static ObjectNode toJson(List<Snapshot> history) {
    ObjectNode n = KeelJson.object();
    ArrayNode a = n.putArray("snapshots");
    for (Snapshot s : history) {
      ObjectNode o = a.addObject();
      o.put("snapshot_id", s.snapshotId());
      s.parentId().ifPresent(p -> o.put("parent_id", p));
      o.put("committed_at", s.committedAt().toEpochMilli());
      o.put("operation", s.operation());
      o.put("added_rows", s.addedRows());
      o.put("deleted_rows", s.deletedRows());
      o.put("added_files", s.addedFiles());
      o.put("deleted_files", s.deletedFiles());
      o.put("total_rows", s.totalRows());
      o.put("primary_key_unique", s.primaryKeyUnique());
    }
    return n;
  }

  /** What optimizing a table did. */
  public static ObjectNode toJson(OptimizeResult r) {
    ObjectNode n = KeelJson.object();
    n.put("snapshot_id", r.snapshotId());
    n.put("files_removed", r.filesRemoved());
    n.put("files_added", r.filesAdded());
    n.put("rows", r.rows());
    n.put("primary_key_unique", r.primaryKeyUnique());
    return n;
  }

  /** What removing a table's orphaned files did. */
  public static ObjectNode toJson(RemovedFiles r) {
    ObjectNode n = KeelJson.object();
    ArrayNode a = n.putArray("removed_files");
    r.files().forEach(a::add);
    n.put("removed_bytes", r.bytes());
    return n;
  }

  /** What expiring a table's snapshots did. */
  public static ObjectNode toJson(ExpireResult r) {
    ObjectNode n = KeelJson.object();
    n.put("expired_snapshots", r.snapshotsExpired());
    n.put("snapshots_left", r.snapshotsLeft());
    n.put("deleted_files", r.filesDeleted());
    return n;
  }

  /** A feature table. */
  public static ObjectNode toJson(FeatureTableInfo t) {
    ObjectNode n = KeelJson.object();
    n.put("name", t.name());
    ArrayNode keys = n.putArray("entity_keys");
    t.entityKeys().forEach(keys::add);
    ArrayNode pks = n.putArray("primary_keys");
    t.primaryKeys().forEach(pks::add);
    t.timeseriesKey().ifPresent(k -> n.put("timeseries_key", k));
    ArrayNode fs = n.putArray("features");
    for (FeatureInfo f : t.features()) {
      ObjectNode o = fs.addObject();
      o.put("name", f.name());
      o.put("type_text", f.typeText());
      f.description().ifPresent(d -> o.put("description", d));
      f.maxAge().ifPresent(a -> o.put("max_age_seconds", a.toSeconds()));
    }
    t.description().ifPresent(d -> n.put("description", d));
    n.set("tags", KeelJson.properties(t.tags()));
    t.maxAge().ifPresent(a -> n.put("max_age_seconds", a.toSeconds()));
    n.put("owner", t.owner());
    n.put("created_at", t.createdAt());
    n.put("created_by", t.createdBy());
    n.put("updated_at", t.updatedAt());
    n.put("updated_by", t.updatedBy());
    n.set("table", toJson(t.table()));
    return n;
  }

  /** A publish's outcome. */
  public static ObjectNode toJson(PublishResult p) {
    ObjectNode n = KeelJson.object();
    n.put("table", p.table());
    n.put("online_store", p.onlineStore());
    n.put("publish_mode", p.mode().name());
    n.put("snapshot_id", p.snapshotId());
    n.put("rows_read", p.rowsRead());
    n.put("rows_written", p.rowsWritten());
    n.put("rows_skipped", p.rowsSkipped());
    n.put("duration_ms", p.durationMillis());
    return n;
  }

  /** Online features in Feast's shape. */
  public static ObjectNode toJson(OnlineFeatures f) {
    ObjectNode n = KeelJson.object();
    ArrayNode names = n.putObject("metadata").putArray("feature_names");
    f.featureNames().forEach(names::add);
    ArrayNode results = n.putArray("results");
    for (FeatureValues v : f.results()) {
      ObjectNode o = results.addObject();
      o.set("values", row(v.values()));
      ArrayNode st = o.putArray("statuses");
      v.statuses().forEach(s -> st.add(s.name()));
      ArrayNode ts = o.putArray("event_timestamps");
      v.eventTimestamps().forEach(t -> ts.add(t.toString()));
    }
    return n;
  }

  /** A training set's outcome. */
  public static ObjectNode toJson(TrainingSetResult r) {
    ObjectNode n = KeelJson.object();
    n.put("output_table", r.outputTable());
    n.put("snapshot_id", r.snapshotId());
    n.put("rows", r.rows());
    ObjectNode src = n.putObject("sources");
    r.sources().forEach(src::put);
    r.runId().ifPresent(id -> n.put("run_id", id));
    return n;
  }

  /** A feature spec. */
  public static ObjectNode toJson(FeatureSpecInfo s) {
    ObjectNode n = KeelJson.object();
    n.put("name", s.name());
    n.put("catalog_name", s.catalogName());
    n.put("schema_name", s.schemaName());
    ArrayNode ls = n.putArray("lookups");
    s.lookups().forEach(l -> ls.add(FeatureStoreClient.lookupJson(l)));
    s.comment().ifPresent(c -> n.put("comment", c));
    n.put("owner", s.owner());
    n.put("created_at", s.createdAt());
    n.put("created_by", s.createdBy());
    return n;
  }

  /**
   * Lookups in Databricks' {@code FeatureLookup} field names ({@code table_name}, {@code
   * feature_names}, {@code lookup_key}, {@code timestamp_lookup_key}, {@code lookback_window},
   * {@code rename_outputs}, {@code default_values}).
   *
   * @throws IllegalArgumentException if {@code array} is not an array of such objects
   */
  public static List<FeatureLookup> lookups(JsonNode array) {
    if (!array.isArray()) {
      throw new IllegalArgumentException("lookups: expected an array of lookup objects");
    }
    List<FeatureLookup> out = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      JsonNode l = array.get(i);
      if (!l.isObject() || KeelJson.text(l, "table_name").isEmpty()) {
        throw new IllegalArgumentException(
            "lookups[" + i + "]: expected an object with table_name");
      }
      try {
        out.add(FeatureStoreClient.lookup(l));
      } catch (KeelClientException e) {
        throw new IllegalArgumentException("lookups[" + i + "]: " + e.getMessage(), e);
      }
    }
    return List.copyOf(out);
  }

  /**
   * Rows as column → value maps from a JSON array of objects (values: Long, Double, BigDecimal,
   * Boolean, String, null).
   *
   * @throws IllegalArgumentException if {@code array} is not an array of objects
   */
  public static List<Map<String, Object>> rows(JsonNode array) {
    if (!array.isArray()) {
      throw new IllegalArgumentException("rows: expected a JSON array of objects");
    }
    List<Map<String, Object>> out = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      JsonNode r = array.get(i);
      if (!r.isObject()) {
        throw new IllegalArgumentException("rows[" + i + "]: expected an object");
      }
      Map<String, Object> m = new LinkedHashMap<>();
      r.properties().forEach(e -> m.put(e.getKey(), Values.fromJson(e.getValue())));
      out.add(m);
    }
    return out;
  }

  /** A JSON value as Java (Long, Double, BigDecimal, Boolean, String; null for JSON null). */
  public static Object value(JsonNode v) {
    return Values.fromJson(v);
  }

  /** Parses JSON text. */
  public static JsonNode parse(String text) {
    try {
      return KeelJson.MAPPER.readTree(text);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("not valid JSON: " + e.getMessage(), e);
    }
  }
}
