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
import dev.keel.catalog.Viewer;
import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.core.Page;
import dev.keel.http.Accepts;
import dev.keel.http.Access;
import dev.keel.http.ApiModule;
import dev.keel.http.Caller;
import dev.keel.http.Dialect;
import dev.keel.http.Json;
import dev.keel.http.Request;
import dev.keel.http.Routes;
import dev.keel.tables.Column;
import dev.keel.tables.ExpireResult;
import dev.keel.tables.FileFormat;
import dev.keel.tables.OptimizeResult;
import dev.keel.tables.Preview;
import dev.keel.tables.RemovedFiles;
import dev.keel.tables.Snapshot;
import dev.keel.tables.SnapshotRef;
import dev.keel.tables.TableInfo;
import dev.keel.tables.TableService;
import dev.keel.tables.TableSpec;
import dev.keel.tables.WriteMode;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
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
 * GET preview}, {@code GET export} (every row as a CSV or Parquet file), {@code GET history},
 * {@code GET count}, {@code POST optimize}, and maintenance: {@code POST remove-orphans}, {@code
 * POST expire-snapshots}. Errors use UC's codes.
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
    Access.Resource named = ctx -> ctx.pathParam("full_name");
    Access read = Access.of(TABLE, READ).on(named);
    Access edit = Access.of(TABLE, EDIT).on(named);
    Access manage = Access.of(TABLE, MANAGE).on(named);
    Access.Resource created =
        ctx -> {
          Request b = Request.of(ctx);
          return b.string("catalog_name").orElse("")
              + "."
              + b.string("schema_name").orElse("")
              + "."
              + b.string("name").orElse("");
        };
    Access.Resource schema =
        ctx ->
            Optional.ofNullable(ctx.queryParam("catalog_name")).orElse("")
                + "."
                + Optional.ofNullable(ctx.queryParam("schema_name")).orElse("");
    r.add(POST, UC, Access.of(TABLE, CREATE).on(created), this::create);
    r.add(GET, UC, Access.of(SCHEMA, READ).on(schema), this::list);
    r.add(GET, UC + "/{full_name}", read, this::get);
    r.add(DELETE, UC + "/{full_name}", manage, this::delete);
    r.add(POST, KEEL + "/{full_name}/rows", edit, this::writeRows);
    r.add(
        POST,
        KEEL + "/{full_name}/files",
        edit,
        Accepts.of(
            "text/csv",
            "application/x-ndjson",
            "application/vnd.apache.parquet",
            "application/octet-stream",
            "application/json"),
        this::writeFile);
    r.add(GET, KEEL + "/{full_name}/preview", read, this::preview);
    r.add(GET, KEEL + "/{full_name}/export", read, this::export);
    r.add(GET, KEEL + "/{full_name}/history", read, this::history);
    r.add(GET, KEEL + "/{full_name}/count", read, this::count);
    r.add(POST, KEEL + "/{full_name}/optimize", edit, this::optimize);
    r.add(POST, KEEL + "/{full_name}/remove-orphans", edit, this::removeOrphans);
    r.add(POST, KEEL + "/{full_name}/expire-snapshots", manage, this::expire);
  }

  // ------------------------------------------------------------------ Unity Catalog

  /**
   * The fields a table create reads: Unity Catalog's {@code CreateTable} and Keel's extensions. Any
   * other is refused (a misspelt {@code timeseries_key} would otherwise create a table without
   * one).
   */
  static final java.util.Set<String> CREATE_FIELDS =
      java.util.Set.of(
          "name",
          "catalog_name",
          "schema_name",
          "table_type",
          "data_source_format",
          "columns",
          "storage_location",
          "comment",
          "properties",
          "primary_keys",
          "timeseries_key",
          "ingestion_time");

  private void create(Context ctx) {
    Request b = Request.of(ctx).onlyFields(CREATE_FIELDS);
    String tableType = b.string("table_type").orElse(TableInfo.TABLE_TYPE);
    if (!tableType.equalsIgnoreCase(TableInfo.TABLE_TYPE)) {
      throw KeelException.invalid(
          "'table_type' " + tableType + " is not supported: Keel creates MANAGED tables.");
    }
    Optional<String> format = b.string("data_source_format");
    if (format.isPresent()
        && !List.of("DELTA", "ICEBERG", "PARQUET")
            .contains(format.get().toUpperCase(Locale.ROOT))) {
      throw KeelException.invalid(
          "'data_source_format' "
              + format.get()
              + " is not supported: Keel stores tables as Iceberg (Parquet data files); send"
              + " ICEBERG, DELTA or PARQUET.");
    }
    if (b.string("storage_location").filter(s -> !s.isEmpty()).isPresent()) {
      throw KeelException.invalid(
          "'storage_location' cannot be set: Keel manages where table files live.");
    }
    List<Column> columns = TableJson.columns(b, "columns");
    TableInfo t =
        tables.create(
            new TableSpec(
                b.string("catalog_name").orElse(""),
                b.string("schema_name").orElse(""),
                b.string("name").orElse(""),
                columns,
                b.strings("primary_keys"),
                b.string("timeseries_key").filter(s -> !s.isEmpty()),
                b.flag("ingestion_time"),
                b.string("comment"),
                b.stringMap("properties")),
            Caller.get(ctx).name());
    Json.write(ctx, TableJson.table(t));
  }

  private void list(Context ctx) {
    Request q = Request.ofQuery(ctx);
    Page<TableInfo> page =
        tables.list(
            q.string("catalog_name").orElse(""),
            q.string("schema_name").orElse(""),
            q.int64("max_results"),
            q.string("page_token"),
            Viewer.of(Caller.get(ctx)));
    ObjectNode n = Json.object();
    ArrayNode a = n.putArray("tables");
    page.items().forEach(t -> a.add(TableJson.table(t)));
    page.nextPageToken().ifPresent(t -> n.put("next_page_token", t));
    Json.write(ctx, n);
  }

  private void get(Context ctx) {
    Json.write(ctx, TableJson.table(tables.get(ctx.pathParam("full_name"))));
  }

  private void delete(Context ctx) {
    tables.delete(ctx.pathParam("full_name"));
    Json.write(ctx, Json.object());
  }

  // ------------------------------------------------------------------ Keel extensions

  private void writeRows(Context ctx) {
    Request b = Request.of(ctx).onlyFields("rows", "mode");
    WriteMode mode = mode(b);
    List<Map<String, Object>> rows = TableJson.rows(b, "rows");
    Json.write(ctx, TableJson.writeResult(tables.write(ctx.pathParam("full_name"), mode, rows)));
  }

  private void writeFile(Context ctx) {
    Request q = Request.ofQuery(ctx);
    String f =
        q.string("format")
            .filter(v -> !v.isEmpty())
            .orElseThrow(
                () ->
                    KeelException.invalid(
                        "'format' is required: csv, parquet or json (newline-delimited)."));
    FileFormat format;
    try {
      format = FileFormat.valueOf(f.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw KeelException.invalid("'format' " + f + " is not one of csv, parquet, json.");
    }
    WriteMode mode = mode(q);
    Path file = spool(ctx);
    try {
      Json.write(
          ctx,
          TableJson.writeResult(tables.writeFile(ctx.pathParam("full_name"), mode, file, format)));
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
      throw new KeelException(ErrorCode.INVALID_ARGUMENT, "could not read the uploaded file", e);
    }
    if (total == 0) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException ignored) {
        // best effort
      }
      throw KeelException.invalid("the request body must hold the file; it is empty.");
    }
    return file;
  }

  private void preview(Context ctx) {
    Request q = Request.ofQuery(ctx);
    int limit = 100;
    OptionalLong l = q.int64("limit");
    if (l.isPresent()) {
      long v = l.getAsLong();
      if (v < 0 || v > TableService.MAX_PREVIEW) {
        throw KeelException.invalid(
            "'limit' must be 0 to " + TableService.MAX_PREVIEW + " (got " + v + ").");
      }
      limit = (int) v;
    }
    List<String> columns = new ArrayList<>();
    String c = q.string("columns").orElse("");
    if (!c.isBlank()) {
      for (String s : c.split(",")) {
        columns.add(s.trim());
      }
    }
    Preview p = tables.preview(ctx.pathParam("full_name"), ref(q), columns, limit);
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
        a.add(TableJson.cell(v));
      }
    }
    Json.write(ctx, n);
  }

  /**
   * Every row of a snapshot as one CSV or Parquet file (no row limit). The file is written to the
   * scratch directory, streamed as the answer and removed; the snapshot read is in the {@code
   * X-Keel-Snapshot-Id} header.
   */
  private void export(Context ctx) {
    Request q = Request.ofQuery(ctx);
    String f =
        q.string("format")
            .filter(v -> !v.isEmpty())
            .orElseThrow(() -> KeelException.invalid("'format' is required: csv or parquet."));
    FileFormat format =
        switch (f.toLowerCase(Locale.ROOT)) {
          case "csv" -> FileFormat.CSV;
          case "parquet" -> FileFormat.PARQUET;
          default -> throw KeelException.invalid("'format' " + f + " is not one of csv, parquet.");
        };
    SnapshotRef ref = ref(q);
    List<String> columns = columns(q);
    Path file;
    try {
      Files.createDirectories(uploads);
      file = uploads.resolve(UUID.randomUUID() + ".export");
    } catch (IOException e) {
      throw new KeelException(ErrorCode.INTERNAL_ERROR, "cannot create the export file");
    }
    try {
      long snapshotId = tables.export(ctx.pathParam("full_name"), ref, columns, format, file);
      ctx.header("X-Keel-Snapshot-Id", Long.toString(snapshotId));
      ctx.contentType(format == FileFormat.CSV ? "text/csv" : "application/vnd.apache.parquet");
      ctx.header("Content-Length", Long.toString(Files.size(file)));
      try (InputStream in = Files.newInputStream(file);
          OutputStream out = ctx.outputStream()) {
        in.transferTo(out);
      }
    } catch (IOException e) {
      throw new KeelException(ErrorCode.INTERNAL_ERROR, "cannot send the export file", e);
    } finally {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        // a leftover export in the scratch directory is removed at the next start
      }
    }
  }

  private static List<String> columns(Request q) {
    List<String> columns = new ArrayList<>();
    String c = q.string("columns").orElse("");
    if (!c.isBlank()) {
      for (String s : c.split(",")) {
        columns.add(s.trim());
      }
    }
    return columns;
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
    Request.of(ctx).onlyFields(); // takes no fields: refuse any rather than ignore it
    OptimizeResult o = tables.optimize(ctx.pathParam("full_name"));
    ObjectNode n = Json.object();
    n.put("snapshot_id", o.snapshotId());
    n.put("files_removed", o.filesRemoved());
    n.put("files_added", o.filesAdded());
    n.put("rows", o.rows());
    n.put("primary_key_unique", o.primaryKeyUnique());
    Json.write(ctx, n);
  }

  private void removeOrphans(Context ctx) {
    Request b = Request.of(ctx);
    long seconds = b.int64("older_than_seconds").orElse(3600);
    if (seconds < 0) {
      throw KeelException.invalid(
          "'older_than_seconds' must not be negative (got " + seconds + ").");
    }
    RemovedFiles r =
        tables.removeOrphans(ctx.pathParam("full_name"), java.time.Duration.ofSeconds(seconds));
    ObjectNode n = Json.object();
    ArrayNode a = n.putArray("removed_files");
    r.files().forEach(a::add);
    n.put("removed_bytes", r.bytes());
    Json.write(ctx, n);
  }

  private void expire(Context ctx) {
    Request b = Request.of(ctx);
    Instant olderThan =
        instant(b, "older_than")
            .orElseThrow(
                () ->
                    KeelException.invalid(
                        "'older_than' is required: an ISO-8601 instant (…Z) or epoch"
                            + " milliseconds."));
    long retain = b.int64("retain_last").orElse(1);
    if (retain < 1 || retain > Integer.MAX_VALUE) {
      throw KeelException.invalid("'retain_last' must be at least 1 (got " + retain + ").");
    }
    ExpireResult r = tables.expireSnapshots(ctx.pathParam("full_name"), olderThan, (int) retain);
    ObjectNode n = Json.object();
    n.put("expired_snapshots", r.snapshotsExpired());
    n.put("snapshots_left", r.snapshotsLeft());
    n.put("deleted_files", r.filesDeleted());
    Json.write(ctx, n);
  }

  private void count(Context ctx) {
    ObjectNode n = Json.object();
    n.put("count", tables.count(ctx.pathParam("full_name"), ref(Request.ofQuery(ctx))));
    Json.write(ctx, n);
  }

  // ------------------------------------------------------------------ parsing

  /** An instant given as an ISO-8601 string or epoch milliseconds. */
  private static Optional<Instant> instant(Request q, String field) {
    if (q.json(field).filter(JsonNode::isIntegralNumber).isPresent()) { // epoch ms as a number
      return Optional.of(Instant.ofEpochMilli(q.int64(field).getAsLong()));
    }
    Optional<String> v = q.string(field).filter(x -> !x.isEmpty());
    if (v.isEmpty()) {
      return Optional.empty();
    }
    String t = v.get();
    if (t.chars().allMatch(Character::isDigit)) {
      return Optional.of(Instant.ofEpochMilli(q.int64(field).getAsLong()));
    }
    try {
      return Optional.of(Instant.parse(t));
    } catch (DateTimeParseException e) {
      throw KeelException.invalid(
          "'" + field + "' " + t + " is neither epoch milliseconds nor an ISO-8601 instant (…Z).");
    }
  }

  /** {@code snapshot_id} or {@code as_of} (ISO-8601 instant or epoch milliseconds); else latest. */
  private static SnapshotRef ref(Request q) {
    OptionalLong id = q.int64("snapshot_id");
    Optional<String> asOf = q.string("as_of").filter(s -> !s.isEmpty());
    if (id.isPresent() && asOf.isPresent()) {
      throw KeelException.invalid("give 'snapshot_id' or 'as_of', not both.");
    }
    if (id.isPresent()) {
      return SnapshotRef.id(id.getAsLong());
    }
    if (asOf.isPresent()) {
      String t = asOf.get();
      if (t.chars().allMatch(Character::isDigit)) {
        return SnapshotRef.asOf(Instant.ofEpochMilli(q.int64("as_of").getAsLong()));
      }
      try {
        return SnapshotRef.asOf(Instant.parse(t));
      } catch (DateTimeParseException e) {
        throw KeelException.invalid(
            "'as_of' " + t + " is neither epoch milliseconds nor an ISO-8601 instant (…Z).");
      }
    }
    return SnapshotRef.latest();
  }

  /** {@code mode}: append (default), overwrite or upsert. */
  private static WriteMode mode(Request r) {
    String v = r.string("mode").orElse("append");
    try {
      return WriteMode.valueOf(v.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw KeelException.invalid("'mode' " + v + " is not one of append, overwrite, upsert.");
    }
  }
}
