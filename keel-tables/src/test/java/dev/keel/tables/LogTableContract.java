package dev.keel.tables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.catalog.CatalogService;
import dev.keel.catalog.JdbcCatalogStore;
import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.store.Database;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Append-only log tables (partitioned by day, cursor in the snapshots), on every database. */
abstract class LogTableContract {
  static final String LOG = "ops.logs.events";
  static final String CURSOR = "test.last-id";

  @TempDir Path dir;
  Database db;
  TableService tables;

  abstract Database open(Path dir);

  @BeforeEach
  void setUp() {
    db = open(dir);
    CatalogService catalog =
        new CatalogService(
            new JdbcCatalogStore(db, List.of(TableService.schemaContents(dir))), Clock.systemUTC());
    tables = new TableService(db, catalog, dir, Clock.systemUTC());
    catalog.createCatalog("ops", Optional.empty(), Map.of());
    catalog.createSchema("ops", "logs", Optional.empty(), Map.of());
    tables.createLog(
        TableSpec.of(
            "ops",
            "logs",
            "events",
            List.of(
                Column.of("event_date", ColumnType.DATE),
                Column.of("id", ColumnType.LONG),
                Column.of("what", ColumnType.STRING))),
        "event_date",
        "System user");
  }

  @AfterEach
  void tearDown() {
    tables.close();
    db.close();
  }

  static Map<String, Object> row(String day, long id) {
    return Map.of("event_date", day, "id", id, "what", "e" + id);
  }

  static ErrorCode code(Throwable t) {
    assertThat(t).isInstanceOf(KeelException.class);
    return ((KeelException) t).code();
  }

  @Test
  void rows_and_cursor_commit_together_one_file_per_day() throws Exception {
    assertThat(tables.logCursor(LOG, CURSOR)).isEmpty();
    tables.appendLog(
        LOG,
        List.of(row("2026-12-06", 1), row("2026-12-07", 2), row("2026-12-06", 3)),
        CURSOR,
        Optional.empty(),
        "3");
    assertThat(tables.logCursor(LOG, CURSOR)).contains("3");
    TableSnapshot snap = tables.resolve(LOG, SnapshotRef.latest());
    assertThat(snap.dataFiles()).hasSize(2);
    assertThat(snap.dataFiles())
        .allSatisfy(f -> assertThat(f.toString()).contains("/data/")); // inside the table
    assertThat(tables.count(LOG, SnapshotRef.latest())).isEqualTo(3);
    // DuckDB reads the snapshot's files as written, each day's rows in their order
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT CAST(event_date AS VARCHAR) || ':' || id FROM read_parquet(["
                    + snap.dataFiles().stream()
                        .map(f -> "'" + f + "'")
                        .collect(Collectors.joining(","))
                    + "]) ORDER BY id")) {
      StringBuilder sb = new StringBuilder();
      while (rs.next()) {
        sb.append(rs.getString(1)).append(' ');
      }
      assertThat(sb.toString().trim()).isEqualTo("2026-12-06:1 2026-12-07:2 2026-12-06:3");
    }
  }

  /**
   * Iceberg's metadata, manifests and manifest lists are written with plain file access: Hadoop's
   * local file system wrote a {@code .crc} beside each and forked a {@code chmod} for both, which
   * was most of the CPU of a small append (the audit table's export).
   */
  @Test
  void an_append_writes_its_metadata_without_hadoop_checksum_files() throws Exception {
    tables.appendLog(LOG, List.of(row("2026-12-06", 1)), CURSOR, Optional.empty(), "1");
    tables.appendLog(LOG, List.of(row("2026-12-07", 2)), CURSOR, Optional.of("1"), "2");
    assertThat(tables.count(LOG, SnapshotRef.latest())).isEqualTo(2);
    List<String> files;
    try (var walk = java.nio.file.Files.walk(dir)) {
      files =
          walk.filter(java.nio.file.Files::isRegularFile)
              .map(f -> dir.relativize(f).toString())
              .filter(f -> f.contains("warehouse"))
              .toList();
    }
    assertThat(files)
        .anyMatch(f -> f.endsWith(".metadata.json"))
        .anyMatch(f -> f.endsWith(".avro"))
        .noneMatch(f -> f.endsWith(".crc"));
  }

