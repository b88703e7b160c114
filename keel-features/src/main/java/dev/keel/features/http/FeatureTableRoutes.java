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
import dev.keel.catalog.Viewer;
import dev.keel.core.KeelException;
import dev.keel.core.Page;
import dev.keel.core.SecurableType;
import dev.keel.features.FeatureMetadata;
import dev.keel.features.FeatureStore;
import dev.keel.features.FeatureTable;
import dev.keel.features.FeatureTableUpdate;
import dev.keel.features.PublishMode;
import dev.keel.features.PublishResult;
import dev.keel.features.online.EntityRows;
import dev.keel.features.online.FeatureResult;
import dev.keel.features.online.FeatureStatus;
import dev.keel.features.online.OnlineFeatures;
import dev.keel.http.Access;
import dev.keel.http.ApiModule;
import dev.keel.http.Caller;
import dev.keel.http.Dialect;
import dev.keel.http.Json;
import dev.keel.http.Request;
import dev.keel.http.Routes;
import dev.keel.tables.TableSpec;
import dev.keel.tables.WriteMode;
import dev.keel.tables.http.TableJson;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Feature tables under {@code /api/2.0/feature-store}: create or register, list, get, update
 * metadata, delete and write rows ({@code feature-tables}), publishing to the online store ({@code
 * POST tables/{name}/publish}, Databricks' path) and online lookups shaped like Feast's {@code
 * /get-online-features} ({@code POST online-features}).
 */
public final class FeatureTableRoutes implements ApiModule {
  public static final String PREFIX = "/api/2.0/feature-store";

  private final FeatureStore store;

  public FeatureTableRoutes(FeatureStore store) {
    this.store = store;
  }

  @Override
  public void routes(Routes r) {
    r.dialect(PREFIX, Dialect.DATABRICKS);
    String tables = PREFIX + "/feature-tables";
    String table = tables + "/{name}";
    Access.Resource named = ctx -> ctx.pathParam("name");
    Access read = Access.of(TABLE, READ).on(named);
    Access edit = Access.of(TABLE, EDIT).on(named);
    Access manage = Access.of(TABLE, MANAGE).on(named);
    // creating a feature table creates a table (or registers one): CREATE TABLE on its schema
    Access.Resource created = ctx -> Request.of(ctx).required("name");
    Access.Resource schema =
        ctx ->
            Request.of(ctx).required("catalog_name")
                + "."
                + Request.of(ctx).required("schema_name");
    r.add(POST, tables, Access.of(TABLE, CREATE).on(created), this::createFeatureTable);
    r.add(GET, tables, Access.of(SCHEMA, READ).on(schema), this::listFeatureTables);
    r.add(GET, table, read, this::getFeatureTable);
    r.add(PATCH, table, manage, this::updateFeatureTable);
    r.add(DELETE, table, manage, this::deleteFeatureTable);
    r.add(POST, table + "/rows", edit, this::writeRows);
    r.add(POST, PREFIX + "/tables/{name}/publish", edit, this::publish);
    // reads several feature tables: each is checked in the handler (SELECT)
    r.add(
        POST,
        PREFIX + "/online-features",
        Access.of(SecurableType.METASTORE, READ).on(ctx -> "metastore"),
        this::onlineFeatures);
  }

  /**
   * The fields a feature-table create reads; any other is refused, since dropping one (such as
   * Databricks' {@code timeseries_columns} or an ingestion-time column) would create a different
   * table than asked for. A field the route starts to read belongs here.
   */
  static final java.util.Set<String> CREATE_FIELDS =
      java.util.Set.of(
          "name",
          "columns",
          "primary_keys",
          "timeseries_key",
          "timeseries_columns",
          "timeseries_column",
          "creation_time_column",
          "comment",
          "description",
          "max_age_seconds",
          "features",
          "tags");

  private void createFeatureTable(Context ctx) {
    Request r = Request.of(ctx).onlyFields(CREATE_FIELDS);
    String name = r.required("name");
    FeatureMetadata meta = FeatureJson.metadata(r);
    Optional<JsonNode> columns = r.json("columns");
    Optional<String> creationTime = r.string("creation_time_column").filter(s -> !s.isEmpty());
    FeatureTable t;
    if (columns.isEmpty()) {
      // registering an existing table changes it: its owner's (or a MANAGE holder's) decision
      Caller.require(ctx, TABLE, name, MANAGE);
      List<String> primaryKeys = r.strings("primary_keys");
      t =
          store.registerFeatureTable(
              name, meta, creationTime, primaryKeys, timeseriesKey(r, primaryKeys));
    } else {
      String[] n = Names.checkFullName("name", name, 3);
      List<String> primaryKeys = r.strings("primary_keys");
      t =
          store.createFeatureTable(
              new TableSpec(
                  n[0],
                  n[1],
                  n[2],
                  TableJson.columns(columns.get(), "columns"),
                  primaryKeys,
                  timeseriesKey(r, primaryKeys),
                  true,
                  r.string("comment"),
                  Map.of()),
              meta,
              creationTime,
              Caller.get(ctx).name());
    }
    Json.write(ctx, FeatureJson.featureTableJson(t));
  }

  /**
   * The timeseries key: Keel's {@code timeseries_key}, or Databricks' {@code timeseries_columns}
   * (also {@code timeseries_column}), a column name or a list of one that must be a primary key, as
   * in Databricks. Anything Keel cannot honour (several columns, a column that is not a primary
   * key, two fields naming different columns) is refused, not ignored.
   */
  private static Optional<String> timeseriesKey(Request r, List<String> primaryKeys) {
    Optional<String> key = r.string("timeseries_key").filter(s -> !s.isEmpty());
    for (String field : List.of("timeseries_columns", "timeseries_column")) {
      Optional<JsonNode> given = r.json(field).filter(j -> !j.isNull());
      if (given.isEmpty()) {
        continue;
      }
      List<String> names = new ArrayList<>();
      JsonNode j = given.get();
      if (j.isTextual()) {
        names.add(j.asText());
      } else if (j.isArray()) {
        for (JsonNode e : j) {
          if (!e.isTextual()) {
            throw KeelException.invalid(field + ": expected column names, got " + e);
          }
          names.add(e.asText());
        }
      } else {
        throw KeelException.invalid(field + ": expected a column name or a list of one");
      }
      if (names.isEmpty()) {
        continue;
      }
      if (names.size() > 1) {
        throw KeelException.invalid(
            field + ": a feature table has one timeseries column, got " + names.size());
      }
      String c = names.get(0);
      if (!primaryKeys.isEmpty() && !primaryKeys.contains(c)) {
        throw KeelException.invalid(
            field + ": '" + c + "' must be one of the primary keys " + primaryKeys);
      }
      if (key.isPresent() && !key.get().equals(c)) {
        throw KeelException.invalid(
            field + ": names '" + c + "' but the timeseries key is '" + key.get() + "'");
      }
      key = Optional.of(c);
    }
    return key;
  }

  private void listFeatureTables(Context ctx) {
    Request r = Request.of(ctx);
    Page<FeatureTable> page =
        store.listFeatureTables(
            r.required("catalog_name"),
            r.required("schema_name"),
            r.int64("max_results"),
            r.string("page_token"),
            Viewer.of(Caller.get(ctx)));
    ObjectNode out = Json.object();
    ArrayNode a = out.putArray("feature_tables");
    page.items().forEach(t -> a.add(FeatureJson.featureTableJson(t)));
    page.nextPageToken().ifPresent(t -> out.put("next_page_token", t));
    Json.write(ctx, out);
  }

  private void getFeatureTable(Context ctx) {
    Json.write(ctx, FeatureJson.featureTableJson(store.getFeatureTable(ctx.pathParam("name"))));
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
      u = u.withTags(FeatureJson.metadata(r).tags());
    }
    if (r.json("max_age_seconds").isPresent()) {
      Optional<Duration> age = FeatureJson.seconds(r, "max_age_seconds", "max_age_seconds");
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
          Optional<Duration> age =
              FeatureJson.seconds(f, "max_age_seconds", at + ".max_age_seconds");
          change = age.isPresent() ? change.withMaxAge(age.get()) : change.withoutMaxAge();
        }
        u = u.withFeature(e.getKey(), change);
      }
    }
    Json.write(
        ctx, FeatureJson.featureTableJson(store.updateFeatureTable(ctx.pathParam("name"), u)));
  }

  private void deleteFeatureTable(Context ctx) {
    boolean drop = Boolean.parseBoolean(ctx.queryParam("drop_table"));
    store.deleteFeatureTable(ctx.pathParam("name"), drop);
    Json.write(ctx, Json.object());
  }

  private void writeRows(Context ctx) {
    Request r = Request.of(ctx);
    WriteMode mode = r.string("mode").map(FeatureTableRoutes::mode).orElse(WriteMode.UPSERT);
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
    if (spec.isPresent()) {
      for (var l : store.getFeatureSpec(spec.get()).lookups()) {
        Caller.require(ctx, TABLE, l.table(), READ);
      }
    } else {
      for (String f : r.strings("features")) {
        int colon = f.lastIndexOf(':');
        if (colon > 0) { // malformed references are refused by the lookup, naming the field
          Caller.require(ctx, TABLE, f.substring(0, colon), READ);
        }
      }
    }
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
        row.add(
            FeatureJson.scalar(values.get(c).get(i), "entities." + columns.get(c) + "[" + i + "]"));
      }
      rows.add(row);
    }
    return new EntityRows(columns, rows);
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
        FeatureJson.writeValue(g, row.get(c));
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
        FeatureJson.writeValue(g, v);
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
}
