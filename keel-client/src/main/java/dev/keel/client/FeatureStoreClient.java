package dev.keel.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.core.Page;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Keel's feature store ({@code /api/2.0/feature-store}): feature tables, point-in-time training
 * sets (written as tables or streamed), feature specs, publishing to the online store and online
 * lookups. Get one from {@link KeelClient#features()}.
 *
 * <pre>{@code
 * FeatureStoreClient fs = keel.features();
 * fs.create(NewTable.of("main.default.drivers", List.of(ColumnInfo.of("driver_id", "LONG"),
 *         ColumnInfo.of("ts", "TIMESTAMP"), ColumnInfo.of("conv_rate", "DOUBLE")))
 *     .withPrimaryKeys("driver_id", "ts").withTimeseriesKey("ts"), FeatureMetadata.none());
 * fs.writeRows("main.default.drivers", WriteMode.UPSERT, rows);
 * TrainingSetResult ts = fs.createTrainingSet(
 *     TrainingSetSpec.of(Spine.table("main.default.labels"),
 *         FeatureLookup.of("main.default.drivers", "driver_id", "conv_rate")
 *             .withTimestampLookupKey("at")),
 *     "main.default.train", Optional.empty());
 * fs.publish("main.default.drivers", PublishMode.SNAPSHOT);
 * OnlineFeatures f = fs.onlineFeatures(List.of("main.default.drivers:conv_rate"),
 *     Map.of("driver_id", List.of(1001, 1002)));
 * }</pre>
 *
 * <p>Every call throws {@link KeelClientException} with the server's error code and message on
 * failure; bad input is {@code INVALID_ARGUMENT} naming the field, and changes nothing.
 */
public final class FeatureStoreClient {
  private static final String FS = "/api/2.0/feature-store";

  private final Transport http;

  FeatureStoreClient(KeelClient client) {
    this.http = new Transport(client);
  }

  // ---------------------------------------------------------------- feature tables

  /**
   * Creates a table and makes it a feature table. It needs primary keys; a timeseries key, if any,
   * must be one of them. The table keeps an ingestion-time column.
   */
  public FeatureTableInfo create(NewTable table, FeatureMetadata metadata) {
    return create(table, metadata, Optional.empty());
  }

  /**
   * As {@link #create(NewTable, FeatureMetadata)}, with a creation-time column: a TIMESTAMP column
   * of the table, not a key, holding when each row was created (Feast's {@code
   * created_timestamp_column}). It breaks event-time ties and drives the availability filter
   * instead of {@code _ingested_at}.
   */
  public FeatureTableInfo create(
      NewTable table, FeatureMetadata metadata, Optional<String> creationTimeColumn) {
    ObjectNode b = metadataJson(metadata);
    creationTimeColumn.ifPresent(c -> b.put("creation_time_column", c));
    b.put("name", table.fullName());
    ArrayNode cols = b.putArray("columns");
    for (ColumnInfo c : table.columns()) {
      ObjectNode o = cols.addObject();
      o.put("name", c.name());
      o.put("type_text", c.typeText());
      o.put("type_name", c.typeName());
      o.put("nullable", c.nullable());
      c.comment().ifPresent(t -> o.put("comment", t));
    }
    ArrayNode pk = b.putArray("primary_keys");
    table.primaryKeys().forEach(pk::add);
    table.timeseriesKey().ifPresent(k -> b.put("timeseries_key", k));
    if (!table.comment().isEmpty()) {
      b.put("comment", table.comment());
    }
    return featureTable(http.json("POST", FS + "/feature-tables", Map.of(), b, false));
  }

  /** Makes an existing table (with primary keys) a feature table. */
  public FeatureTableInfo register(String fullName, FeatureMetadata metadata) {
    ObjectNode b = metadataJson(metadata);
    b.put("name", Objects.requireNonNull(fullName, "fullName"));
    return featureTable(http.json("POST", FS + "/feature-tables", Map.of(), b, false));
  }

  /** The feature table {@code fullName}; {@code NOT_FOUND} if it is not one. */
  public FeatureTableInfo get(String fullName) {
    return featureTable(http.json("GET", tablePath(fullName), Map.of(), null, true));
  }

  /**
   * One page of the feature tables of a schema.
   *
   * @param maxResults page size; 0 for the server's default
   * @param pageToken {@code ""} for the first page
   */
  public Page<FeatureTableInfo> list(
      String catalogName, String schemaName, int maxResults, String pageToken) {
    if (maxResults < 0) {
      throw new IllegalArgumentException("maxResults must not be negative");
    }
    Map<String, List<String>> q = new LinkedHashMap<>();
    q.put("catalog_name", List.of(Objects.requireNonNull(catalogName, "catalogName")));
    q.put("schema_name", List.of(Objects.requireNonNull(schemaName, "schemaName")));
    if (maxResults > 0) {
      q.put("max_results", List.of(Integer.toString(maxResults)));
    }
    if (!Objects.requireNonNull(pageToken, "pageToken").isEmpty()) {
      q.put("page_token", List.of(pageToken));
    }
    JsonNode resp = http.json("GET", FS + "/feature-tables", q, null, true);
    List<FeatureTableInfo> items = new ArrayList<>();
    resp.path("feature_tables").forEach(t -> items.add(featureTable(t)));
    return new Page<>(items, Values.text(resp, "next_page_token").filter(s -> !s.isEmpty()));
  }

  /** Changes the metadata that {@code changes} sets; the rest stays. */
  public FeatureTableInfo update(String fullName, FeatureMetadata changes) {
    return featureTable(
        http.json("PATCH", tablePath(fullName), Map.of(), metadataJson(changes), false));
  }

  /**
   * Stops {@code fullName} being a feature table.
   *
   * @param dropTable also delete the table and its data
   */
  public void delete(String fullName, boolean dropTable) {
    http.json(
        "DELETE",
        tablePath(fullName),
        dropTable ? Map.of("drop_table", List.of("true")) : Map.of(),
        null,
        false);
  }

  /** Writes rows (column → value) to a feature table; {@link WriteMode#UPSERT} merges by key. */
  public WriteResult writeRows(
      String fullName, WriteMode mode, List<? extends Map<String, ?>> rows) {
    ObjectNode b = KeelJson.object();
    b.put("mode", mode.name().toLowerCase(Locale.ROOT));
    b.set("rows", TablesClient.rowsJson(rows));
    return Values.writeResult(http.json("POST", tablePath(fullName) + "/rows", Map.of(), b, false));
  }

  // ---------------------------------------------------------------- online

  /** Publishes a feature table's latest snapshot (or what changed) to the online store. */
  public PublishResult publish(String fullName, PublishMode mode) {
    ObjectNode b = KeelJson.object();
    b.put("publish_mode", mode.name());
    JsonNode n =
        http.json(
            "POST",
            FS + "/tables/" + Transport.segment(fullName, "fullName") + "/publish",
            Map.of(),
            b,
            false);
    return new PublishResult(
        KeelJson.text(n, "table"),
        KeelJson.text(n, "online_store"),
        PublishMode.valueOf(KeelJson.text(n, "publish_mode")),
        n.path("snapshot_id").asLong(),
        n.path("rows_read").asLong(),
        n.path("rows_written").asLong(),
        n.path("rows_skipped").asLong(),
        n.path("duration_ms").asLong());
  }

  /**
   * Looks features up in the online store.
   *
   * @param features references {@code catalog.schema.table:feature}
   * @param entities key column → one value per entity (every list the same length), in order
   */
  public OnlineFeatures onlineFeatures(
      List<String> features, Map<String, ? extends List<?>> entities) {
    ObjectNode b = KeelJson.object();
    ArrayNode f = b.putArray("features");
    features.forEach(f::add);
    b.set("entities", entitiesJson(entities));
    return online(http.json("POST", FS + "/online-features", Map.of(), b, true));
  }

  /** Looks up the features of the feature spec {@code catalog.schema.spec}. */
  public OnlineFeatures onlineFeaturesForSpec(
      String featureSpec, Map<String, ? extends List<?>> entities) {
    ObjectNode b = KeelJson.object();
    b.put("feature_spec", Objects.requireNonNull(featureSpec, "featureSpec"));
    b.set("entities", entitiesJson(entities));
    return online(http.json("POST", FS + "/online-features", Map.of(), b, true));
  }

  // ---------------------------------------------------------------- training sets

  /**
   * Builds a training set and writes it as the table {@code outputTable}.
   *
   * @param runId log the spine and feature tables with their snapshots to this run
   */
  public TrainingSetResult createTrainingSet(
      TrainingSetSpec spec, String outputTable, Optional<String> runId) {
    ObjectNode b = specJson(spec);
    b.put("output_table", Objects.requireNonNull(outputTable, "outputTable"));
    runId.ifPresent(id -> b.put("run_id", id));
    return trainingSetResult(http.json("POST", FS + "/training-sets", Map.of(), b, false));
  }

  /**
   * Builds a training set and streams its rows; close the result. Rows are parsed one at a time as
   * they arrive.
   */
  public TrainingSetStream stream(TrainingSetSpec spec) {
    return new TrainingSetStream(http.stream(FS + "/training-sets/rows", specJson(spec)));
  }

  /**
   * Rebuilds the training set logged to {@code runId} from the exact snapshots it used, into the
   * new table {@code outputTable}.
   */
  public TrainingSetResult rebuildTrainingSet(String runId, String outputTable) {
    ObjectNode b = KeelJson.object();
    b.put("run_id", Objects.requireNonNull(runId, "runId"));
    b.put("output_table", Objects.requireNonNull(outputTable, "outputTable"));
    return trainingSetResult(http.json("POST", FS + "/training-sets/rebuild", Map.of(), b, false));
  }

  // ---------------------------------------------------------------- feature specs

  /** Stores a feature spec {@code catalog.schema.spec}. */
  public FeatureSpecInfo createFeatureSpec(
      String fullName, List<FeatureLookup> lookups, String comment) {
    ObjectNode b = KeelJson.object();
    b.put("name", Objects.requireNonNull(fullName, "fullName"));
    ArrayNode ls = b.putArray("lookups");
    lookups.forEach(l -> ls.add(lookupJson(l)));
    if (!comment.isEmpty()) {
      b.put("comment", comment);
    }
    return featureSpec(http.json("POST", FS + "/feature-specs", Map.of(), b, false));
  }

  /** The feature spec {@code catalog.schema.spec}. */
  public FeatureSpecInfo getFeatureSpec(String fullName) {
    return featureSpec(http.json("GET", specPath(fullName), Map.of(), null, true));
  }

  /** The feature specs of a schema. */
  public List<FeatureSpecInfo> listFeatureSpecs(String catalogName, String schemaName) {
    Map<String, List<String>> q = new LinkedHashMap<>();
    q.put("catalog_name", List.of(Objects.requireNonNull(catalogName, "catalogName")));
    q.put("schema_name", List.of(Objects.requireNonNull(schemaName, "schemaName")));
    JsonNode resp = http.json("GET", FS + "/feature-specs", q, null, true);
    List<FeatureSpecInfo> out = new ArrayList<>();
    resp.path("feature_specs").forEach(s -> out.add(featureSpec(s)));
    return List.copyOf(out);
  }

  /** Deletes a feature spec. */
  public void deleteFeatureSpec(String fullName) {
    http.json("DELETE", specPath(fullName), Map.of(), null, false);
  }

  // ---------------------------------------------------------------- JSON

  private static String tablePath(String fullName) {
    return FS + "/feature-tables/" + Transport.segment(fullName, "fullName");
  }

  private static String specPath(String fullName) {
    return FS + "/feature-specs/" + Transport.segment(fullName, "fullName");
  }

  private static ObjectNode metadataJson(FeatureMetadata m) {
    ObjectNode b = KeelJson.object();
    m.description().ifPresent(d -> b.put("description", d));
    if (!m.tags().isEmpty()) {
      b.set("tags", KeelJson.properties(m.tags()));
    }
    m.maxAge().ifPresent(a -> b.put("max_age_seconds", a.toSeconds()));
    if (!m.featureDescriptions().isEmpty() || !m.featureMaxAges().isEmpty()) {
      ObjectNode fs = b.putObject("features");
      m.featureDescriptions().forEach((k, v) -> fs.putObject(k).put("description", v));
      m.featureMaxAges()
          .forEach(
              (k, v) -> {
                ObjectNode o = fs.has(k) ? (ObjectNode) fs.get(k) : fs.putObject(k);
                o.put("max_age_seconds", v.toSeconds());
              });
    }
    return b;
  }

  private static ObjectNode entitiesJson(Map<String, ? extends List<?>> entities) {
    ObjectNode e = KeelJson.object();
    entities.forEach(
        (k, vs) -> {
          ArrayNode a = e.putArray(k);
          for (int i = 0; i < vs.size(); i++) {
            a.add(Values.toJson(vs.get(i), "entities." + k + "[" + i + "]"));
          }
        });
    return e;
  }

  static ObjectNode specJson(TrainingSetSpec spec) {
    ObjectNode b = KeelJson.object();
    ObjectNode s = b.putObject("spine");
    switch (spec.spine()) {
      case Spine.Table t -> {
        s.put("table", t.table());
        t.snapshotId().ifPresent(id -> s.put("snapshot_id", id));
        t.asOf().ifPresent(a -> s.put("as_of", a.toString()));
      }
      case Spine.Rows r -> {
        ArrayNode cols = s.putArray("columns");
        r.columns().forEach(c -> cols.addObject().put("name", c.name()).put("type", c.type()));
        ArrayNode rows = s.putArray("rows");
        for (int i = 0; i < r.rows().size(); i++) {
          ArrayNode row = rows.addArray();
          List<Object> values = r.rows().get(i);
          for (int j = 0; j < values.size(); j++) {
            row.add(Values.toJson(values.get(j), "spine.rows[" + i + "][" + j + "]"));
          }
        }
      }
    }
    ArrayNode ls = b.putArray("lookups");
    spec.lookups().forEach(l -> ls.add(lookupJson(l)));
    ArrayNode od = b.putArray("on_demand");
    for (OnDemandFeature o : spec.onDemand()) {
      ObjectNode n = od.addObject();
      n.put("udf_name", o.function());
      n.set("input_bindings", KeelJson.properties(o.inputBindings()));
      n.put("output_name", o.outputName());
    }
    ArrayNode ex = b.putArray("exclude_columns");
    spec.excludeColumns().forEach(ex::add);
    b.put("availability_filter", spec.availabilityFilter());
    b.put("indicators", spec.indicators());
    return b;
  }

  static ObjectNode lookupJson(FeatureLookup l) {
    ObjectNode o = KeelJson.object();
    o.put("table_name", l.tableName());
    ArrayNode f = o.putArray("feature_names");
    l.featureNames().forEach(f::add);
    ArrayNode k = o.putArray("lookup_key");
    l.lookupKey().forEach(k::add);
    l.timestampLookupKey().ifPresent(t -> o.put("timestamp_lookup_key", t));
    l.lookbackWindow().ifPresent(w -> o.put("lookback_window", w.toString()));
    if (!l.renameOutputs().isEmpty()) {
      o.set("rename_outputs", KeelJson.properties(l.renameOutputs()));
    }
    if (!l.defaultValues().isEmpty()) {
      ObjectNode d = o.putObject("default_values");
      l.defaultValues()
          .forEach((name, v) -> d.set(name, Values.toJson(v, "default_values." + name)));
    }
    return o;
  }

  static FeatureLookup lookup(JsonNode n) {
    Optional<Duration> window = Optional.empty();
    JsonNode w = n.path("lookback_window");
    if (w.isNumber()) {
      window = Optional.of(Duration.ofMillis((long) (w.asDouble() * 1000)));
    } else if (w.isTextual()) {
      try {
        window = Optional.of(Duration.parse(w.asText()));
      } catch (DateTimeParseException e) {
        throw KeelClientException.local(
            KeelClientException.INVALID_RESPONSE, "lookback_window is not a duration: " + w);
      }
    }
    Map<String, Object> defaults = new LinkedHashMap<>();
    n.path("default_values")
        .properties()
        .forEach(e -> defaults.put(e.getKey(), Values.fromJson(e.getValue())));
    JsonNode keys = n.path("lookup_key");
    return new FeatureLookup(
        KeelJson.text(n, "table_name"),
        Values.strings(n.path("feature_names")),
        keys.isTextual() ? List.of(keys.asText()) : Values.strings(keys),
        Values.text(n, "timestamp_lookup_key"),
        window,
        Values.stringMap(n.path("rename_outputs")),
        defaults);
  }

  private static FeatureTableInfo featureTable(JsonNode n) {
    List<FeatureInfo> features = new ArrayList<>();
    for (JsonNode f : n.path("features")) {
      String text = KeelJson.text(f, "type_text");
      features.add(
          new FeatureInfo(
              KeelJson.text(f, "name"),
              text.isEmpty() ? KeelJson.text(f, "type_name") : text,
              Values.text(f, "description"),
              Values.seconds(f, "max_age_seconds")));
    }
    return new FeatureTableInfo(
        KeelJson.text(n, "name"),
        Values.strings(n.path("entity_keys")),
        Values.strings(n.path("primary_keys")),
        Values.text(n, "timeseries_key"),
        features,
        Values.text(n, "description"),
        Values.stringMap(n.path("tags")),
        Values.seconds(n, "max_age_seconds"),
        KeelJson.text(n, "owner"),
        n.path("created_at").asLong(),
        KeelJson.text(n, "created_by"),
        n.path("updated_at").asLong(),
        KeelJson.text(n, "updated_by"),
        Values.table(n.path("table")),
        Values.text(n, "creation_time_column"));
  }

  private static OnlineFeatures online(JsonNode n) {
    List<String> names = Values.strings(n.path("metadata").path("feature_names"));
    List<FeatureValues> results = new ArrayList<>();
    JsonNode rs = n.path("results");
    for (int i = 0; i < rs.size(); i++) {
      JsonNode r = rs.get(i);
      List<Object> values = new ArrayList<>();
      r.path("values").forEach(v -> values.add(Values.fromJson(v)));
      List<FeatureStatus> statuses = new ArrayList<>();
      r.path("statuses").forEach(s -> statuses.add(FeatureStatus.valueOf(s.asText())));
      List<Instant> times = new ArrayList<>();
      r.path("event_timestamps").forEach(t -> times.add(Instant.parse(t.asText())));
      results.add(new FeatureValues(i < names.size() ? names.get(i) : "", values, statuses, times));
    }
    return new OnlineFeatures(names, results);
  }

  private static TrainingSetResult trainingSetResult(JsonNode n) {
    Map<String, Long> sources = new LinkedHashMap<>();
    n.path("sources").properties().forEach(e -> sources.put(e.getKey(), e.getValue().asLong()));
    return new TrainingSetResult(
        KeelJson.text(n, "output_table"),
        n.path("snapshot_id").asLong(),
        n.path("rows").asLong(),
        sources,
        Values.text(n, "run_id"));
  }

  private static FeatureSpecInfo featureSpec(JsonNode n) {
    List<FeatureLookup> lookups = new ArrayList<>();
    n.path("lookups").forEach(l -> lookups.add(lookup(l)));
    return new FeatureSpecInfo(
        KeelJson.text(n, "name"),
        KeelJson.text(n, "catalog_name"),
        KeelJson.text(n, "schema_name"),
        lookups,
        Values.text(n, "comment"),
        KeelJson.text(n, "owner"),
        n.path("created_at").asLong(),
        KeelJson.text(n, "created_by"));
  }
}
