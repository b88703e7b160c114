package dev.keel.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.core.Page;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * Tables in Keel's catalog, stored as Apache Iceberg tables: Unity Catalog's tables API ({@code
 * /api/2.1/unity-catalog/tables}) and Keel's extensions ({@code /api/2.0/keel/tables/{name}/...})
 * for writing rows and files, previews with time travel, counts and history. Get one from {@link
 * KeelClient#tables()}.
 *
 * <pre>{@code
 * TablesClient tables = keel.tables();
 * tables.create(NewTable.of("main.default.users",
 *         List.of(ColumnInfo.of("id", "LONG"), ColumnInfo.of("city", "STRING")))
 *     .withPrimaryKeys("id"));
 * tables.writeRows("main.default.users", WriteMode.UPSERT, List.of(Map.of("id", 1, "city", "Paris")));
 * tables.writeFile("main.default.users", WriteMode.APPEND, Path.of("more.csv"));
 * Preview p = tables.preview("main.default.users", TableRead.latest(10));
 * }</pre>
 *
 * <p>Every call throws {@link KeelClientException} with the server's error code and message on
 * failure (e.g. {@code INVALID_ARGUMENT} naming the bad column); a failed write changes nothing.
 */
public final class TablesClient {
  private static final String UC = "/api/2.1/unity-catalog/tables";
  private static final String KEEL = "/api/2.0/keel/tables/";

  private final Transport http;

  TablesClient(KeelClient client) {
    this.http = new Transport(client);
  }

  /**
   * Creates a managed table. The schema must exist.
   *
   * @throws KeelClientException {@code ALREADY_EXISTS}, {@code NOT_FOUND} (schema), {@code
   *     INVALID_ARGUMENT} (bad name, type, or key)
   */
  public TableInfo create(NewTable spec) {
    String[] parts = parts(spec.fullName());
    ObjectNode b = KeelJson.object();
    b.put("catalog_name", parts[0]);
    b.put("schema_name", parts[1]);
    b.put("name", parts[2]);
    b.put("table_type", "MANAGED");
    b.put("data_source_format", "ICEBERG");
    ArrayNode cols = b.putArray("columns");
    for (int i = 0; i < spec.columns().size(); i++) {
      ColumnInfo c = spec.columns().get(i);
      ObjectNode o = cols.addObject();
      o.put("name", c.name());
      o.put("type_text", c.typeText());
      o.put("type_name", c.typeName());
      o.put("position", i);
      o.put("nullable", c.nullable());
      c.comment().ifPresent(t -> o.put("comment", t));
    }
    ArrayNode pk = b.putArray("primary_keys");
    spec.primaryKeys().forEach(pk::add);
    spec.timeseriesKey().ifPresent(k -> b.put("timeseries_key", k));
    b.put("ingestion_time", spec.ingestionTime());
    if (!spec.comment().isEmpty()) {
      b.put("comment", spec.comment());
    }
    if (!spec.properties().isEmpty()) {
      b.set("properties", KeelJson.properties(spec.properties()));
    }
    return Values.table(http.json("POST", UC, Map.of(), b, false));
  }

  /** The table {@code catalog.schema.table}; {@code NOT_FOUND} if there is none. */
  public TableInfo get(String fullName) {
    return Values.table(http.json("GET", UC + "/" + seg(fullName), Map.of(), null, true));
  }

  /**
   * One page of the tables of a schema, by name.
   *
   * @param maxResults page size; 0 for the server's default
   * @param pageToken {@code ""} for the first page, else a previous page's token
   */
  public Page<TableInfo> list(
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
    JsonNode resp = http.json("GET", UC, q, null, true);
    List<TableInfo> items = new ArrayList<>();
    resp.path("tables").forEach(t -> items.add(Values.table(t)));
    return new Page<>(items, Values.text(resp, "next_page_token").filter(s -> !s.isEmpty()));
  }

  /** Every table of a schema, fetching pages as the list is built. */
  public List<TableInfo> listAll(String catalogName, String schemaName) {
    List<TableInfo> all = new ArrayList<>();
    String token = "";
    do {
      Page<TableInfo> p = list(catalogName, schemaName, 0, token);
      all.addAll(p.items());
      token = p.nextPageToken().orElse("");
    } while (!token.isEmpty());
    return List.copyOf(all);
  }

  /** Deletes the table and its data; {@code NOT_FOUND} if there is none. */
  public void delete(String fullName) {
    http.json("DELETE", UC + "/" + seg(fullName), Map.of(), null, false);
  }

  /**
   * Writes rows given as column → value maps (values: numbers, strings, booleans, {@link Instant},
   * {@link java.time.LocalDate}, {@code byte[]}, null). Timestamps given as strings need a zone.
   *
   * @throws KeelClientException {@code INVALID_ARGUMENT} for unknown columns, wrong types, or
   *     duplicate primary keys in one upsert; nothing is written then
   */
  public WriteResult writeRows(
      String fullName, WriteMode mode, List<? extends Map<String, ?>> rows) {
    ObjectNode b = KeelJson.object();
    b.put("mode", mode.name().toLowerCase(Locale.ROOT));
    b.set("rows", rowsJson(rows));
    return Values.writeResult(
        http.json("POST", KEEL + seg(fullName) + "/rows", Map.of(), b, false));
  }

  /** Uploads a local file, its format told by its extension ({@link FileFormat#of}). */
  public WriteResult writeFile(String fullName, WriteMode mode, Path file) {
    return writeFile(fullName, mode, file, FileFormat.of(file));
  }

  /**
   * Uploads a local CSV (with a header), Parquet or newline-delimited JSON file; the file is
   * streamed from disk as the request body (at most 256 MiB).
   */
  public WriteResult writeFile(String fullName, WriteMode mode, Path file, FileFormat format) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("'" + file + "' is not a readable file");
    }
    Map<String, List<String>> q = new LinkedHashMap<>();
    q.put("format", List.of(format.name().toLowerCase(Locale.ROOT)));
    q.put("mode", List.of(mode.name().toLowerCase(Locale.ROOT)));
    return Values.writeResult(http.upload(KEEL + seg(fullName) + "/files", q, file));
  }

  /** Up to {@code limit} rows of the latest version. */
  public Preview preview(String fullName, int limit) {
    return preview(fullName, TableRead.latest(limit));
  }

  /** Rows of the version and columns {@code read} names. */
  public Preview preview(String fullName, TableRead read) {
    Map<String, List<String>> q = ref(read);
    q.put("limit", List.of(Integer.toString(read.limit())));
    if (!read.columns().isEmpty()) {
      q.put("columns", List.of(String.join(",", read.columns())));
    }
    JsonNode resp = http.json("GET", KEEL + seg(fullName) + "/preview", q, null, true);
    List<List<Object>> rows = new ArrayList<>();
    resp.path("rows").forEach(r -> rows.add(Values.row(r)));
    return new Preview(
        resp.path("snapshot_id").asLong(), Values.columns(resp.path("columns")), rows);
  }

  /**
   * Writes every row (no row limit) of the version and columns {@code read} names to {@code target}
   * as CSV with a header line or as Parquet, streamed (never held in memory). {@code target} is
   * replaced only once the whole file has arrived. Returns the snapshot written; {@code read}'s
   * limit is ignored.
   *
   * @throws IllegalArgumentException if {@code format} is JSON
   */
  public long export(String fullName, TableRead read, FileFormat format, Path target) {
    if (format == FileFormat.JSON) {
      throw new IllegalArgumentException("export format must be CSV or PARQUET");
    }
    Map<String, List<String>> q = ref(read);
    q.put("format", List.of(format.name().toLowerCase(Locale.ROOT)));
    if (!read.columns().isEmpty()) {
      q.put("columns", List.of(String.join(",", read.columns())));
    }
    Path abs = target.toAbsolutePath();
    Path dir = abs.getParent();
    Path part = dir.resolve("." + abs.getFileName() + "." + UUID.randomUUID() + ".part");
    Map<String, List<String>> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    try (InputStream in = http.get(KEEL + seg(fullName) + "/export", q, headers)) {
      Files.copy(in, part);
      Files.move(part, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw KeelClientException.local(
          KeelClientException.IO_ERROR, "cannot write '" + target + "': " + e.getMessage(), e);
    } finally {
      try {
        Files.deleteIfExists(part);
      } catch (IOException ignored) {
        // best effort
      }
    }
    List<String> id = headers.getOrDefault("X-Keel-Snapshot-Id", List.of());
    return id.isEmpty() ? -1 : Long.parseLong(id.get(0));
  }

  /** The number of rows in the latest version. */
  public long count(String fullName) {
    return count(fullName, TableRead.latest(0));
  }

  /** The number of rows in the version {@code read} names (its limit and columns are ignored). */
  public long count(String fullName, TableRead read) {
    return http.json("GET", KEEL + seg(fullName) + "/count", ref(read), null, true)
        .path("count")
        .asLong();
  }

  /** Every snapshot of the table, newest first. */
  public List<Snapshot> history(String fullName) {
    JsonNode resp = http.json("GET", KEEL + seg(fullName) + "/history", Map.of(), null, true);
    List<Snapshot> out = new ArrayList<>();
    for (JsonNode s : resp.path("snapshots")) {
      out.add(
          new Snapshot(
              s.path("snapshot_id").asLong(),
              s.hasNonNull("parent_id")
                  ? OptionalLong.of(s.path("parent_id").asLong())
                  : OptionalLong.empty(),
              Instant.ofEpochMilli(s.path("committed_at").asLong()),
              KeelJson.text(s, "operation"),
              s.path("added_rows").asLong(),
              s.path("deleted_rows").asLong(),
              s.path("added_files").asLong(),
              s.path("deleted_files").asLong(),
              s.path("total_rows").asLong(),
              s.path("primary_key_unique").asBoolean()));
    }
    return List.copyOf(out);
  }

  /**
   * Rewrites the table's data files as one file sorted by its primary key (Databricks' {@code
   * OPTIMIZE}) and marks the key unique if no two rows share it; rows do not change. Nothing is
   * written if the table is empty or already one file that is marked, has no key, or was written by
   * an earlier optimize.
   */
  public OptimizeResult optimize(String fullName) {
    JsonNode r =
        http.json("POST", KEEL + seg(fullName) + "/optimize", Map.of(), KeelJson.object(), true);
    return new OptimizeResult(
        r.path("snapshot_id").asLong(),
        r.path("files_removed").asInt(),
        r.path("files_added").asInt(),
        r.path("rows").asLong(),
        r.path("primary_key_unique").asBoolean());
  }

  /**
   * Removes the table's data files that no snapshot holds and the metadata files its history does
   * not reach (left by killed or failed writes and commits) that are older than its last commit and
   * than {@code olderThan} (at least a minute: a younger file may belong to a write about to
   * commit). Rows do not change.
   */
  public RemovedFiles removeOrphans(String fullName, java.time.Duration olderThan) {
    ObjectNode body = KeelJson.object().put("older_than_seconds", olderThan.toSeconds());
    JsonNode r = http.json("POST", KEEL + seg(fullName) + "/remove-orphans", Map.of(), body, true);
    List<String> files = new java.util.ArrayList<>();
    r.path("removed_files").forEach(f -> files.add(f.asText()));
    return new RemovedFiles(files, r.path("removed_bytes").asLong());
  }

  /**
   * Expires the table's snapshots committed before {@code olderThan}, keeping the {@code
   * retainLast} newest (at least 1; the current snapshot always stays), and deletes the data files
   * only expired snapshots held. Time travel to an expired snapshot then fails with not found.
   */
  public ExpireResult expireSnapshots(String fullName, Instant olderThan, int retainLast) {
    ObjectNode body =
        KeelJson.object().put("older_than", olderThan.toString()).put("retain_last", retainLast);
    JsonNode r =
        http.json("POST", KEEL + seg(fullName) + "/expire-snapshots", Map.of(), body, true);
    return new ExpireResult(
        r.path("expired_snapshots").asInt(),
        r.path("snapshots_left").asInt(),
        r.path("deleted_files").asLong());
  }

  static ArrayNode rowsJson(List<? extends Map<String, ?>> rows) {
    ArrayNode a = KeelJson.array();
    for (int i = 0; i < rows.size(); i++) {
      ObjectNode o = a.addObject();
      int row = i;
      rows.get(i).forEach((k, v) -> o.set(k, Values.toJson(v, "rows[" + row + "]." + k)));
    }
    return a;
  }

  private static Map<String, List<String>> ref(TableRead read) {
    Map<String, List<String>> q = new LinkedHashMap<>();
    read.snapshotId().ifPresent(id -> q.put("snapshot_id", List.of(Long.toString(id))));
    read.asOf().ifPresent(t -> q.put("as_of", List.of(t.toString())));
    return q;
  }

  private static String seg(String fullName) {
    return Transport.segment(fullName, "fullName");
  }

  private static String[] parts(String fullName) {
    String[] p = Objects.requireNonNull(fullName, "fullName").split("\\.", -1);
    if (p.length != 3) {
      throw new IllegalArgumentException(
          "table name '" + fullName + "' must be catalog.schema.table");
    }
    return p;
  }
}
