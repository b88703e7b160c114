package dev.keel.tables.http;

import static dev.keel.core.Privilege.CREATE;
import static dev.keel.core.Privilege.EDIT;
import static dev.keel.core.Privilege.MANAGE;
import static dev.keel.core.Privilege.READ;
import static dev.keel.core.SecurableType.SCHEMA;
import static dev.keel.core.SecurableType.TABLE;
import static io.javalin.http.HandlerType.DELETE;
import static io.javalin.http.HandlerType.GET;
import static io.javalin.http.HandlerType.POST;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.core.Page;
import dev.keel.http.Access;
import dev.keel.http.ApiModule;
import dev.keel.http.Dialect;
import dev.keel.http.Json;
import dev.keel.http.Routes;
import dev.keel.tables.Column;
import dev.keel.tables.ColumnType;
import dev.keel.tables.FileFormat;
import dev.keel.tables.OptimizeResult;
import dev.keel.tables.Preview;
import dev.keel.tables.Snapshot;
import dev.keel.tables.SnapshotRef;
import dev.keel.tables.TableInfo;
import dev.keel.tables.TableService;
import dev.keel.tables.TableSpec;
import dev.keel.tables.WriteMode;
import dev.keel.tables.WriteResult;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * Unity Catalog's tables API under {@code /api/2.1/unity-catalog/tables} (create, list, get,
 * delete; databricks.md §1.2) and Keel's extensions under {@code /api/2.0/keel/tables/{full_name}}:
 * {@code POST rows}, {@code POST files} (the file is the request body, never a server path), {@code
 * GET preview}, {@code GET history}, {@code GET count}, {@code POST optimize}. Errors use UC's
 * codes.
 */
public final class TableRoutes implements ApiModule {
  public static final String UC = "/api/2.1/unity-catalog/tables";
  public static final String KEEL = "/api/2.0/keel/tables";

  /** Largest uploaded file. */
  public static final long MAX_FILE_BYTES = 256L << 20;

  private final TableService tables;
  private final Path uploads;

  /**
   * @param uploads a directory for uploaded files while they are written (created if missing)
   */
  public TableRoutes(TableService tables, Path uploads) {
    this.tables = tables;
    this.uploads = uploads;
  }

  @Override
  public void routes(Routes r) {
    r.dialect("/api/2.1/unity-catalog", Dialect.UNITY_CATALOG);
    r.dialect(KEEL, Dialect.KEEL);
    Access read = Access.of(TABLE, READ);
    r.add(POST, UC, Access.of(SCHEMA, CREATE), this::create);
    r.add(GET, UC, Access.of(SCHEMA, READ), this::list);
    r.add(GET, UC + "/{full_name}", read, this::get);
    r.add(DELETE, UC + "/{full_name}", Access.of(TABLE, MANAGE), this::delete);
    r.add(POST, KEEL + "/{full_name}/rows", Access.of(TABLE, EDIT), this::writeRows);
    r.add(POST, KEEL + "/{full_name}/files", Access.of(TABLE, EDIT), this::writeFile);
    r.add(GET, KEEL + "/{full_name}/preview", read, this::preview);
    r.add(GET, KEEL + "/{full_name}/history", read, this::history);
    r.add(GET, KEEL + "/{full_name}/count", read, this::count);
    r.add(POST, KEEL + "/{full_name}/optimize", Access.of(TABLE, EDIT), this::optimize);
  }

  // ------------------------------------------------------------------ Unity Catalog

