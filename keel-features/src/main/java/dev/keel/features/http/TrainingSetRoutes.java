package dev.keel.features.http;

import static dev.keel.core.Privilege.CREATE;
import static dev.keel.core.Privilege.EDIT;
import static dev.keel.core.Privilege.READ;
import static dev.keel.core.SecurableType.METASTORE;
import static dev.keel.core.SecurableType.RUN;
import static dev.keel.core.SecurableType.TABLE;
import static io.javalin.http.HandlerType.POST;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.core.KeelException;
import dev.keel.features.FeatureStore;
import dev.keel.features.SpineSource;
import dev.keel.features.TrainingSetRequest;
import dev.keel.features.TrainingSetResult;
import dev.keel.features.training.FeatureLookup;
import dev.keel.features.training.OnDemandFeature;
import dev.keel.features.training.Spine;
import dev.keel.features.training.TrainingSet;
import dev.keel.http.Access;
import dev.keel.http.ApiModule;
import dev.keel.http.Caller;
import dev.keel.http.Dialect;
import dev.keel.http.Json;
import dev.keel.http.Request;
import dev.keel.http.Routes;
import dev.keel.tables.ColumnType;
import dev.keel.tables.SnapshotRef;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Point-in-time training sets under {@code /api/2.0/feature-store/training-sets}: write one as a
 * table, stream one as NDJSON, and rebuild the one logged to a run.
 */
public final class TrainingSetRoutes implements ApiModule {
  public static final String PREFIX = FeatureTableRoutes.PREFIX;

  private final FeatureStore store;

  public TrainingSetRoutes(FeatureStore store) {
    this.store = store;
  }

  @Override
  public void routes(Routes r) {
    r.dialect(PREFIX, Dialect.DATABRICKS);
    Access read = Access.of(TABLE, READ);
    // creating writes a new table; every table it reads is checked in the handler (SELECT)
    r.add(
        POST,
        PREFIX + "/training-sets",
        Access.of(TABLE, CREATE).on(ctx -> Request.of(ctx).required("output_table")),
        this::createTrainingSet);
    // streaming reads tables only: each is checked in the handler
    r.add(
        POST,
        PREFIX + "/training-sets/rows",
        Access.of(METASTORE, READ).on(ctx -> "metastore"),
        this::streamTrainingSet);
    // rebuilding reads what a run recorded, known only once loaded: administrators only
    r.add(POST, PREFIX + "/training-sets/rebuild", Access.of(TABLE, CREATE), this::rebuild);
  }

  /** SELECT on the spine table and on every feature table the request looks up. */
  static void requireReads(Context ctx, TrainingSetRequest req) {
    if (req.spine() instanceof SpineSource.Table t) {
      Caller.require(ctx, TABLE, t.name(), READ);
    }
    for (FeatureLookup l : req.lookups()) {
      Caller.require(ctx, TABLE, l.table(), READ);
    }
  }

  private void createTrainingSet(Context ctx) {
    Request r = Request.of(ctx);
    TrainingSetRequest req = trainingSetRequest(r);
    requireReads(ctx, req);
    String output = r.required("output_table");
    Optional<String> run = r.string("run_id");
    run.ifPresent(id -> Caller.require(ctx, RUN, id, EDIT)); // the set is logged to the run
    TrainingSetResult res = store.createTrainingSet(req, output, run, Caller.get(ctx).name());
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
    requireReads(ctx, req);
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
          FeatureJson.writeValue(g, v);
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
    JsonNode od = FeatureJson.array(r, "on_demand");
    for (int i = 0; i < od.size(); i++) {
      onDemand.add(OnDemandFeature.fromJson(od.get(i), "on_demand[" + i + "]"));
    }
    return new TrainingSetRequest(
        source,
        FeatureJson.lookups(r),
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
        values.add(FeatureJson.scalar(row.get(j), "spine.rows[" + i + "][" + j + "]"));
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
}