  @Test
  void a_writer_whose_cursor_is_stale_writes_nothing() {
    tables.appendLog(LOG, List.of(row("2026-12-06", 1)), CURSOR, Optional.empty(), "1");
    long before = tables.resolve(LOG, SnapshotRef.latest()).snapshotId();
    assertThatThrownBy(
            () ->
                tables.appendLog(LOG, List.of(row("2026-12-06", 1)), CURSOR, Optional.empty(), "1"))
        .satisfies(e -> assertThat(code(e)).isEqualTo(ErrorCode.CONFLICT))
        .hasMessageContaining(CURSOR);
    assertThat(tables.resolve(LOG, SnapshotRef.latest()).snapshotId()).isEqualTo(before);
    assertThat(tables.count(LOG, SnapshotRef.latest())).isEqualTo(1);
    // the next batch from the right cursor goes through
    tables.appendLog(LOG, List.of(row("2026-12-06", 2)), CURSOR, Optional.of("1"), "2");
    assertThat(tables.count(LOG, SnapshotRef.latest())).isEqualTo(2);
  }

  @Test
  void ordinary_writes_staging_and_optimize_refuse_a_log_table() {
    for (Runnable write :
        List.<Runnable>of(
            () -> tables.write(LOG, WriteMode.APPEND, List.of(row("2026-12-06", 1))),
            () -> tables.stage(LOG).close(),
            () -> tables.optimize(LOG))) {
      assertThatThrownBy(write::run)
          .satisfies(e -> assertThat(code(e)).isEqualTo(ErrorCode.INVALID_ARGUMENT))
          .hasMessageContaining("append-only log partitioned by event_date");
    }
    assertThatThrownBy(
            () ->
                tables.appendLog(
                    LOG,
                    List.of(Map.of("id", 1L, "what", "no day")),
                    CURSOR,
                    Optional.empty(),
                    "1"))
        .satisfies(e -> assertThat(code(e)).isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessageContaining("event_date");
    assertThat(tables.count(LOG, SnapshotRef.latest())).isZero();
    assertThat(tables.logCursor(LOG, CURSOR)).isEmpty();
  }

  @Test
  void old_days_are_deleted_by_partition_and_the_cursor_stays() {
    tables.appendLog(
        LOG,
        List.of(row("2026-01-01", 1), row("2026-01-02", 2), row("2026-01-03", 3)),
        CURSOR,
        Optional.empty(),
        "3");
    assertThat(tables.deleteLogBefore(LOG, LocalDate.parse("2026-01-03"), CURSOR)).isEqualTo(2);
    assertThat(tables.count(LOG, SnapshotRef.latest())).isEqualTo(1);
    assertThat(tables.resolve(LOG, SnapshotRef.latest()).dataFiles()).hasSize(1);
    assertThat(tables.logCursor(LOG, CURSOR)).contains("3");
    long snapshots = tables.history(LOG).size();
    assertThat(tables.deleteLogBefore(LOG, LocalDate.parse("2026-01-03"), CURSOR)).isZero();
    assertThat(tables.history(LOG)).hasSize((int) snapshots); // nothing to delete: no commit
  }

  @Test
  void a_log_needs_a_date_column_to_partition_by() {
    assertThatThrownBy(
            () ->
                tables.createLog(
                    TableSpec.of("ops", "logs", "bad", List.of(Column.of("id", ColumnType.LONG))),
                    "id",
                    "System user"))
        .satisfies(e -> assertThat(code(e)).isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessageContaining("'id' must be a DATE column");
  }
}