  private void create(Context ctx) {
    ObjectNode b = body(ctx);
    String tableType = text(b, "table_type").orElse(TableInfo.TABLE_TYPE);
    if (!tableType.equalsIgnoreCase(TableInfo.TABLE_TYPE)) {
      throw invalid(
          "'table_type' " + tableType + " is not supported: Keel creates MANAGED tables.");
    }
    Optional<String> format = text(b, "data_source_format");
    if (format.isPresent()
        && !List.of("DELTA", "ICEBERG", "PARQUET")
            .contains(format.get().toUpperCase(Locale.ROOT))) {
      throw invalid(
          "'data_source_format' "
              + format.get()
              + " is not supported: Keel stores tables as Iceberg (Parquet data files); send"
              + " ICEBERG, DELTA or PARQUET.");
    }
    if (text(b, "storage_location").filter(s -> !s.isEmpty()).isPresent()) {
      throw invalid("'storage_location' cannot be set: Keel manages where table files live.");
    }
    JsonNode cols = b.get("columns");
    if (cols == null || !cols.isArray() || cols.isEmpty()) {
      throw invalid("'columns' is required and must be a non-empty array.");
    }
    List<JsonNode> sorted = new ArrayList<>();
    cols.forEach(sorted::add);
    if (sorted.stream().allMatch(c -> c.hasNonNull("position"))) {
      sorted.sort((x, y) -> Integer.compare(x.get("position").asInt(), y.get("position").asInt()));
    }
    List<Column> columns = new ArrayList<>();
    for (int i = 0; i < sorted.size(); i++) {
      columns.add(column(sorted.get(i), "columns[" + i + "]"));
    }
    Map<String, String> props = new LinkedHashMap<>();
    JsonNode p = b.get("properties");
    if (p != null && !p.isNull()) {
      if (!p.isObject()) {
        throw invalid("'properties' must be an object of strings.");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = p.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!e.getValue().isValueNode() || e.getValue().isNull()) {
          throw invalid("'properties." + e.getKey() + "' must be a string.");
        }
        props.put(e.getKey(), e.getValue().asText());
      }
    }
    TableInfo t =
        tables.create(
            new TableSpec(
                text(b, "catalog_name").orElse(""),
                text(b, "schema_name").orElse(""),
                text(b, "name").orElse(""),
                columns,
                strings(b, "primary_keys"),
                text(b, "timeseries_key").filter(s -> !s.isEmpty()),
                bool(b, "ingestion_time"),
                text(b, "comment"),
                props));
    Json.write(ctx, tableJson(t));
  }

  static Column column(JsonNode c, String field) {
    if (!c.isObject()) {
      throw invalid("'" + field + "' must be an object.");
    }
    String name = c.path("name").asText("");
    ColumnType type;
    if (c.hasNonNull("type_text") && !c.get("type_text").asText().isEmpty()) {
      type = ColumnType.parse(field + ".type_text", c.get("type_text").asText());
    } else if (c.hasNonNull("type_name")) {
      String tn = c.get("type_name").asText();
      if (tn.equalsIgnoreCase("DECIMAL") && c.hasNonNull("type_precision")) {
        type = ColumnType.decimal(c.get("type_precision").asInt(), c.path("type_scale").asInt(0));
      } else {
        type = ColumnType.parse(field + ".type_name", tn);
      }
    } else {
      throw invalid("'" + field + ".type_name' is required.");
    }
    boolean nullable = !c.hasNonNull("nullable") || c.get("nullable").asBoolean(true);
    Optional<String> comment =
        c.hasNonNull("comment") ? Optional.of(c.get("comment").asText()) : Optional.empty();
    return new Column(name, type, nullable, comment);
  }

  private void list(Context ctx) {
    OptionalLong max = OptionalLong.empty();
    String m = ctx.queryParam("max_results");
    if (m != null && !m.isEmpty()) {
      max = OptionalLong.of(parseLong("max_results", m));
    }
    Page<TableInfo> page =
        tables.list(
            Optional.ofNullable(ctx.queryParam("catalog_name")).orElse(""),
            Optional.ofNullable(ctx.queryParam("schema_name")).orElse(""),
            max,
            Optional.ofNullable(ctx.queryParam("page_token")));
    ObjectNode n = Json.object();
    ArrayNode a = n.putArray("tables");
    page.items().forEach(t -> a.add(tableJson(t)));
    page.nextPageToken().ifPresent(t -> n.put("next_page_token", t));
    Json.write(ctx, n);
  }

  private void get(Context ctx) {
    Json.write(ctx, tableJson(tables.get(ctx.pathParam("full_name"))));
  }

  private void delete(Context ctx) {
    tables.delete(ctx.pathParam("full_name"));
    Json.write(ctx, Json.object());
  }

  /**
   * Unity Catalog's {@code TableInfo}, plus Keel's {@code primary_keys}, {@code timeseries_key}.
   */
  static ObjectNode tableJson(TableInfo t) {
    ObjectNode n = Json.object();
    n.put("name", t.name());
    n.put("catalog_name", t.catalogName());
    n.put("schema_name", t.schemaName());
    n.put("full_name", t.fullName());
    n.put("table_type", TableInfo.TABLE_TYPE);
    n.put("data_source_format", TableInfo.DATA_SOURCE_FORMAT);
    ArrayNode cols = n.putArray("columns");
    for (int i = 0; i < t.columns().size(); i++) {
      Column c = t.columns().get(i);
      ObjectNode o = cols.addObject();
      o.put("name", c.name());
      o.put("type_name", c.type().typeName());
      o.put("type_text", c.type().typeText());
      ObjectNode tj = Json.object();
      tj.put("name", c.name());
      tj.put("type", c.type().sparkJsonType());
      tj.put("nullable", c.nullable());
      tj.putObject("metadata");
      o.put("type_json", tj.toString());
      if (c.type().kind() == ColumnType.Kind.DECIMAL) {
        o.put("type_precision", c.type().precision());
        o.put("type_scale", c.type().scale());
      }
      o.put("position", i);
      o.put("nullable", c.nullable());
      c.comment().ifPresent(cm -> o.put("comment", cm));
    }
    n.put("storage_location", t.storageLocation());
    n.put("table_id", t.tableId());
    n.put("owner", t.owner());
    t.comment().ifPresent(c -> n.put("comment", c));
    ObjectNode props = n.putObject("properties");
    t.properties().forEach(props::put);
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

  // ------------------------------------------------------------------ Keel extensions

  private void writeRows(Context ctx) {
    ObjectNode b = body(ctx);
    WriteMode mode = mode(text(b, "mode"));
    JsonNode rows = b.get("rows");
    if (rows == null || !rows.isArray()) {
      throw invalid("'rows' is required and must be an array of objects.");
    }
    List<Map<String, Object>> out = new ArrayList<>(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      JsonNode r = rows.get(i);
      if (!r.isObject()) {
        throw invalid("rows[" + i + "]: expected an object.");
      }
      Map<String, Object> m = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = r.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        m.put(e.getKey(), value(e.getValue()));
      }
      out.add(m);
    }
    Json.write(ctx, resultJson(tables.write(ctx.pathParam("full_name"), mode, out)));
  }

  static Object value(JsonNode v) {
    if (v.isNull()) {
      return null;
    }
    if (v.isBoolean()) {
      return v.booleanValue();
    }
    if (v.isIntegralNumber()) {
      return v.canConvertToLong() ? (Object) v.longValue() : v.bigIntegerValue();
    }
    if (v.isNumber()) {
      return v.isBigDecimal() ? v.decimalValue() : (Object) v.doubleValue();
    }
    if (v.isTextual()) {
      return v.textValue();
    }
    return v.isArray() ? List.of() : Map.of(); // refused by the service with "got an array/object"
  }

  private void writeFile(Context ctx) {
    String f = ctx.queryParam("format");
    if (f == null || f.isEmpty()) {
      throw invalid("'format' is required: csv, parquet or json (newline-delimited).");
    }
    FileFormat format;
    try {
      format = FileFormat.valueOf(f.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw invalid("'format' " + f + " is not one of csv, parquet, json.");
    }
    WriteMode mode = mode(Optional.ofNullable(ctx.queryParam("mode")));
    Path file = spool(ctx);
    try {
      Json.write(ctx, resultJson(tables.writeFile(ctx.pathParam("full_name"), mode, file, format)));
    } finally {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        // a leftover upload in the scratch directory is harmless
      }
    }
  }

  /** Copies the request body to a new file in the uploads directory, refusing over the limit. */
  private Path spool(Context ctx) {
    if (ctx.req().getContentLengthLong() > MAX_FILE_BYTES) {
      throw new KeelException(
          ErrorCode.REQUEST_TOO_LARGE,
          "the file is larger than " + (MAX_FILE_BYTES >> 20) + " MiB");
    }
    Path file;
    try {
      Files.createDirectories(uploads);
      file = uploads.resolve(UUID.randomUUID() + ".upload");
    } catch (IOException e) {
      throw new KeelException(ErrorCode.INTERNAL_ERROR, "cannot store the upload");
    }
    long total = 0;
    try (InputStream in = ctx.bodyInputStream();
        OutputStream out = Files.newOutputStream(file)) {
      byte[] buf = new byte[65536];
      for (int n; (n = in.read(buf)) > 0; ) {
        total += n;
        if (total > MAX_FILE_BYTES) {
          throw new KeelException(
              ErrorCode.REQUEST_TOO_LARGE,
              "the file is larger than " + (MAX_FILE_BYTES >> 20) + " MiB");
        }
        out.write(buf, 0, n);
      }
    } catch (IOException | RuntimeException e) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException ignored) {
        // best effort
      }
      if (e instanceof KeelException k) {
        throw k;
      }
      throw new KeelException(ErrorCode.INVALID_ARGUMENT, "could not read the uploaded file");
    }
    if (total == 0) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException ignored) {
        // best effort
      }
      throw invalid("the request body must hold the file; it is empty.");
    }
    return file;
  }

  static ObjectNode resultJson(WriteResult r) {
    ObjectNode n = Json.object();
    n.put("snapshot_id", r.snapshotId());
    n.put("rows_added", r.rowsAdded());
    n.put("rows_deleted", r.rowsDeleted());
    return n;
  }

  private void preview(Context ctx) {
    int limit = 100;
    String l = ctx.queryParam("limit");
    if (l != null && !l.isEmpty()) {
      long v = parseLong("limit", l);
      if (v < 0 || v > TableService.MAX_PREVIEW) {
        throw invalid("'limit' must be 0 to " + TableService.MAX_PREVIEW + " (got " + v + ").");
      }
      limit = (int) v;
    }
    List<String> columns = new ArrayList<>();
    String c = ctx.queryParam("columns");
    if (c != null && !c.isBlank()) {
      for (String s : c.split(",")) {
        columns.add(s.trim());
      }
    }
    Preview p = tables.preview(ctx.pathParam("full_name"), ref(ctx), columns, limit);
    ObjectNode n = Json.object();
    n.put("snapshot_id", p.snapshotId());
    ArrayNode cols = n.putArray("columns");
    for (Column col : p.columns()) {
      cols.addObject()
          .put("name", col.name())
          .put("type_name", col.type().typeName())
          .put("type_text", col.type().typeText());
    }
    ArrayNode rows = n.putArray("rows");
    for (List<Object> row : p.rows()) {
      ArrayNode a = rows.addArray();
      for (Object v : row) {
        switch (v) {
          case null -> a.addNull();
          case Boolean b -> a.add(b);
          case Integer i -> a.add(i);
          case Long x -> a.add(x);
          case Float f -> a.add(f);
          case Double d -> a.add(d);
          case BigDecimal d -> a.add(d);
          case byte[] bytes -> a.add(Base64.getEncoder().encodeToString(bytes));
          default -> a.add(v.toString()); // String, LocalDate, Instant (ISO-8601)
        }
      }
    }
    Json.write(ctx, n);
  }

  private void history(Context ctx) {
    ObjectNode n = Json.object();
    ArrayNode a = n.putArray("snapshots");
    for (Snapshot s : tables.history(ctx.pathParam("full_name"))) {
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
    Json.write(ctx, n);
  }

  private void optimize(Context ctx) {
    OptimizeResult o = tables.optimize(ctx.pathParam("full_name"));
    ObjectNode n = Json.object();
    n.put("snapshot_id", o.snapshotId());
    n.put("files_removed", o.filesRemoved());
    n.put("files_added", o.filesAdded());
    n.put("rows", o.rows());
    n.put("primary_key_unique", o.primaryKeyUnique());
    Json.write(ctx, n);
  }

  private void count(Context ctx) {
    ObjectNode n = Json.object();
    n.put("count", tables.count(ctx.pathParam("full_name"), ref(ctx)));
    Json.write(ctx, n);
  }

  // ------------------------------------------------------------------ parsing

  /** {@code snapshot_id} or {@code as_of} (ISO-8601 instant or epoch milliseconds); else latest. */
  private static SnapshotRef ref(Context ctx) {
    String id = ctx.queryParam("snapshot_id");
    String asOf = ctx.queryParam("as_of");
    boolean hasId = id != null && !id.isEmpty();
    boolean hasAsOf = asOf != null && !asOf.isEmpty();
    if (hasId && hasAsOf) {
      throw invalid("give 'snapshot_id' or 'as_of', not both.");
    }
    if (hasId) {
      return SnapshotRef.id(parseLong("snapshot_id", id));
    }
    if (hasAsOf) {
      if (asOf.chars().allMatch(Character::isDigit)) {
        return SnapshotRef.asOf(Instant.ofEpochMilli(parseLong("as_of", asOf)));
      }
      try {
        return SnapshotRef.asOf(Instant.parse(asOf));
      } catch (DateTimeParseException e) {
        throw invalid(
            "'as_of' " + asOf + " is neither epoch milliseconds nor an ISO-8601 instant (…Z).");
      }
    }
    return SnapshotRef.latest();
  }

  private static WriteMode mode(Optional<String> m) {
    String v = m.orElse("append");
    try {
      return WriteMode.valueOf(v.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw invalid("'mode' " + v + " is not one of append, overwrite, upsert.");
    }
  }

  private static long parseLong(String field, String v) {
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw invalid("'" + field + "' must be an integer (got " + v + ").");
    }
  }

  private static ObjectNode body(Context ctx) {
    return Json.readBody(ctx, Json.MAX_BODY_BYTES, ErrorCode.REQUEST_TOO_LARGE);
  }

  private static Optional<String> text(ObjectNode b, String field) {
    JsonNode n = b.get(field);
    if (n == null || n.isNull()) {
      return Optional.empty();
    }
    if (!n.isValueNode()) {
      throw invalid("'" + field + "' must be a string.");
    }
    return Optional.of(n.asText());
  }

  private static boolean bool(ObjectNode b, String field) {
    JsonNode n = b.get(field);
    if (n == null || n.isNull()) {
      return false;
    }
    if (n.isBoolean()) {
      return n.booleanValue();
    }
    if (n.isTextual()
        && (n.asText().equalsIgnoreCase("true") || n.asText().equalsIgnoreCase("false"))) {
      return Boolean.parseBoolean(n.asText());
    }
    throw invalid("'" + field + "' must be true or false.");
  }

  private static List<String> strings(ObjectNode b, String field) {
    JsonNode n = b.get(field);
    if (n == null || n.isNull()) {
      return List.of();
    }
    if (!n.isArray()) {
      throw invalid("'" + field + "' must be an array of column names.");
    }
    List<String> out = new ArrayList<>();
    n.forEach(
        e -> {
          if (!e.isTextual()) {
            throw invalid("'" + field + "' must be an array of column names.");
          }
          out.add(e.asText());
        });
    return out;
  }

  private static KeelException invalid(String message) {
    return new KeelException(ErrorCode.INVALID_ARGUMENT, message);
  }
}
