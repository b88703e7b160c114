package dev.keel.features.http;

import static dev.keel.core.Privilege.CREATE;
import static dev.keel.core.Privilege.EDIT;
import static dev.keel.core.Privilege.MANAGE;
import static dev.keel.core.Privilege.READ;
import static dev.keel.core.SecurableType.SCHEMA;
import static dev.keel.core.SecurableType.TABLE;
import static io.javalin.http.HandlerType.DELETE;
import static io.javalin.http.HandlerType.GET;
import static io.javalin.http.HandlerType.PATCH;
import static io.javalin.http.HandlerType.POST;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.catalog.Names;
import dev.keel.core.KeelException;
import dev.keel.core.Page;
import dev.keel.features.Feature;
import dev.keel.features.FeatureMetadata;
import dev.keel.features.FeatureSpecInfo;
import dev.keel.features.FeatureStore;
import dev.keel.features.FeatureTable;
import dev.keel.features.FeatureTableUpdate;
import dev.keel.features.PublishMode;
import dev.keel.features.PublishResult;
import dev.keel.features.SpineSource;
import dev.keel.features.TrainingSetRequest;
import dev.keel.features.TrainingSetResult;
import dev.keel.features.online.EntityRows;
import dev.keel.features.online.FeatureResult;
import dev.keel.features.online.FeatureStatus;
import dev.keel.features.online.OnlineFeatures;
import dev.keel.features.training.FeatureLookup;
import dev.keel.features.training.OnDemandFeature;
import dev.keel.features.training.Spine;
import dev.keel.features.training.TrainingSet;
import dev.keel.http.Access;
import dev.keel.http.ApiModule;
import dev.keel.http.Dialect;
import dev.keel.http.Json;
import dev.keel.http.Request;
import dev.keel.http.Routes;
import dev.keel.tables.ColumnType;
import dev.keel.tables.SnapshotRef;
import dev.keel.tables.TableSpec;
import dev.keel.tables.WriteMode;
import dev.keel.tables.http.TableJson;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The feature store's HTTP API under {@code /api/2.0/feature-store}: feature tables (create or
 * register, list, get, update metadata, delete, write rows), training sets (write as a table,
 * stream as NDJSON, rebuild from a run), feature specs, publishing to the online store ({@code POST
 * tables/{name}/publish}, Databricks' path) and online lookups shaped like Feast's {@code
 * /get-online-features} ({@code POST online-features}).
 */
public final class FeatureRoutes implements ApiModule {
  public static final String PREFIX = "/api/2.0/feature-store";

  private final FeatureStore store;

  public FeatureRoutes(FeatureStore store) {
    this.store = store;
  }

  @Override
  public void routes(Routes r) {
    r.dialect(PREFIX, Dialect.DATABRICKS);
    String tables = PREFIX + "/feature-tables";
    String table = tables + "/{name}";
    Access read = Access.of(TABLE, READ);
    r.add(POST, tables, Access.of(SCHEMA, CREATE), this::createFeatureTable);
    r.add(GET, tables, Access.of(SCHEMA, READ), this::listFeatureTables);
    r.add(GET, table, read, this::getFeatureTable);
    r.add(PATCH, table, Access.of(TABLE, MANAGE), this::updateFeatureTable);
    r.add(DELETE, table, Access.of(TABLE, MANAGE), this::deleteFeatureTable);
    r.add(POST, table + "/rows", Access.of(TABLE, EDIT), this::writeRows);
    r.add(POST, PREFIX + "/tables/{name}/publish", Access.of(TABLE, EDIT), this::publish);
    r.add(POST, PREFIX + "/online-features", read, this::onlineFeatures);

    r.add(POST, PREFIX + "/training-sets", Access.of(SCHEMA, CREATE), this::createTrainingSet);
    r.add(POST, PREFIX + "/training-sets/rows", read, this::streamTrainingSet);
    r.add(POST, PREFIX + "/training-sets/rebuild", Access.of(SCHEMA, CREATE), this::rebuild);

    String specs = PREFIX + "/feature-specs";
    r.add(POST, specs, Access.of(SCHEMA, CREATE), this::createSpec);
    r.add(GET, specs, Access.of(SCHEMA, READ), this::listSpecs);
    r.add(GET, specs + "/{name}", read, this::getSpec);
    r.add(DELETE, specs + "/{name}", Access.of(SCHEMA, MANAGE), this::deleteSpec);
  }

  // ---------------------------------------------------------------- feature tables

  private void createFeatureTable(Context ctx) {
    Request r = Request.of(ctx);
    String name = r.required("name");
    FeatureMetadata meta = metadata(r);
    Optional<JsonNode> columns = r.json("columns");
    FeatureTable t;
    if (columns.isEmpty()) {
      t = store.registerFeatureTable(name, meta);
    } else {
      String[] n = Names.checkFullName("name", name, 3);
      t =
          store.createFeatureTable(
              new TableSpec(
                  n[0],
                  n[1],
                  n[2],
                  TableJson.columns(columns.get(), "columns"),
                  r.strings("primary_keys"),
                  r.string("timeseries_key").filter(s -> !s.isEmpty()),
                  true,
                  r.string("comment"),
                  Map.of()),
              meta);
    }
    Json.write(ctx, featureTableJson(t));
  }

  private void listFeatureTables(Context ctx) {
    Request r = Request.of(ctx);
    Page<FeatureTable> page =
        store.listFeatureTables(
            r.required("catalog_name"),
            r.required("schema_name"),
            r.int64("max_results"),
            r.string("page_token"));
    ObjectNode out = Json.object();
    ArrayNode a = out.putArray("feature_tables");
    page.items().forEach(t -> a.add(featureTableJson(t)));
    page.nextPageToken().ifPresent(t -> out.put("next_page_token", t));
    Json.write(ctx, out);
  }

  private void getFeatureTable(Context ctx) {
    Json.write(ctx, featureTableJson(store.getFeatureTable(ctx.pathParam("name"))));
  }

  /**
   * PATCH: changes what the body names and nothing else. A field given as {@code ""} is removed (a
   * description, a max age); {@code features} changes only the features and fields it names.
   */
  private void updateFeatureTable(Context ctx) {
    Request r = Request.of(ctx);
    FeatureTableUpdate u = FeatureTableUpdate.none();
    Optional<String> description = r.string("description");
    if (description.isPresent()) {
      u =
          description.get().isEmpty()
              ? u.withoutDescription()
              : u.withDescription(description.get());
    }
    if (r.json("tags").isPresent()) {
      u = u.withTags(metadata(r).tags());
    }
    if (r.json("max_age_seconds").isPresent()) {
      Optional<Duration> age = seconds(r, "max_age_seconds", "max_age_seconds");
      u = age.isPresent() ? u.withMaxAge(age.get()) : u.withoutMaxAge();
    }
    Optional<JsonNode> features = r.json("features");
    if (features.isPresent()) {
      if (!features.get().isObject()) {
        throw KeelException.invalid(
            "features: expected an object of feature name -> {description, max_age_seconds}");
      }
      for (Map.Entry<String, JsonNode> e : features.get().properties()) {
        String at = "features." + e.getKey();
        Request f = Request.ofNode(e.getValue(), at);
        FeatureTableUpdate.FeatureUpdate change = FeatureTableUpdate.FeatureUpdate.none();
        Optional<String> d = f.string("description");
        if (d.isPresent()) {
          change =
              d.get().isEmpty() ? change.withoutDescription() : change.withDescription(d.get());
        }
        if (f.json("max_age_seconds").isPresent()) {
          Optional<Duration> age = seconds(f, "max_age_seconds", at + ".max_age_seconds");
          change = age.isPresent() ? change.withMaxAge(age.get()) : change.withoutMaxAge();
        }
        u = u.withFeature(e.getKey(), change);
      }
    }
    Json.write(ctx, featureTableJson(store.updateFeatureTable(ctx.pathParam("name"), u)));
  }

  private void deleteFeatureTable(Context ctx) {
    boolean drop = Boolean.parseBoolean(ctx.queryParam("drop_table"));
    store.deleteFeatureTable(ctx.pathParam("name"), drop);
    Json.write(ctx, Json.object());
  }

  private void writeRows(Context ctx) {
    Request r = Request.of(ctx);
    WriteMode mode = r.string("mode").map(FeatureRoutes::mode).orElse(WriteMode.UPSERT);
    List<Map<String, Object>> rows =
        TableJson.rows(r.json("rows").orElseThrow(() -> KeelException.missing("rows")), "rows");
    Json.write(ctx, TableJson.writeResult(store.write(ctx.pathParam("name"), mode, rows)));
  }

  private static WriteMode mode(String m) {
    return switch (m.toLowerCase(Locale.ROOT)) {
      case "append" -> WriteMode.APPEND;
      case "overwrite" -> WriteMode.OVERWRITE;
      case "upsert", "merge" -> WriteMode.UPSERT;
      default ->
          throw KeelException.invalid(
              "mode: expected upsert (merge), append or overwrite, got '" + m + "'");
    };
  }

  private static FeatureMetadata metadata(Request r) {
    Map<String, String> tags = new LinkedHashMap<>();
    r.json("tags")
        .ifPresent(
            t -> {
              if (!t.isObject()) {
                throw KeelException.invalid("tags: expected an object of strings");
              }
              t.properties()
                  .forEach(
                      e -> {
                        if (!e.getValue().isTextual()) {
                          throw KeelException.invalid("tags." + e.getKey() + ": expected a string");
                        }
                        tags.put(e.getKey(), e.getValue().asText());
                      });
            });
    Map<String, String> descriptions = new LinkedHashMap<>();
    Map<String, Duration> ages = new LinkedHashMap<>();
    r.json("features")
        .ifPresent(
            fs -> {
              if (!fs.isObject()) {
                throw KeelException.invalid(
                    "features: expected an object of feature name -> {description, max_age_seconds}");
              }
              fs.properties()
                  .forEach(
                      e -> {
                        Request f = Request.ofNode(e.getValue(), "features." + e.getKey());
                        f.string("description").ifPresent(d -> descriptions.put(e.getKey(), d));
                        seconds(f, "max_age_seconds", "features." + e.getKey() + ".max_age_seconds")
                            .ifPresent(a -> ages.put(e.getKey(), a));
                      });
            });
    return new FeatureMetadata(
        r.string("description"),
        tags,
        seconds(r, "max_age_seconds", "max_age_seconds"),
        descriptions,
        ages);
  }

  private static Optional<Duration> seconds(Request r, String field, String label) {
    var v = r.int64(field);
    if (v.isEmpty()) {
      return Optional.empty();
    }
    if (v.getAsLong() <= 0) {
      throw KeelException.invalid(label + ": must be a positive number of seconds");
    }
    return Optional.of(Duration.ofSeconds(v.getAsLong()));
  }

  static ObjectNode featureTableJson(FeatureTable t) {
    ObjectNode n = Json.object();
    n.put("name", t.fullName());
    ArrayNode keys = n.putArray("entity_keys");
    t.entityKeys().forEach(keys::add);
    ArrayNode pks = n.putArray("primary_keys");
    t.table().primaryKeys().forEach(pks::add);
    t.table().timeseriesKey().ifPresent(k -> n.put("timeseries_key", k));
    ArrayNode fs = n.putArray("features");
    for (Feature f : t.features()) {
      ObjectNode o = fs.addObject();
      o.put("name", f.name());
      o.put("type_name", f.type().typeName());
      o.put("type_text", f.type().typeText());
      f.description().ifPresent(d -> o.put("description", d));
      f.maxAge().ifPresent(a -> o.put("max_age_seconds", a.toSeconds()));
    }
    t.description().ifPresent(d -> n.put("description", d));
    ObjectNode tags = n.putObject("tags");
    new java.util.TreeMap<>(t.tags()).forEach(tags::put);
    t.maxAge().ifPresent(a -> n.put("max_age_seconds", a.toSeconds()));
    n.put("owner", t.owner());
    n.put("created_at", t.createdAt());
    n.put("created_by", t.createdBy());
    n.put("updated_at", t.updatedAt());
    n.put("updated_by", t.updatedBy());
    n.set("table", TableJson.table(t.table()));
    return n;
  }

  // ---------------------------------------------------------------- online

  private void publish(Context ctx) {
    Request r = Request.of(ctx);
    PublishMode mode =
        r.string("publish_mode")
            .map(
                m -> {
                  try {
                    return PublishMode.valueOf(m.toUpperCase(Locale.ROOT));
                  } catch (IllegalArgumentException e) {
                    throw KeelException.invalid(
                        "publish_mode: expected SNAPSHOT or TRIGGERED, got '" + m + "'");
                  }
                })
            .orElse(PublishMode.TRIGGERED);
    PublishResult p = store.publish(ctx.pathParam("name"), mode);
    ObjectNode n = Json.object();
    n.put("table", p.table());
    n.put("online_store", p.store());
    n.put("publish_mode", p.mode().name());
    n.put("snapshot_id", p.snapshotId());
    n.put("rows_read", p.rowsRead());
    n.put("rows_written", p.rowsWritten());
    n.put("rows_skipped", p.rowsSkipped());
    n.put("duration_ms", p.millis());
    Json.write(ctx, n);
  }

  private void onlineFeatures(Context ctx) {
    Request r = Request.of(ctx);
    JsonNode ent = r.json("entities").orElseThrow(() -> KeelException.missing("entities"));
    EntityRows entities = entities(ent);
    Optional<String> spec = r.string("feature_service").or(() -> r.string("feature_spec"));
    OnlineFeatures f =
        spec.isPresent()
            ? store.onlineFeaturesForSpec(spec.get(), entities)
            : store.onlineFeatures(r.strings("features"), entities);
    boolean full = r.bool("full_feature_names").orElse(false);
    Json.writeDirect(ctx, w -> writeOnline(w, entities, f, full));
  }

  private static EntityRows entities(JsonNode ent) {
    if (!ent.isObject() || ent.isEmpty()) {
      throw KeelException.invalid(
          "entities: expected an object of key column -> list of values, e.g. {\"user_id\": [1, 2]}");
    }
    List<String> columns = new ArrayList<>();
    List<JsonNode> values = new ArrayList<>();
    int n = -1;
    for (Iterator<Map.Entry<String, JsonNode>> it = ent.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isArray()) {
        throw KeelException.invalid("entities." + e.getKey() + ": expected a list of values");
      }
      if (n >= 0 && e.getValue().size() != n) {
        throw KeelException.invalid(
            "entities." + e.getKey() + ": every key column needs the same number of values");
      }
      n = e.getValue().size();
      columns.add(e.getKey());
      values.add(e.getValue());
    }
    if (n == 0) {
      throw KeelException.invalid("entities: give at least one entity");
    }
    List<List<Object>> rows = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      List<Object> row = new ArrayList<>(columns.size());
      for (int c = 0; c < columns.size(); c++) {
        row.add(scalar(values.get(c).get(i), "entities." + columns.get(c) + "[" + i + "]"));
      }
      rows.add(row);
    }
    return new EntityRows(columns, rows);
  }

  private static Object scalar(JsonNode v, String field) {
    if (v.isNull()) {
      return null;
    }
    if (v.isBoolean()) {
      return v.booleanValue();
    }
    if (v.isIntegralNumber() && v.canConvertToLong()) {
      return v.longValue();
    }
    if (v.isNumber()) {
      return v.doubleValue();
    }
    if (v.isTextual()) {
      return v.textValue();
    }
    throw KeelException.invalid(field + ": expected a string, number or boolean");
  }

  private static void writeOnline(
      JsonGenerator g, EntityRows entities, OnlineFeatures f, boolean full) throws IOException {
    g.writeStartObject();
    g.writeObjectFieldStart("metadata");
    g.writeArrayFieldStart("feature_names");
    for (String c : entities.columns()) {
      g.writeString(c);
    }
    for (FeatureResult r : f.results()) {
      g.writeString(
          full ? r.feature().featureTable() + "__" + r.feature().feature() : r.feature().feature());
    }
    g.writeEndArray();
    g.writeEndObject();
    g.writeArrayFieldStart("results");
    for (int c = 0; c < entities.columns().size(); c++) {
      g.writeStartObject();
      g.writeArrayFieldStart("values");
      for (List<Object> row : entities.rows()) {
        writeValue(g, row.get(c));
      }
      g.writeEndArray();
      g.writeArrayFieldStart("statuses");
      for (int i = 0; i < entities.rows().size(); i++) {
        g.writeString(FeatureStatus.PRESENT.name());
      }
      g.writeEndArray();
      g.writeArrayFieldStart("event_timestamps");
      for (int i = 0; i < entities.rows().size(); i++) {
        g.writeString("1970-01-01T00:00:00Z");
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    for (FeatureResult r : f.results()) {
      g.writeStartObject();
      g.writeArrayFieldStart("values");
      for (Object v : r.values()) {
        writeValue(g, v);
      }
      g.writeEndArray();
      g.writeArrayFieldStart("statuses");
      for (FeatureStatus s : r.statuses()) {
        g.writeString(s.name());
      }
      g.writeEndArray();
      g.writeArrayFieldStart("event_timestamps");
      for (Instant t : r.eventTimestamps()) {
        g.writeString(t == null ? "1970-01-01T00:00:00Z" : t.toString());
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  private static void writeValue(JsonGenerator g, Object v) throws IOException {
    switch (v) {
      case null -> g.writeNull();
      case Boolean b -> g.writeBoolean(b);
      case Integer i -> g.writeNumber(i);
      case Long l -> g.writeNumber(l);
      case Float f -> g.writeNumber(f);
      case Double d -> {
        if (d.isNaN() || d.isInfinite()) {
          g.writeString(d.toString());
        } else {
          g.writeNumber(d);
        }
      }
      case java.math.BigDecimal d -> g.writeNumber(d);
      case byte[] b -> g.writeString(java.util.Base64.getEncoder().encodeToString(b));
      default -> g.writeString(v.toString());
    }
  }

  // ---------------------------------------------------------------- training sets

  private void createTrainingSet(Context ctx) {
    Request r = Request.of(ctx);
    TrainingSetRequest req = trainingSetRequest(r);
    String output = r.required("output_table");
    TrainingSetResult res = store.createTrainingSet(req, output, r.string("run_id"));
    Json.write(ctx, resultJson(res));
  }

  private void rebuild(Context ctx) {
    Request r = Request.of(ctx);
    TrainingSetResult res =
        store.rebuildTrainingSet(r.required("run_id"), r.required("output_table"));
    Json.write(ctx, resultJson(res));
  }

  private static ObjectNode resultJson(TrainingSetResult res) {
    ObjectNode n = Json.object();
    n.put("output_table", res.table());
    n.put("snapshot_id", res.snapshotId());
    n.put("rows", res.rows());
    ObjectNode src = n.putObject("sources");
    res.sources().forEach(src::put);
    res.runId().ifPresent(id -> n.put("run_id", id));
    return n;
  }

  /**
   * Streams a training set as NDJSON: a first line {@code {"columns": [{"name", "type"}...]}}, then
   * one JSON array per row, in spine order, without materialising the set in memory.
   */
  private void streamTrainingSet(Context ctx) throws IOException {
    Request r = Request.of(ctx);
    TrainingSetRequest req = trainingSetRequest(r);
    try (TrainingSet set = store.buildTrainingSet(req);
        Stream<List<Object>> rows = set.rows()) {
      ctx.contentType("application/x-ndjson");
      OutputStream out = ctx.outputStream();
      JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out);
      g.setRootValueSeparator(null);
      g.writeStartObject();
      g.writeArrayFieldStart("columns");
      for (TrainingSet.Column c : set.columns()) {
        g.writeStartObject();
        g.writeStringField("name", c.name());
        g.writeStringField("type", c.type());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
      g.writeRaw('\n');
      Iterator<List<Object>> it = rows.iterator();
      while (it.hasNext()) {
        g.writeStartArray();
        for (Object v : it.next()) {
          writeValue(g, v);
        }
        g.writeEndArray();
        g.writeRaw('\n');
      }
      g.flush();
    }
  }

  private static TrainingSetRequest trainingSetRequest(Request r) {
    Request spine = r.object("spine").orElseThrow(() -> KeelException.missing("spine"));
    SpineSource source;
    if (spine.string("table").isPresent()) {
      SnapshotRef ref = new SnapshotRef.Latest();
      if (spine.int64("snapshot_id").isPresent()) {
        ref = new SnapshotRef.Id(spine.int64("snapshot_id").getAsLong());
      } else if (spine.string("as_of").isPresent()) {
        ref = new SnapshotRef.AsOf(instant(spine.string("as_of").get(), "spine.as_of"));
      }
      source = new SpineSource.Table(spine.string("table").get(), ref);
    } else {
      source = new SpineSource.Given(rowsSpine(spine));
    }
    List<OnDemandFeature> onDemand = new ArrayList<>();
    JsonNode od = array(r, "on_demand");
    for (int i = 0; i < od.size(); i++) {
      onDemand.add(OnDemandFeature.fromJson(od.get(i), "on_demand[" + i + "]"));
    }
    return new TrainingSetRequest(
        source,
        lookups(r),
        onDemand,
        r.strings("exclude_columns"),
        r.bool("availability_filter").orElse(false),
        r.bool("indicators").orElse(false));
  }

  private static Spine rowsSpine(Request spine) {
    JsonNode cols = spine.json("columns").orElseThrow(() -> KeelException.missing("spine.columns"));
    if (!cols.isArray() || cols.isEmpty()) {
      throw KeelException.invalid(
          "spine: give either a table or columns ([{\"name\", \"type\"}]) and rows");
    }
    List<Spine.Column> columns = new ArrayList<>();
    for (int i = 0; i < cols.size(); i++) {
      Request c = Request.ofNode(cols.get(i), "spine.columns[" + i + "]");
      columns.add(
          new Spine.Column(
              c.required("name"), spineType(c.required("type"), "spine.columns[" + i + "].type")));
    }
    JsonNode rows = spine.json("rows").orElseThrow(() -> KeelException.missing("spine.rows"));
    if (!rows.isArray()) {
      throw KeelException.invalid("spine.rows: expected an array of arrays");
    }
    List<List<Object>> out = new ArrayList<>(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      JsonNode row = rows.get(i);
      if (!row.isArray()) {
        throw KeelException.invalid("spine.rows[" + i + "]: expected an array of values");
      }
      List<Object> values = new ArrayList<>(row.size());
      for (int j = 0; j < row.size(); j++) {
        values.add(scalar(row.get(j), "spine.rows[" + i + "][" + j + "]"));
      }
      out.add(values);
    }
    return Spine.rows(columns, out);
  }

  /** A spine column type, named like table column types (LONG, DOUBLE, STRING, TIMESTAMP...). */
  private static dev.keel.features.training.ColumnType spineType(String name, String field) {
    ColumnType t = ColumnType.parse(field, name);
    return switch (t.kind()) {
      case BOOLEAN -> dev.keel.features.training.ColumnType.BOOLEAN;
      case INT -> dev.keel.features.training.ColumnType.INTEGER;
      case LONG -> dev.keel.features.training.ColumnType.BIGINT;
      case FLOAT, DOUBLE -> dev.keel.features.training.ColumnType.DOUBLE;
      case STRING -> dev.keel.features.training.ColumnType.VARCHAR;
      case TIMESTAMP -> dev.keel.features.training.ColumnType.TIMESTAMPTZ;
      default ->
          throw KeelException.invalid(
              field + ": spine columns are BOOLEAN, INT, LONG, DOUBLE, STRING or TIMESTAMP");
    };
  }

  private static Instant instant(String s, String field) {
    try {
      return java.time.OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeParseException e) {
      throw KeelException.invalid(
          field + ": expected an ISO-8601 time with a zone, got '" + s + "'");
    }
  }

  // ---------------------------------------------------------------- feature specs

  private void createSpec(Context ctx) {
    Request r = Request.of(ctx);
    Json.write(
        ctx,
        specJson(store.createFeatureSpec(r.required("name"), lookups(r), r.string("comment"))));
  }

  private static List<FeatureLookup> lookups(Request r) {
    JsonNode ls = array(r, "lookups");
    List<FeatureLookup> out = new ArrayList<>(ls.size());
    for (int i = 0; i < ls.size(); i++) {
      out.add(FeatureLookup.fromJson(ls.get(i), "lookups[" + i + "]"));
    }
    return out;
  }

  /** An optional array field; absent is empty. */
  private static JsonNode array(Request r, String field) {
    JsonNode a = r.json(field).orElse(Json.MAPPER.createArrayNode());
    if (!a.isArray()) {
      throw KeelException.invalid(field + ": expected an array");
    }
    return a;
  }

  private void listSpecs(Context ctx) {
    Request r = Request.of(ctx);
    ObjectNode out = Json.object();
    ArrayNode a = out.putArray("feature_specs");
    store
        .listFeatureSpecs(r.required("catalog_name"), r.required("schema_name"))
        .forEach(s -> a.add(specJson(s)));
    Json.write(ctx, out);
  }

  private void getSpec(Context ctx) {
    Json.write(ctx, specJson(store.getFeatureSpec(ctx.pathParam("name"))));
  }

  private void deleteSpec(Context ctx) {
    store.deleteFeatureSpec(ctx.pathParam("name"));
    Json.write(ctx, Json.object());
  }

  private static ObjectNode specJson(FeatureSpecInfo s) {
    ObjectNode n = Json.object();
    n.put("name", s.fullName());
    n.put("catalog_name", s.catalogName());
    n.put("schema_name", s.schemaName());
    ArrayNode ls = n.putArray("lookups");
    s.lookups().forEach(l -> ls.add(l.toJson()));
    s.comment().ifPresent(c -> n.put("comment", c));
    n.put("owner", s.owner());
    n.put("created_at", s.createdAt());
    n.put("created_by", s.createdBy());
    return n;
  }
}
