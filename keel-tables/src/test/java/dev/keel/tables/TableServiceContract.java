package dev.keel.tables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.catalog.CatalogService;
import dev.keel.catalog.Changes;
import dev.keel.catalog.JdbcCatalogStore;
import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.core.Page;
import dev.keel.store.Database;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The table service's behaviour, run on every database Keel supports. */
abstract class TableServiceContract {
  @TempDir Path dir;
  Database db;
  CatalogService catalog;
  TableService tables;

  /** A clock that moves 1 s forward every time it is read, so snapshots are ordered in time. */
  final AtomicLong millis = new AtomicLong(1_700_000_000_000L);

  final Clock clock =
      new Clock() {
        @Override
        public ZoneId getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
          return this;
        }

        @Override
        public Instant instant() {
          return Instant.ofEpochMilli(millis.addAndGet(1000));
        }
      };

  abstract Database open(Path dir);

  @BeforeEach
  void setUp() {
    db = open(dir);
    catalog =
        new CatalogService(
            new JdbcCatalogStore(db, List.of(TableService.schemaContents(dir))), clock);
    tables = new TableService(db, catalog, dir, clock);
  }

  @AfterEach
  void tearDown() {
    tables.close();
    db.close();
  }

  static ErrorCode code(Throwable t) {
    assertThat(t).isInstanceOf(KeelException.class);
    return ((KeelException) t).code();
  }

  static Map<String, Object> row(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  TableInfo createPrices() {
    return tables.create(
        new TableSpec(
            "main",
            "default",
            "Prices",
            List.of(
                Column.of("id", ColumnType.LONG),
                Column.of("ts", ColumnType.TIMESTAMP),
                Column.of("price", ColumnType.DOUBLE),
                Column.of("name", ColumnType.STRING)),
            List.of("id"),
            Optional.of("ts"),
            true,
            Optional.of("daily prices"),
            Map.of("team", "ml")));
  }

  List<Map<String, Object>> all(String table) {
    Preview p = tables.preview(table, SnapshotRef.latest(), List.of(), TableService.MAX_PREVIEW);
    List<Map<String, Object>> out = new ArrayList<>();
    for (List<Object> r : p.rows()) {
      Map<String, Object> m = new HashMap<>();
      for (int i = 0; i < p.columns().size(); i++) {
        m.put(p.columns().get(i).name(), r.get(i));
      }
      out.add(m);
    }
    out.sort((a, b) -> Long.compare((Long) a.get("id"), (Long) b.get("id")));
    return out;
  }

  @Test
  void create_get_and_list_a_table() {
    TableInfo t = createPrices();
    assertThat(t.fullName()).isEqualTo("main.default.prices");
    assertThat(t.columns())
        .extracting(Column::name)
        .containsExactly("id", "ts", "price", "name", "_ingested_at");
    assertThat(t.columns().get(0).nullable()).isFalse();
    assertThat(t.primaryKeys()).containsExactly("id");
    assertThat(t.timeseriesKey()).contains("ts");
    assertThat(t.comment()).contains("daily prices");
    assertThat(t.properties()).containsExactly(Map.entry("team", "ml"));
    assertThat(t.storageLocation()).startsWith("file:");
    assertThat(tables.get("MAIN.default.PRICES").tableId()).isEqualTo(t.tableId());
    assertThat(tables.count(t.fullName(), SnapshotRef.latest())).isZero();
    assertThat(tables.resolve(t.fullName(), SnapshotRef.latest()).dataFiles()).isEmpty();

    assertThatThrownBy(this::createPrices)
        .satisfies(e -> assertThat(code(e)).isEqualTo(ErrorCode.ALREADY_EXISTS));
    for (String n : List.of("b", "c", "a")) {
      tables.create(TableSpec.of("main", "default", n, List.of(Column.of("x", ColumnType.INT))));
    }
    Page<TableInfo> p1 = tables.list("main", "default", OptionalLong.of(2), Optional.empty());
    assertThat(p1.items()).extracting(TableInfo::name).containsExactly("a", "b");
    Page<TableInfo> p2 = tables.list("main", "default", OptionalLong.of(2), p1.nextPageToken());
    assertThat(p2.items()).extracting(TableInfo::name).containsExactly("c", "prices");
    assertThat(p2.nextPageToken()).isEmpty();
  }

  @Test
  void create_refuses_bad_specs_and_unknown_schema() {
    List<Column> cols = List.of(Column.of("id", ColumnType.LONG));
    assertThatThrownBy(() -> tables.create(TableSpec.of("main", "nope", "t", cols)))
        .satisfies(e -> assertThat(code(e)).isEqualTo(ErrorCode.NOT_FOUND));
    assertThatThrownBy(() -> tables.create(TableSpec.of("main", "default", "a.b", cols)))
        .hasMessageContaining("period");
    assertThatThrownBy(
            () ->
                tables.create(
                    TableSpec.of(
                        "main",
                        "default",
                        "t",
                        List.of(Column.of("_ingested_at", ColumnType.LONG)))))
        .hasMessageContaining("system column");
    assertThatThrownBy(
            () ->
                tables.create(
                    TableSpec.of(
                        "main", "default", "t", List.of(Column.of("__x", ColumnType.LONG)))))
        .hasMessageContaining("reserved");
    assertThatThrownBy(
            () ->
                tables.create(
                    new TableSpec(
                        "main",
                        "default",
                        "t",
                        cols,
                        List.of("nope"),
                        Optional.empty(),
                        false,
                        Optional.empty(),
                        Map.of())))
        .hasMessageContaining("unknown column 'nope'");
    assertThatThrownBy(
            () ->
                tables.create(
                    TableSpec.of(
                        "main",
                        "default",
                        "t",
                        List.of(Column.of("a", ColumnType.INT), Column.of("A", ColumnType.INT)))))
        .hasMessageContaining("twice");
    assertThat(tables.list("main", "default", OptionalLong.empty(), Optional.empty()).items())
        .isEmpty();
  }

  @Test
  void append_then_read_the_snapshot_files_and_rows() throws Exception {
    TableInfo t = createPrices();
    WriteResult w =
        tables.write(
            t.fullName(),
            WriteMode.APPEND,
            List.of(
                row("id", 1L, "ts", "2024-01-01T00:00:00Z", "price", 1.5, "name", "a"),
                row("id", 2, "ts", "2024-01-02T00:00:00.123456+02:00", "price", 2, "name", null)));
    assertThat(w.rowsAdded()).isEqualTo(2);
    assertThat(tables.count(t.fullName(), SnapshotRef.latest())).isEqualTo(2);
    TableSnapshot s = tables.resolve(t.fullName(), SnapshotRef.latest());
    assertThat(s.snapshotId()).isEqualTo(w.snapshotId());
    assertThat(s.dataFiles()).hasSize(1);
    assertThat(Files.exists(s.dataFiles().get(0))).isTrue();
    assertThat(s.primaryKeys()).containsExactly("id");
    List<Map<String, Object>> rows = all(t.fullName());
    assertThat(rows.get(0))
        .containsEntry("ts", Instant.parse("2024-01-01T00:00:00Z"))
        .containsEntry("price", 1.5)
        .containsEntry("name", "a");
    assertThat(rows.get(1))
        .containsEntry("ts", Instant.parse("2024-01-01T22:00:00.123456Z"))
        .containsEntry("name", null);
    assertThat(rows.get(0).get("_ingested_at")).isInstanceOf(Instant.class);

    Preview proj = tables.preview(t.fullName(), SnapshotRef.latest(), List.of("NAME"), 1);
    assertThat(proj.columns()).extracting(Column::name).containsExactly("name");
    assertThat(proj.rows()).hasSize(1);
  }

  @Test
  void all_types_round_trip() {
    String t =
        tables
            .create(
                TableSpec.of(
                    "main",
                    "default",
                    "types",
                    List.of(
                        Column.of("id", ColumnType.LONG),
                        Column.of("b", ColumnType.BOOLEAN),
                        Column.of("i", ColumnType.INT),
                        Column.of("f", ColumnType.FLOAT),
                        Column.of("d", ColumnType.DATE),
                        Column.of("bin", ColumnType.BINARY),
                        Column.of("dec", ColumnType.decimal(10, 2)))))
            .fullName();
    tables.write(
        t,
        WriteMode.APPEND,
        List.of(
            row(
                "id",
                1L,
                "b",
                true,
                "i",
                7,
                "f",
                0.5,
                "d",
                "2024-02-29",
                "bin",
                "AAE=",
                "dec",
                "12.3")));
    Map<String, Object> r = all(t).get(0);
    assertThat(r)
        .containsEntry("b", true)
        .containsEntry("i", 7)
        .containsEntry("f", 0.5f)
        .containsEntry("d", LocalDate.of(2024, 2, 29))
        .containsEntry("dec", new BigDecimal("12.30"));
    assertThat((byte[]) r.get("bin")).containsExactly(0, 1);
  }

  @Test
  void commits_are_heard_and_the_current_snapshot_is_read_back() {
    List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
    tables.addCommitListener((name, snapshotId, at) -> heard.add(name + "@" + snapshotId));
    tables.addCommitListener(
        (name, snapshotId, at) -> {
          throw new IllegalStateException("a failing listener never fails the write");
        });
    String t = createPrices().fullName();
    assertThat(heard).as("creating a table commits no data").isEmpty();
    Snapshot created = tables.currentSnapshot(t).orElseThrow();
    WriteResult w =
        tables.write(t, WriteMode.APPEND, List.of(row("id", 1, "ts", "2024-01-01T00:00:00Z")));
    assertThat(heard).containsExactly(t + "@" + w.snapshotId());
    Snapshot now = tables.currentSnapshot(t).orElseThrow();
    assertThat(now.snapshotId()).isEqualTo(w.snapshotId()).isNotEqualTo(created.snapshotId());
    assertThat(now).isEqualTo(tables.history(t).get(0));
    tables.write(t, WriteMode.APPEND, List.of());
    assertThat(heard).as("a write that commits nothing is not heard").hasSize(1);
    tables.write(t, WriteMode.APPEND, List.of(row("id", 2, "ts", "2024-01-02T00:00:00Z")));
    OptimizeResult o = tables.optimize(t); // two files become one
    assertThat(heard).hasSize(3).last().isEqualTo(t + "@" + o.snapshotId());
    assertThat(tables.currentSnapshot("main.default.nope")).isEmpty();
  }

  @Test
  void overwrite_replaces_all_rows_and_time_travel_reads_old_snapshots() {
    String t = createPrices().fullName();
    WriteResult first =
        tables.write(t, WriteMode.APPEND, List.of(row("id", 1, "ts", "2024-01-01T00:00:00Z")));
    Instant afterFirst = tables.history(t).get(0).committedAt();
    WriteResult second =
        tables.write(
            t,
            WriteMode.OVERWRITE,
            List.of(row("id", 5, "ts", "2024-01-01T00:00:00Z"), row("id", 6, "ts", null)));
    assertThat(second.rowsDeleted()).isEqualTo(1);
    assertThat(all(t)).extracting(m -> m.get("id")).containsExactly(5L, 6L);
    assertThat(tables.count(t, SnapshotRef.id(first.snapshotId()))).isEqualTo(1);
    assertThat(tables.count(t, SnapshotRef.asOf(afterFirst))).isEqualTo(1);
    assertThat(tables.preview(t, SnapshotRef.id(first.snapshotId()), List.of("id"), 10).rows())
        .containsExactly(List.of(1L));
    assertThat(tables.resolve(t, SnapshotRef.asOf(Instant.now().plusSeconds(3600))).snapshotId())
        .isEqualTo(second.snapshotId());
    assertThatThrownBy(() -> tables.count(t, SnapshotRef.asOf(Instant.ofEpochMilli(1_000))))
        .satisfies(e -> assertThat(code(e)).isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessageContaining("before the first snapshot");
    assertThatThrownBy(() -> tables.count(t, SnapshotRef.id(42)))
        .satisfies(e -> assertThat(code(e)).isEqualTo(ErrorCode.NOT_FOUND));

    List<Snapshot> h = tables.history(t);
    assertThat(h).hasSize(3);
    assertThat(h.get(0).snapshotId()).isEqualTo(second.snapshotId());
    assertThat(h.get(0).operation()).isEqualTo("overwrite");
    assertThat(h.get(0).addedRows()).isEqualTo(2);
    assertThat(h.get(0).deletedRows()).isEqualTo(1);
    assertThat(h.get(0).parentId()).hasValue(first.snapshotId());
    assertThat(h.get(1).operation()).isEqualTo("append");
  }

  @Test
  void upsert_replaces_matching_keys_and_carried_over_rows_keep_their_ingestion_time() {
    String t = createPrices().fullName();
    tables.write(
        t,
        WriteMode.APPEND,
        List.of(
            row("id", 1, "price", 1.0), row("id", 2, "price", 2.0), row("id", 3, "price", 3.0)));
    tables.write(t, WriteMode.APPEND, List.of(row("id", 4, "price", 4.0)));
    Map<Long, Object> before = new HashMap<>();
    all(t).forEach(r -> before.put((Long) r.get("id"), r.get("_ingested_at")));

    WriteResult u =
        tables.write(
            t, WriteMode.UPSERT, List.of(row("id", 2, "price", 20.0), row("id", 9, "price", 9.0)));
    assertThat(u.rowsAdded()).isEqualTo(2);
    assertThat(u.rowsDeleted()).isEqualTo(1);
    List<Map<String, Object>> rows = all(t);
    assertThat(rows).extracting(r -> r.get("id")).containsExactly(1L, 2L, 3L, 4L, 9L);
    assertThat(rows).extracting(r -> r.get("price")).containsExactly(1.0, 20.0, 3.0, 4.0, 9.0);
    Map<Long, Object> after = new HashMap<>();
    rows.forEach(r -> after.put((Long) r.get("id"), r.get("_ingested_at")));
    assertThat(after.get(1L)).isEqualTo(before.get(1L));
    assertThat(after.get(3L)).isEqualTo(before.get(3L));
    assertThat(after.get(4L)).isEqualTo(before.get(4L));
    assertThat((Instant) after.get(2L)).isAfter((Instant) before.get(2L));
    assertThat(tables.count(t, SnapshotRef.latest())).isEqualTo(5);
    // the untouched file (id 4) is kept, the rewritten one replaced, the new rows added
    assertThat(tables.history(t).get(0).deletedFiles()).isEqualTo(1);
    assertThat(tables.resolve(t, SnapshotRef.latest()).dataFiles()).hasSize(3);
  }

  @Test
  void snapshots_are_marked_key_unique_only_when_the_writes_guarantee_it() {
    String t = createPrices().fullName();
    java.util.function.Supplier<Boolean> unique =
        () -> tables.resolve(t, SnapshotRef.latest()).primaryKeyUnique();
    tables.write(t, WriteMode.APPEND, List.of(row("id", 1), row("id", 2)));
    assertThat(unique.get()).as("distinct keys appended to an empty table").isTrue();
    assertThat(tables.history(t).get(0).operation()).isEqualTo("append");
    long first = tables.history(t).get(0).snapshotId();
    tables.write(t, WriteMode.UPSERT, List.of(row("id", 2, "price", 2.5), row("id", 3)));
    assertThat(unique.get()).as("an upsert into a unique snapshot").isTrue();
    tables.write(t, WriteMode.APPEND, List.of(row("id", 4)));
    assertThat(unique.get()).as("an append to rows already there").isFalse();
    tables.write(t, WriteMode.UPSERT, List.of(row("id", 5)));
    assertThat(unique.get()).as("an upsert keeps what it found").isFalse();
    tables.write(t, WriteMode.OVERWRITE, List.of(row("id", 7), row("id", 7)));
    assertThat(unique.get()).as("an overwrite with a repeated key").isFalse();
    tables.write(t, WriteMode.OVERWRITE, List.of(row("id", 7), row("id", 8)));
    assertThat(unique.get()).as("an overwrite with distinct keys").isTrue();
    assertThat(tables.resolve(t, SnapshotRef.id(first)).primaryKeyUnique())
        .as("time travel reads the mark of that snapshot")
        .isTrue();

    tables.write(t, WriteMode.OVERWRITE, List.of());
    tables.write(t, WriteMode.APPEND, List.of(row("id", 1), row("id", 1)));
    assertThat(unique.get()).as("a repeated key appended to an empty table").isFalse();

    tables.create(
        TableSpec.of("main", "default", "nokey", List.of(Column.of("id", ColumnType.LONG))));
    tables.write("main.default.nokey", WriteMode.APPEND, List.of(row("id", 1)));
    assertThat(tables.resolve("main.default.nokey", SnapshotRef.latest()).primaryKeyUnique())
        .as("a table without a primary key")
        .isFalse();
  }

  @Test
  void upsert_with_composite_string_and_date_keys_rewrites_only_the_files_holding_them() {
    String t =
        tables
            .create(
                new TableSpec(
                    "main",
                    "default",
                    "composite",
                    List.of(
                        Column.of("user_id", ColumnType.STRING),
                        Column.of("day", ColumnType.DATE),
                        Column.of("clicks", ColumnType.INT)),
                    List.of("user_id", "day"),
                    Optional.of("day"),
                    false,
                    Optional.empty(),
                    Map.of()))
            .fullName();
    for (String u : List.of("a", "m", "z")) {
      tables.write(
          t,
          WriteMode.APPEND,
          List.of(
              row("user_id", u, "day", "2024-01-01", "clicks", 1),
              row("user_id", u, "day", "2024-01-02", "clicks", 2)));
    }
    WriteResult w =
        tables.write(
            t,
            WriteMode.UPSERT,
            List.of(
                row("user_id", "m", "day", "2024-01-02", "clicks", 20),
                row("user_id", "m", "day", "2024-01-03", "clicks", 30)));
    assertThat(w.rowsDeleted()).isEqualTo(1);
    Snapshot last = tables.history(t).get(0);
    assertThat(last.deletedFiles()).isEqualTo(1);
    assertThat(last.addedFiles()).isEqualTo(2); // the rewritten file and the new rows
    List<List<Object>> rows =
        new ArrayList<>(tables.preview(t, SnapshotRef.latest(), List.of(), 100).rows());
    rows.sort((a, b) -> (a.get(0) + "" + a.get(1)).compareTo(b.get(0) + "" + b.get(1)));
    assertThat(rows)
        .extracting(r -> r.get(0) + "/" + r.get(1) + "=" + r.get(2))
        .containsExactly(
            "a/2024-01-01=1",
            "a/2024-01-02=2",
            "m/2024-01-01=1",
            "m/2024-01-02=20",
            "m/2024-01-03=30",
            "z/2024-01-01=1",
            "z/2024-01-02=2");
  }

  @Test
  void bad_rows_are_refused_and_nothing_is_written() {
    String t = createPrices().fullName();
    WriteResult w = tables.write(t, WriteMode.APPEND, List.of(row("id", 1, "price", 1.0)));
    List<Path> files = tables.resolve(t, SnapshotRef.latest()).dataFiles();
    assertBad(
        () ->
            tables.write(t, WriteMode.APPEND, List.of(row("id", 2), row("id", 3, "price", "abc"))),
        "rows[1].price: expected DOUBLE, got \"abc\"");
    assertBad(
        () -> tables.write(t, WriteMode.APPEND, List.of(row("id", 2, "ts", "2024-01-01T00:00:00"))),
        "rows[0].ts: timestamp \"2024-01-01T00:00:00\" has no time zone");
    assertBad(
        () -> tables.write(t, WriteMode.APPEND, List.of(row("id", 2, "bogus", 1))),
        "rows[0]: unknown column 'bogus'");
    assertBad(
        () -> tables.write(t, WriteMode.UPSERT, List.of(row("id", 7), row("id", 7))),
        "primary key (id=7) appears 2 times");
    assertBad(
        () -> tables.write(t, WriteMode.UPSERT, List.of(row("price", 1.0))),
        "rows[0].id: must not be null");
    assertThatThrownBy(() -> tables.write("main.default.nope", WriteMode.APPEND, List.of()))
        .satisfies(e -> assertThat(code(e)).isEqualTo(ErrorCode.NOT_FOUND));
    assertThat(tables.resolve(t, SnapshotRef.latest()).snapshotId()).isEqualTo(w.snapshotId());
    assertThat(tables.resolve(t, SnapshotRef.latest()).dataFiles()).isEqualTo(files);
    try (var s = Files.walk(dir.resolve("warehouse"))) {
      assertThat(s.filter(p -> p.toString().endsWith(".parquet")).count()).isEqualTo(1);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void a_write_that_fails_after_writing_files_removes_them_and_keeps_the_snapshot()
      throws Exception {
    String t = createPrices().fullName();
    WriteResult w = tables.write(t, WriteMode.APPEND, List.of(row("id", 1, "price", 1.0)));
    Path lost = tables.resolve(t, SnapshotRef.latest()).dataFiles().get(0);
    Files.delete(lost); // the upsert writes its new file, then fails reading this one
    assertThatThrownBy(() -> tables.write(t, WriteMode.UPSERT, List.of(row("id", 1, "price", 2.0))))
        .satisfies(e -> assertThat(code(e)).isEqualTo(ErrorCode.INTERNAL_ERROR));
    assertThat(tables.resolve(t, SnapshotRef.latest()).snapshotId()).isEqualTo(w.snapshotId());
    try (var s = Files.walk(dir.resolve("warehouse"))) {
      assertThat(s.filter(p -> p.toString().endsWith(".parquet")).toList()).isEmpty();
    }
  }

  void assertBad(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String message) {
    assertThatThrownBy(call)
        .satisfies(e -> assertThat(code(e)).isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessageContaining(message);
  }

  @Test
  void files_are_read_and_cast_to_the_table_schema() throws Exception {
    String t = createPrices().fullName();
    Path csv = dir.resolve("in.csv");
    Files.writeString(csv, "id,ts,price,name\n1,2024-01-01T00:00:00Z,1.5,a\n2,,2,\n");
    WriteResult w = tables.writeFile(t, WriteMode.APPEND, csv, FileFormat.CSV);
    assertThat(w.rowsAdded()).isEqualTo(2);
    Path json = dir.resolve("in.json");
    Files.writeString(
        json,
        "{\"id\": 2, \"ts\": \"2024-01-03T00:00:00+01:00\", \"price\": 3.5, \"name\": \"b\"}\n");
    tables.writeFile(t, WriteMode.UPSERT, json, FileFormat.JSON);
    assertThat(all(t)).extracting(r -> r.get("price")).containsExactly(1.5, 3.5);
    assertThat(all(t).get(1)).containsEntry("ts", Instant.parse("2024-01-02T23:00:00Z"));
    Files.writeString(
        json,
        "{\"id\": 3, \"ts\": \"2024-01-03T00:00:00Z\", \"price\": 1, \"name\":"
            + " \"2024-01-03 10:00:00\"}\n{\"id\": 4, \"ts\": null, \"price\": null,"
            + " \"name\": \"say \\\"hi\\\"\"}\n");
    tables.writeFile(t, WriteMode.APPEND, json, FileFormat.JSON);
    assertThat(all(t).get(2))
        .containsEntry("name", "2024-01-03 10:00:00")
        .containsEntry("ts", Instant.parse("2024-01-03T00:00:00Z"));
    assertThat(all(t).get(3)).containsEntry("name", "say \"hi\"").containsEntry("ts", null);
    Files.writeString(
        json, "{\"id\": 5, \"ts\": \"2024-01-03T00:00:00\", \"price\": 1, \"name\": \"n\"}\n");
    assertBad(
        () -> tables.writeFile(t, WriteMode.APPEND, json, FileFormat.JSON), "has no time zone");
    Files.writeString(json, "{\"id\": 5, \"ts\": null, \"price\": {\"a\": 1}, \"name\": \"n\"}\n");
    assertBad(() -> tables.writeFile(t, WriteMode.APPEND, json, FileFormat.JSON), "column 'price'");

    Path bad = dir.resolve("bad.csv");
    Files.writeString(bad, "id,ts,price,name\n1,,x,a\n");
    assertBad(
        () -> tables.writeFile(t, WriteMode.APPEND, bad, FileFormat.CSV),
        "file row 1, column 'price': \"x\" is not a DOUBLE");
    Files.writeString(bad, "id,ts,price,name\n1,2024-01-01 00:00:00,1,a\n");
    assertBad(() -> tables.writeFile(t, WriteMode.APPEND, bad, FileFormat.CSV), "has no time zone");
    Files.writeString(bad, "id,ts,price\n1,,1\n");
    assertBad(
        () -> tables.writeFile(t, WriteMode.APPEND, bad, FileFormat.CSV),
        "column 'name' is missing");
    Files.writeString(bad, "id,ts,price,name,extra\n1,,1,a,b\n");
    assertBad(
        () -> tables.writeFile(t, WriteMode.APPEND, bad, FileFormat.CSV), "unknown column 'extra'");
    assertThat(tables.count(t, SnapshotRef.latest())).isEqualTo(4);
  }

  @Test
  void parquet_files_are_cast_and_naive_timestamps_refused() throws Exception {
    String t = createPrices().fullName();
    Path good = dir.resolve("good.parquet");
    Path naive = dir.resolve("naive.parquet");
    try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:duckdb:");
        java.sql.Statement s = c.createStatement()) {
      s.execute("SET TimeZone = 'UTC'");
      s.execute(
          "COPY (SELECT CAST(id AS INTEGER) AS id, TIMESTAMPTZ '2024-03-01 12:00:00+00' AS ts,"
              + " CAST(id AS DOUBLE) / 2 AS price, 'n' || id AS name FROM range(1, 4) r(id)) TO '"
              + good
              + "' (FORMAT parquet)");
      s.execute(
          "COPY (SELECT 9 AS id, TIMESTAMP '2024-03-01 12:00:00' AS ts, 1.0 AS price,"
              + " 'x' AS name) TO '"
              + naive
              + "' (FORMAT parquet)");
    }
    WriteResult w = tables.writeFile(t, WriteMode.APPEND, good, FileFormat.PARQUET);
    assertThat(w.rowsAdded()).isEqualTo(3);
    assertThat(all(t).get(2))
        .containsEntry("id", 3L)
        .containsEntry("price", 1.5)
        .containsEntry("ts", Instant.parse("2024-03-01T12:00:00Z"))
        .containsEntry("name", "n3");
    assertBad(
        () -> tables.writeFile(t, WriteMode.APPEND, naive, FileFormat.PARQUET),
        "column 'ts' holds timestamps without a time zone");
    Path notParquet = dir.resolve("x.parquet");
    Files.writeString(notParquet, "not parquet");
    assertBad(
        () -> tables.writeFile(t, WriteMode.APPEND, notParquet, FileFormat.PARQUET),
        "cannot read it as PARQUET");
    assertThat(tables.count(t, SnapshotRef.latest())).isEqualTo(3);
  }

  @Test
  void concurrent_upserts_lose_no_rows() throws Exception {
    String t = createPrices().fullName();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<WriteResult>> fs = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        int base = w * 100;
        fs.add(
            pool.submit(
                () -> {
                  WriteResult last = null;
                  for (int i = 0; i < 3; i++) {
                    last =
                        tables.write(
                            t,
                            WriteMode.UPSERT,
                            List.of(
                                row("id", base + i, "price", 1.0), row("id", 1000, "price", 2.0)));
                  }
                  return last;
                }));
      }
      for (Future<WriteResult> f : fs) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(tables.count(t, SnapshotRef.latest())).isEqualTo(13);
    assertThat(all(t)).hasSize(13);
  }

  @Test
  void schema_delete_needs_force_and_renames_keep_tables_reachable() {
    catalog.createSchema("main", "s1", Optional.empty(), Map.of());
    TableInfo t =
        tables.create(TableSpec.of("main", "s1", "t", List.of(Column.of("id", ColumnType.LONG))));
    tables.write(t.fullName(), WriteMode.APPEND, List.of(row("id", 1)));
    assertThatThrownBy(() -> catalog.deleteSchema("main.s1", false)).hasMessageContaining("table");

    catalog.updateSchema("main.s1", new Changes(Optional.of("s2"), Optional.empty(), Map.of()));
    assertThat(tables.count("main.s2.t", SnapshotRef.latest())).isEqualTo(1);
    catalog.createCatalog("c1", Optional.empty(), Map.of());
    catalog.createSchema("c1", "x", Optional.empty(), Map.of());
    tables.create(TableSpec.of("c1", "x", "u", List.of(Column.of("id", ColumnType.LONG))));
    catalog.updateCatalog("c1", new Changes(Optional.of("c2"), Optional.empty(), Map.of()));
    assertThat(tables.get("c2.x.u").name()).isEqualTo("u");
    assertThatThrownBy(() -> catalog.deleteCatalog("c2", false)).hasMessageContaining("c2");
    catalog.deleteCatalog("c2", true);
    assertThatThrownBy(() -> tables.get("c2.x.u"))
        .satisfies(e -> assertThat(code(e)).isEqualTo(ErrorCode.NOT_FOUND));
    catalog.createCatalog("c2", Optional.empty(), Map.of());
    catalog.createSchema("c2", "x", Optional.empty(), Map.of());
    assertThat(tables.list("c2", "x", OptionalLong.empty(), Optional.empty()).items()).isEmpty();

    Path location = Path.of(java.net.URI.create(tables.get("main.s2.t").storageLocation()));
    assertThat(Files.exists(location)).isTrue();
    catalog.deleteSchema("main.s2", true);
    assertThatThrownBy(() -> tables.get("main.s2.t"))
        .satisfies(e -> assertThat(code(e)).isEqualTo(ErrorCode.NOT_FOUND));
    assertThat(Files.exists(location)).isFalse();
  }

  @Test
  void delete_drops_the_table_and_its_files() {
    TableInfo t = createPrices();
    tables.write(t.fullName(), WriteMode.APPEND, List.of(row("id", 1)));
    Path location = Path.of(java.net.URI.create(t.storageLocation()));
    tables.delete(t.fullName());
    assertThat(Files.exists(location)).isFalse();
    assertThatThrownBy(() -> tables.get(t.fullName()))
        .satisfies(e -> assertThat(code(e)).isEqualTo(ErrorCode.NOT_FOUND));
    assertThat(createPrices().tableId()).isNotEqualTo(t.tableId());
  }

  // ------------------------------------------------------------------ data file layout

  private static List<String> fileRows(Path file) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT id, day, v FROM read_parquet('"
                    + file.toString().replace("'", "''")
                    + "')")) {
      while (r.next()) {
        out.add(r.getLong(1) + "/" + r.getInt(2) + "/" + r.getString(3));
      }
    }
    return out;
  }

  /** {@code main.default.feats (id LONG, day INT, v STRING)}, primary key (id, day). */
  private String createFeats(boolean ingestionTime) {
    return tables
        .create(
            new TableSpec(
                "main",
                "default",
                "feats",
                List.of(
                    Column.of("id", ColumnType.LONG),
                    Column.of("day", ColumnType.INT),
                    Column.of("v", ColumnType.STRING)),
                List.of("id", "day"),
                Optional.empty(),
                ingestionTime,
                Optional.empty(),
                Map.of()))
        .fullName();
  }

  @Test
  void files_of_a_keyed_table_are_in_key_order_and_ties_keep_their_order() throws Exception {
    String name = createFeats(false);
    tables.write(
        name,
        WriteMode.APPEND,
        List.of(
            Map.of("id", 3, "day", 1, "v", "a"),
            Map.of("id", 1, "day", 2, "v", "b"),
            Map.of("id", 2, "day", 9, "v", "c"),
            Map.of("id", 1, "day", 1, "v", "d"),
            Map.of("id", 2, "day", 9, "v", "e"), // ties with "c" on the whole key
            Map.of("id", 1, "day", 2, "v", "f"))); // ties with "b"
    List<Path> files = tables.resolve(name, SnapshotRef.latest()).dataFiles();
    assertThat(files).hasSize(1);
    assertThat(fileRows(files.get(0)))
        .containsExactly("1/1/d", "1/2/b", "1/2/f", "2/9/c", "2/9/e", "3/1/a");

    tables.write(name, WriteMode.UPSERT, List.of(Map.of("id", 3, "day", 1, "v", "z")));
    List<List<String>> perFile = new ArrayList<>();
    for (Path f : tables.resolve(name, SnapshotRef.latest()).dataFiles()) {
      perFile.add(fileRows(f));
    }
    assertThat(perFile)
        .as("the rewritten file keeps key order and the order of ties; the new row its own file")
        .containsExactlyInAnyOrder(
            List.of("1/1/d", "1/2/b", "1/2/f", "2/9/c", "2/9/e"), List.of("3/1/z"));
  }

  @Test
  void optimize_rewrites_the_files_as_one_in_key_order_and_marks_a_unique_key() throws Exception {
    String name = createFeats(true);
    assertThat(tables.optimize(name).filesAdded()).as("an empty table: nothing to do").isZero();
    tables.write(
        name,
        WriteMode.APPEND,
        List.of(Map.of("id", 3, "day", 1, "v", "a"), Map.of("id", 1, "day", 2, "v", "b")));
    tables.write(name, WriteMode.APPEND, List.of(Map.of("id", 2, "day", 9, "v", "c")));
    tables.write(name, WriteMode.APPEND, List.of(Map.of("id", 1, "day", 1, "v", "d")));
    assertThat(tables.resolve(name, SnapshotRef.latest()).primaryKeyUnique()).isFalse();
    List<Map<String, Object>> before = sortedRows(name);

    OptimizeResult o = tables.optimize(name);
    assertThat(o.filesRemoved()).isEqualTo(3);
    assertThat(o.filesAdded()).isEqualTo(1);
    assertThat(o.rows()).isEqualTo(4);
    assertThat(o.primaryKeyUnique()).isTrue();
    TableSnapshot after = tables.resolve(name, SnapshotRef.latest());
    assertThat(after.snapshotId()).isEqualTo(o.snapshotId());
    assertThat(after.primaryKeyUnique()).isTrue();
    assertThat(after.dataFiles()).hasSize(1);
    assertThat(fileRows(after.dataFiles().get(0)))
        .containsExactly("1/1/d", "1/2/b", "2/9/c", "3/1/a");
    assertThat(sortedRows(name)).as("values and _ingested_at unchanged").isEqualTo(before);
    assertThat(tables.history(name).get(0).primaryKeyUnique()).isTrue();
    assertThat(tables.optimize(name))
        .as("one marked file: nothing to do")
        .isEqualTo(new OptimizeResult(o.snapshotId(), 0, 0, 4, true));

    // A repeated key: one file in key order, ties in read order, and no mark.
    tables.write(name, WriteMode.APPEND, List.of(Map.of("id", 1, "day", 2, "v", "e")));
    OptimizeResult dup = tables.optimize(name);
    assertThat(dup.filesRemoved()).isEqualTo(2);
    assertThat(dup.primaryKeyUnique()).isFalse();
    List<Path> files = tables.resolve(name, SnapshotRef.latest()).dataFiles();
    assertThat(files).hasSize(1);
    assertThat(fileRows(files.get(0))).containsExactly("1/1/d", "1/2/b", "1/2/e", "2/9/c", "3/1/a");
    assertThat(tables.optimize(name).filesAdded())
        .as("optimize's own file: nothing to do")
        .isZero();
    tables.write(name, WriteMode.UPSERT, List.of(Map.of("id", 1, "day", 2, "v", "g")));
    assertThat(tables.resolve(name, SnapshotRef.latest()).dataFiles())
        .as("the upsert rewrote the one file and added its own")
        .hasSize(2);
    OptimizeResult fixed = tables.optimize(name);
    assertThat(fixed.filesRemoved()).isEqualTo(2);
    assertThat(fixed.primaryKeyUnique()).as("the upsert replaced both rows of (1, 2)").isTrue();

    assertThatThrownBy(() -> tables.optimize("main.default.nope"))
        .satisfies(e -> assertThat(code(e)).isEqualTo(ErrorCode.NOT_FOUND));
  }

  /** Every row, in an order that does not depend on the file layout. */
  private List<Map<String, Object>> sortedRows(String table) {
    List<Map<String, Object>> out = new ArrayList<>(all(table));
    out.sort(java.util.Comparator.comparing(Object::toString));
    return out;
  }

  @Test
  void files_of_a_table_without_a_key_keep_the_written_order_also_when_optimized()
      throws Exception {
    tables.create(
        TableSpec.of(
            "main",
            "default",
            "plain",
            List.of(
                Column.of("id", ColumnType.LONG),
                Column.of("day", ColumnType.INT),
                Column.of("v", ColumnType.STRING))));
    String name = "main.default.plain";
    tables.write(
        name,
        WriteMode.APPEND,
        List.of(Map.of("id", 3, "day", 1, "v", "a"), Map.of("id", 1, "day", 2, "v", "b")));
    Path f = tables.resolve(name, SnapshotRef.latest()).dataFiles().get(0);
    assertThat(fileRows(f)).containsExactly("3/1/a", "1/2/b");

    tables.write(name, WriteMode.APPEND, List.of(Map.of("id", 0, "day", 5, "v", "c")));
    OptimizeResult o = tables.optimize(name);
    assertThat(o.filesRemoved()).isEqualTo(2);
    assertThat(o.primaryKeyUnique()).isFalse();
    List<Path> files = tables.resolve(name, SnapshotRef.latest()).dataFiles();
    assertThat(files).hasSize(1);
    assertThat(fileRows(files.get(0)))
        .as("optimized: read order")
        .containsExactly("3/1/a", "1/2/b", "0/5/c");
    assertThat(tables.optimize(name).filesAdded()).isZero();
  }

  // ------------------------------------------------------------------ staged appends

  @Test
  void staged_rows_land_in_one_commit_per_commit_call() throws Exception {
    tables.create(
        new TableSpec(
            "main",
            "default",
            "log",
            List.of(Column.of("id", ColumnType.LONG), Column.of("msg", ColumnType.STRING)),
            List.of(),
            Optional.empty(),
            false,
            Optional.empty(),
            Map.of()));
    String name = "main.default.log";
    int created = tables.history(name).size();
    try (TableService.Stage stage = tables.stage(name)) {
      assertThat(stage.commit().rowsAdded()).as("nothing staged, nothing committed").isZero();
      assertThat(tables.history(name)).hasSize(created);

      stage.add(Map.of("id", 1, "msg", "a"));
      stage.add(Map.of("ID", 2, "msg", "b"));
      assertThatThrownBy(() -> stage.add(Map.of("id", "x", "msg", "c")))
          .isInstanceOf(KeelException.class)
          .hasMessageContaining("rows[2].id: expected LONG");
      assertThatThrownBy(() -> stage.add(Map.of("nope", 1)))
          .hasMessageContaining("unknown column 'nope'");
      assertThat(stage.staged()).isEqualTo(2);
      assertThat(tables.count(name, SnapshotRef.latest()))
          .as("staged rows are not in the table yet")
          .isZero();

      WriteResult first = stage.commit();
      assertThat(first.rowsAdded()).isEqualTo(2);
      assertThat(stage.staged()).isZero();

      stage.add(Map.of("id", 3, "msg", "c"));
      stage.commit();
      assertThat(tables.history(name)).hasSize(created + 2);
      assertThat(tables.count(name, SnapshotRef.latest())).isEqualTo(3);
      assertThat(tables.count(name, SnapshotRef.id(first.snapshotId()))).isEqualTo(2);
      assertThat(
              tables.preview(name, SnapshotRef.latest(), List.of(), 10).rows().stream()
                  .map(r -> r.get(1))
                  .toList())
          .containsExactlyInAnyOrder("a", "b", "c");
    }
  }

  // ------------------------------------------------------------------ reserved column names

  @Test
  void
      names_that_collide_with_the_query_engine_are_refused_at_create_listing_every_reserved_name() {
    for (String reserved : List.of("file_row_number", "FILE_ROW_NUMBER", "rowid", "_ingested_at")) {
      assertThatThrownBy(
              () ->
                  tables.create(
                      TableSpec.of(
                          "main",
                          "default",
                          "t",
                          List.of(
                              Column.of("id", ColumnType.LONG),
                              Column.of(reserved, ColumnType.LONG)))))
          .as(reserved)
          .satisfies(e -> assertThat(code(e)).isEqualTo(ErrorCode.INVALID_ARGUMENT))
          .hasMessageContaining("columns[1].name")
          .hasMessageContaining("reserved")
          .hasMessageContaining("file_row_number, rowid, _ingested_at");
    }
    assertThat(tables.list("main", "default", OptionalLong.empty(), Optional.empty()).items())
        .as("nothing was created")
        .isEmpty();
  }

  @Test
  void columns_named_like_the_query_engines_virtual_columns_work_in_every_operation()
      throws Exception {
    tables.create(
        new TableSpec(
            "main",
            "default",
            "files",
            List.of(
                Column.of("filename", ColumnType.STRING),
                Column.of("file_index", ColumnType.LONG),
                Column.of("row_number", ColumnType.LONG),
                Column.of("id", ColumnType.LONG)),
            List.of("filename", "file_index"),
            Optional.empty(),
            true,
            Optional.empty(),
            Map.of()));
    String t = "main.default.files";
    tables.write(
        t,
        WriteMode.APPEND,
        List.of(
            row("filename", "a", "file_index", 1, "row_number", 10, "id", 1),
            row("filename", "b", "file_index", 2, "row_number", 20, "id", 2)));
    tables.write(
        t,
        WriteMode.UPSERT,
        List.of(row("filename", "a", "file_index", 1, "row_number", 11, "id", 1)));
    Path csv = dir.resolve("in.csv");
    Files.writeString(csv, "filename,file_index,row_number,id\nc,3,30,3\n");
    tables.writeFile(t, WriteMode.APPEND, csv, FileFormat.CSV);
    try (TableService.Stage stage = tables.stage(t)) {
      stage.add(row("filename", "d", "file_index", 4, "row_number", 40, "id", 4));
      stage.commit();
    }
    OptimizeResult o = tables.optimize(t);
    assertThat(o.filesAdded()).isEqualTo(1);
    assertThat(o.rows()).isEqualTo(4);
    assertThat(o.primaryKeyUnique()).isTrue();
    Preview p =
        tables.preview(
            t, SnapshotRef.latest(), List.of("filename", "file_index", "row_number"), 100);
    assertThat(p.rows())
        .containsExactly(
            List.of("a", 1L, 11L),
            List.of("b", 2L, 20L),
            List.of("c", 3L, 30L),
            List.of("d", 4L, 40L));
    tables.write(
        t,
        WriteMode.OVERWRITE,
        List.of(row("filename", "z", "file_index", 9, "row_number", 9, "id", 9)));
    assertThat(tables.count(t, SnapshotRef.latest())).isEqualTo(1);
  }

  // ------------------------------------------------------------------ forced commit conflicts

  /**
   * A second service on the same database and data dir: a concurrent writer whose commits land
   * between this service's write and its commit.
   */
  private TableService rival() {
    return new TableService(db, catalog, dir, clock);
  }

  /** Every Parquet file under the warehouse, and the files some snapshot of {@code t} holds. */
  private void assertOnlyReferencedFiles(String t) throws Exception {
    java.util.Set<Path> referenced = new java.util.HashSet<>();
    for (Snapshot s : tables.history(t)) {
      referenced.addAll(tables.resolve(t, SnapshotRef.id(s.snapshotId())).dataFiles());
    }
    try (var s = Files.walk(dir.resolve("warehouse"))) {
      assertThat(
              s.filter(p -> p.toString().endsWith(".parquet"))
                  .map(p -> p.toAbsolutePath().normalize())
                  .toList())
          .as("no file of the failed attempts is left")
          .containsExactlyInAnyOrderElementsOf(
              referenced.stream().map(p -> p.toAbsolutePath().normalize()).toList());
    }
  }

  private void assertConflict(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
    assertThatThrownBy(call)
        .satisfies(e -> assertThat(code(e)).isEqualTo(ErrorCode.CONFLICT))
        .satisfies(e -> assertThat(code(e).httpStatus()).isEqualTo(409))
        .hasMessageContaining("changed concurrently " + TableWriter.MAX_ATTEMPTS + " times");
  }

  @Test
  void an_upsert_that_conflicts_on_every_attempt_answers_conflict_and_writes_nothing()
      throws Exception {
    String t = createPrices().fullName();
    tables.write(t, WriteMode.APPEND, List.of(row("id", 1, "price", 1.0)));
    java.util.concurrent.atomic.AtomicInteger attempts =
        new java.util.concurrent.atomic.AtomicInteger();
    try (TableService other = rival()) {
      tables.beforeCommit(
          () ->
              other.write(
                  t,
                  WriteMode.UPSERT,
                  List.of(row("id", 100 + attempts.incrementAndGet(), "price", 9.0))));
      assertConflict(() -> tables.write(t, WriteMode.UPSERT, List.of(row("id", 1, "price", 2.0))));
      tables.beforeCommit(() -> {});
    }
    assertThat(attempts).hasValue(TableWriter.MAX_ATTEMPTS);
    assertThat(all(t))
        .as("the rival's rows only; row 1 keeps its price")
        .hasSize(1 + TableWriter.MAX_ATTEMPTS)
        .first()
        .satisfies(r -> assertThat(r.get("price")).isEqualTo(1.0));
    assertOnlyReferencedFiles(t);
  }

  @Test
  void an_optimize_that_conflicts_on_every_attempt_answers_conflict_and_writes_nothing()
      throws Exception {
    String t = createPrices().fullName();
    tables.write(t, WriteMode.APPEND, List.of(row("id", 1, "price", 1.0)));
    tables.write(t, WriteMode.APPEND, List.of(row("id", 2, "price", 2.0)));
    java.util.concurrent.atomic.AtomicInteger attempts =
        new java.util.concurrent.atomic.AtomicInteger();
    try (TableService other = rival()) {
      tables.beforeCommit(
          () ->
              other.write(
                  t,
                  WriteMode.APPEND,
                  List.of(row("id", 100 + attempts.incrementAndGet(), "price", 9.0))));
      assertConflict(() -> tables.optimize(t));
      tables.beforeCommit(() -> {});
    }
    assertThat(attempts).hasValue(TableWriter.MAX_ATTEMPTS);
    assertThat(tables.resolve(t, SnapshotRef.latest()).dataFiles())
        .as("nothing was compacted")
        .hasSize(2 + TableWriter.MAX_ATTEMPTS);
    assertThat(all(t)).hasSize(2 + TableWriter.MAX_ATTEMPTS);
    assertOnlyReferencedFiles(t);
  }

  @Test
  void a_staged_commit_that_conflicts_on_every_attempt_answers_conflict_and_writes_nothing()
      throws Exception {
    String t = createPrices().fullName();
    java.util.concurrent.atomic.AtomicInteger attempts =
        new java.util.concurrent.atomic.AtomicInteger();
    try (TableService other = rival();
        TableService.Stage stage = tables.stage(t)) {
      // Keys into an empty table commit with validation; the rival adds a row and removes it again,
      // so every retry starts from an empty table and conflicts with the rival's added file.
      tables.beforeCommit(
          () -> {
            other.write(t, WriteMode.APPEND, List.of(row("id", 100 + attempts.incrementAndGet())));
            other.write(t, WriteMode.OVERWRITE, List.of());
          });
      stage.add(row("id", 1, "price", 1.0));
      stage.add(row("id", 2, "price", 2.0));
      assertConflict(stage::commit);
      assertThat(stage.staged()).as("a failed commit empties the stage").isZero();
      tables.beforeCommit(() -> {});
    }
    assertThat(attempts).hasValue(TableWriter.MAX_ATTEMPTS);
    assertThat(tables.count(t, SnapshotRef.latest())).isZero();
    assertOnlyReferencedFiles(t);
  }

  // ------------------------------------------------------------------ maintenance

  private static void age(Path f, java.time.Duration by) throws java.io.IOException {
    Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.from(Instant.now().minus(by)));
  }

  @Test
  void orphaned_files_of_killed_writes_are_removed_once_old_and_the_rows_stay() throws Exception {
    String t = createPrices().fullName();
    tables.write(t, WriteMode.APPEND, List.of(row("id", 1, "price", 1.0)));
    tables.write(t, WriteMode.UPSERT, List.of(row("id", 1, "price", 2.0), row("id", 2)));
    List<Map<String, Object>> before = all(t);
    List<Path> live = tables.resolve(t, SnapshotRef.latest()).dataFiles();
    Path data = live.get(0).getParent();
    // What killed writes leave: a whole file never committed, a torn (empty) one, and the file of
    // a write still in flight (young).
    Path whole = Files.copy(live.get(0), data.resolve(java.util.UUID.randomUUID() + ".parquet"));
    Path torn = Files.createFile(data.resolve(java.util.UUID.randomUUID() + ".parquet"));
    Path inFlight = Files.createFile(data.resolve(java.util.UUID.randomUUID() + ".parquet"));
    try (var s = Files.list(data)) {
      for (Path f : s.toList()) {
        if (!f.equals(inFlight)) {
          age(f, java.time.Duration.ofHours(2)); // referenced files too: they must stay
        }
      }
    }

    assertBad(() -> tables.removeOrphans(t, java.time.Duration.ofSeconds(5)), "older_than: 5 s");
    assertThat(whole).exists();

    RemovedFiles r = tables.removeOrphans(t, java.time.Duration.ofHours(1));
    assertThat(r.files())
        .containsExactlyInAnyOrder("data/" + whole.getFileName(), "data/" + torn.getFileName());
    assertThat(r.bytes()).isEqualTo(Files.size(live.get(0)));
    assertThat(whole).doesNotExist();
    assertThat(torn).doesNotExist();
    assertThat(inFlight).as("younger than the safety age").exists();
    for (Snapshot s : tables.history(t)) {
      for (Path f : tables.resolve(t, SnapshotRef.id(s.snapshotId())).dataFiles()) {
        assertThat(f).as("every snapshot's file stays, also the upsert's replaced one").exists();
      }
    }
    assertThat(all(t)).isEqualTo(before);
    assertThat(tables.removeOrphans(t, java.time.Duration.ofHours(1)).files()).isEmpty();

    // At start, every table: the in-flight file, once old, goes too.
    age(inFlight, java.time.Duration.ofHours(2));
    assertThat(tables.removeOrphansAtStart().files())
        .containsExactly("main.default.prices/data/" + inFlight.getFileName());
    assertThat(all(t)).isEqualTo(before);
  }

  /**
   * A commit killed or failed after writing its metadata (the new metadata.json, its manifest list
   * and manifests) but before the catalog pointed at it leaves files no snapshot and no metadata
   * log reaches; they go like orphaned data files, and everything the table's history reaches
   * stays.
   */
  @Test
  void orphaned_metadata_files_of_failed_commits_are_removed_once_old_and_history_stays()
      throws Exception {
    String t = createPrices().fullName();
    tables.write(t, WriteMode.APPEND, List.of(row("id", 1, "price", 1.0)));
    tables.write(t, WriteMode.UPSERT, List.of(row("id", 1, "price", 2.0), row("id", 2)));
    List<Map<String, Object>> before = all(t);
    List<Snapshot> history = tables.history(t);
    Path metadata = tables.resolve(t, SnapshotRef.latest()).dataFiles().get(0).getParent();
    metadata = metadata.getParent().resolve("metadata");
    List<Path> reachable;
    try (var s = Files.list(metadata)) {
      reachable = s.toList();
    }
    Path json = first(reachable, ".metadata.json");
    Path list =
        reachable.stream()
            .filter(f -> f.getFileName().toString().startsWith("snap-"))
            .findFirst()
            .orElseThrow();
    Path manifest =
        reachable.stream()
            .filter(f -> f.getFileName().toString().matches(".*-m\\d+\\.avro"))
            .findFirst()
            .orElseThrow();
    // What a failed commit leaves: its metadata.json, manifest list and manifest, never pointed at
    String u = java.util.UUID.randomUUID().toString();
    Path lostJson = Files.copy(json, metadata.resolve("00099-" + u + ".metadata.json"));
    Path lostList = Files.copy(list, metadata.resolve("snap-99-1-" + u + ".avro"));
    Path lostManifest = Files.copy(manifest, metadata.resolve(u + "-m0.avro"));
    Path young = Files.copy(json, metadata.resolve("00100-" + u + ".metadata.json"));
    for (Path f : reachable) {
      age(f, java.time.Duration.ofHours(2)); // reachable files too: they must stay
    }
    for (Path f : List.of(lostJson, lostList, lostManifest)) {
      age(f, java.time.Duration.ofHours(2));
    }

    RemovedFiles r = tables.removeOrphans(t, java.time.Duration.ofHours(1));

    assertThat(r.files())
        .containsExactlyInAnyOrder(
            "metadata/" + lostJson.getFileName(),
            "metadata/" + lostList.getFileName(),
            "metadata/" + lostManifest.getFileName());
    assertThat(young).as("younger than the safety age").exists();
    for (Path f : reachable) {
      assertThat(f).as("reachable from the current metadata's history").exists();
    }
    assertThat(tables.history(t)).isEqualTo(history);
    for (Snapshot s : history) {
      tables.count(t, SnapshotRef.id(s.snapshotId())); // every snapshot still reads
    }
    assertThat(all(t)).isEqualTo(before);
    tables.write(t, WriteMode.APPEND, List.of(row("id", 3, "price", 3.0)));
    assertThat(all(t)).hasSize(before.size() + 1);
  }

  private static Path first(List<Path> files, String suffix) {
    return files.stream()
        .filter(f -> f.getFileName().toString().endsWith(suffix))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void expire_snapshots_keeps_the_newest_and_deletes_the_files_only_they_held() throws Exception {
    String t = createPrices().fullName();
    tables.write(t, WriteMode.APPEND, List.of(row("id", 1, "price", 1.0)));
    Path first = tables.resolve(t, SnapshotRef.latest()).dataFiles().get(0);
    long firstId = tables.resolve(t, SnapshotRef.latest()).snapshotId();
    tables.write(t, WriteMode.OVERWRITE, List.of(row("id", 2, "price", 2.0)));
    tables.write(t, WriteMode.APPEND, List.of(row("id", 3, "price", 3.0)));
    List<Map<String, Object>> before = all(t);
    int snapshots = tables.history(t).size();
    assertThat(snapshots).isEqualTo(4); // create, append, overwrite, append

    assertBad(() -> tables.expireSnapshots(t, Instant.now(), 0), "retain_last: 0");
    ExpireResult kept = tables.expireSnapshots(t, Instant.now().minusSeconds(3600), 1);
    assertThat(kept).isEqualTo(new ExpireResult(0, 4, 0));

    ExpireResult r = tables.expireSnapshots(t, Instant.now().plusSeconds(1), 2);
    assertThat(r).isEqualTo(new ExpireResult(2, 2, 0));
    assertThat(tables.history(t)).hasSize(2);
    assertThat(first)
        .as("the kept overwrite still records its removal: Iceberg deletes it with that snapshot")
        .exists();
    assertThat(all(t)).isEqualTo(before);
    assertThatThrownBy(() -> tables.count(t, SnapshotRef.id(firstId)))
        .satisfies(e -> assertThat(code(e)).isEqualTo(ErrorCode.NOT_FOUND));

    assertThat(tables.expireSnapshots(t, Instant.now().plusSeconds(1), 1))
        .isEqualTo(new ExpireResult(1, 1, 1));
    assertThat(first).as("only expired snapshots held it").doesNotExist();
    assertThat(all(t)).isEqualTo(before);
    assertThatThrownBy(() -> tables.expireSnapshots("main.default.nope", Instant.now(), 1))
        .satisfies(e -> assertThat(code(e)).isEqualTo(ErrorCode.NOT_FOUND));
  }
}
