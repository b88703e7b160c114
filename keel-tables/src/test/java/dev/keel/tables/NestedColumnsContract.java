package dev.keel.tables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.catalog.CatalogService;
import dev.keel.catalog.JdbcCatalogStore;
import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** STRUCT, ARRAY and MAP columns end to end: create, write, read, upsert, DuckDB and Iceberg. */
abstract class NestedColumnsContract {
  static final String METRICS = "main.default.metrics";
  static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");
  static final Instant T1 = Instant.parse("2026-12-02T00:00:00.123456Z");

  @TempDir Path dir;
  Database db;
  TableService tables;

  abstract Database open(Path dir);

  @BeforeEach
  void setUp() {
    db = open(dir);
    Clock clock = Clock.systemUTC();
    CatalogService catalog =
        new CatalogService(
            new JdbcCatalogStore(db, List.of(TableService.schemaContents(dir))), clock);
    tables = new TableService(db, catalog, dir, clock);
  }

  @AfterEach
  void tearDown() {
    tables.close();
    db.close();
  }

  static Column col(String name, String typeText) {
    return Column.of(name, ColumnType.parse(name, typeText));
  }

  /** A profile-metrics-like table keyed by {@code id}. */
  TableInfo createMetrics() {
    return tables.create(
        new TableSpec(
            "main",
            "default",
            "metrics",
            List.of(
                col("id", "bigint"),
                col("window", "struct<start:timestamp,end:timestamp>"),
                col("quantiles", "array<double>"),
                col("frequent_items", "array<struct<item:string,count:bigint>>"),
                col("ks_test", "struct<statistic:double,pvalue:double NOT NULL>"),
                col(
                    "precision",
                    "struct<one_vs_all:map<string,double>,macro:double,weighted:double>"),
                col("by_day", "map<date,decimal(10,2)>")),
            List.of("id"),
            Optional.empty(),
            false,
            Optional.empty(),
            Map.of()));
  }

  static Map<String, Object> row(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  static Map<String, Object> full(long id, double median) {
    return row(
        "id",
        id,
        "window",
        row("start", T0, "end", T1),
        "quantiles",
        List.of(0.0, median, 1.5),
        "frequent_items",
        List.of(row("item", "a", "count", 3L), row("item", "b\"\\", "count", 1)),
        "ks_test",
        row("statistic", 0.25, "pvalue", 0.5),
        "precision",
        row("one_vs_all", row("x", 0.5, "y", null), "macro", 0.75, "weighted", Double.NaN),
        "by_day",
        Map.of(LocalDate.parse("2026-12-01"), new BigDecimal("1.25")));
  }

  /** Every row of the latest snapshot by id, as the preview returns them. */
  Map<Long, Map<String, Object>> byId() {
    Preview p = tables.preview(METRICS, SnapshotRef.latest(), List.of(), 1000);
    Map<Long, Map<String, Object>> out = new HashMap<>();
    for (List<Object> r : p.rows()) {
      Map<String, Object> m = new LinkedHashMap<>();
      for (int i = 0; i < p.columns().size(); i++) {
        m.put(p.columns().get(i).name(), r.get(i));
      }
      out.put((Long) m.get("id"), m);
    }
    return out;
  }

  static KeelException refused(Runnable r) {
    try {
      r.run();
    } catch (KeelException e) {
      assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
      return e;
    }
    throw new AssertionError("not refused");
  }

  @Test
  void a_table_with_nested_columns_keeps_their_types() {
    TableInfo t = createMetrics();
    assertThat(t.columns().get(1).type().typeText())
        .isEqualTo("struct<start:timestamp,end:timestamp>");
    TableInfo again = tables.get(METRICS);
    assertThat(again.columns()).isEqualTo(t.columns());
    assertThat(again.columns().get(4).type().fields().get(1).nullable()).isFalse();
    assertThat(again.columns().get(6).type())
        .isEqualTo(ColumnType.map(ColumnType.DATE, ColumnType.decimal(10, 2)));
  }

  @Test
  void nested_rows_written_read_back_as_maps_lists_and_instants() {
    createMetrics();
    WriteResult w =
        tables.write(
            METRICS,
            WriteMode.APPEND,
            List.of(
                full(1, 0.5),
                row(
                    "id",
                    2,
                    "window",
                    row("START", T1.toString()),
                    "quantiles",
                    new double[] {2.0, Double.POSITIVE_INFINITY},
                    "frequent_items",
                    List.of(),
                    "ks_test",
                    null,
                    "precision",
                    row("one_vs_all", Map.of()),
                    "by_day",
                    row("2026-12-03", "7")),
                row("id", 3)));
    assertThat(w.rowsAdded()).isEqualTo(3);
    Map<Long, Map<String, Object>> rows = byId();
    Map<String, Object> one = rows.get(1L);
    assertThat(one.get("window")).isEqualTo(row("start", T0, "end", T1));
    assertThat(one.get("quantiles")).isEqualTo(List.of(0.0, 0.5, 1.5));
    assertThat(one.get("frequent_items"))
        .isEqualTo(List.of(row("item", "a", "count", 3L), row("item", "b\"\\", "count", 1L)));
    assertThat(one.get("ks_test")).isEqualTo(row("statistic", 0.25, "pvalue", 0.5));
    Map<String, Object> oneVsAll = new LinkedHashMap<>();
    oneVsAll.put("x", 0.5);
    oneVsAll.put("y", null);
    assertThat(one.get("precision"))
        .isEqualTo(row("one_vs_all", oneVsAll, "macro", 0.75, "weighted", Double.NaN));
    assertThat(one.get("by_day"))
        .isEqualTo(Map.of(LocalDate.parse("2026-12-01"), new BigDecimal("1.25")));

    Map<String, Object> two = rows.get(2L);
    assertThat(two.get("window")).isEqualTo(row("start", T1, "end", null));
    assertThat(two.get("quantiles")).isEqualTo(List.of(2.0, Double.POSITIVE_INFINITY));
    assertThat(two.get("frequent_items")).isEqualTo(List.of());
    assertThat(two.get("ks_test")).isNull();
    assertThat(two.get("precision"))
        .isEqualTo(row("one_vs_all", Map.of(), "macro", null, "weighted", null));
    assertThat(two.get("by_day"))
        .isEqualTo(Map.of(LocalDate.parse("2026-12-03"), new BigDecimal("7.00")));

    Map<String, Object> three = rows.get(3L);
    assertThat(three.values().stream().filter(v -> v != null)).containsExactly(3L);
  }

  @Test
  void wrong_shapes_are_refused_naming_the_value_and_writing_nothing() {
    createMetrics();
    Map<String, String> cases = new LinkedHashMap<>();
    List<Map<String, Object>> bad = new ArrayList<>();
    bad.add(row("id", 1, "window", "2026-12-01"));
    cases.put("rows[0].window: expected struct<start:timestamp,end:timestamp>", "");
    bad.add(row("id", 1, "window", row("start", "yesterday")));
    cases.put("rows[0].window.start: expected TIMESTAMP", "");
    bad.add(row("id", 1, "window", row("begin", T0)));
    cases.put("rows[0].window: unknown field 'begin'; the fields are [start, end]", "");
    bad.add(row("id", 1, "quantiles", List.of(0.5, "x")));
    cases.put("rows[0].quantiles[1]: expected DOUBLE, got \"x\"", "");
    bad.add(row("id", 1, "quantiles", 0.5));
    cases.put("rows[0].quantiles: expected array<double> (an array), got 0.5", "");
    bad.add(row("id", 1, "frequent_items", List.of(row("item", "a", "count", "many"))));
    cases.put("rows[0].frequent_items[0].count: expected LONG", "");
    bad.add(row("id", 1, "ks_test", row("statistic", 0.1)));
    cases.put("rows[0].ks_test.pvalue: must not be null", "");
    bad.add(row("id", 1, "precision", row("one_vs_all", List.of(1.0))));
    cases.put("rows[0].precision.one_vs_all: expected map<string,double>", "");
    bad.add(row("id", 1, "precision", row("one_vs_all", row("a", "b"))));
    cases.put("rows[0].precision.one_vs_all[a]: expected DOUBLE", "");
    bad.add(row("id", 1, "by_day", row("someday", 1)));
    cases.put("rows[0].by_day[someday] (key): expected DATE", "");
    bad.add(row("id", 1, "by_day", row("2026-12-01", "1.234")));
    cases.put("rows[0].by_day[2026-12-01]: 1.234 has more than 2 decimal places", "");
    List<String> messages = new ArrayList<>(cases.keySet());
    for (int i = 0; i < bad.size(); i++) {
      Map<String, Object> r = bad.get(i);
      KeelException e = refused(() -> tables.write(METRICS, WriteMode.APPEND, List.of(r)));
      assertThat(e.getMessage()).startsWith(messages.get(i));
    }
    assertThat(tables.count(METRICS, SnapshotRef.latest())).isZero();
    KeelException second =
        refused(
            () ->
                tables.write(
                    METRICS,
                    WriteMode.APPEND,
                    List.of(full(1, 0.5), row("id", 2, "window", row("end", 3.5)))));
    assertThat(second.getMessage()).startsWith("rows[1].window.end: expected TIMESTAMP");
    assertThat(tables.count(METRICS, SnapshotRef.latest())).isZero();
  }

  @Test
  void duckdb_reads_nested_columns_of_files_keel_wrote_by_name() throws Exception {
    createMetrics();
    tables.write(METRICS, WriteMode.APPEND, List.of(full(1, 0.5), full(2, 0.7)));
    List<Path> files = tables.resolve(METRICS, SnapshotRef.latest()).dataFiles();
    String list =
        files.stream().map(f -> "'" + f + "'").collect(Collectors.joining(", ", "[", "]"));
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement()) {
      s.execute("SET TimeZone = 'UTC'");
      List<String> got = new ArrayList<>();
      // WINDOW is a reserved word in DuckDB: the column is quoted, its fields are not
      try (ResultSet r =
          s.executeQuery(
              "SELECT id, \"window\".start, ks_test.pvalue, quantiles[2],"
                  + " frequent_items[1].item, precision.one_vs_all['x'], len(quantiles)"
                  + " FROM read_parquet("
                  + list
                  + ") ORDER BY id")) {
        while (r.next()) {
          got.add(
              r.getLong(1)
                  + "|"
                  + r.getObject(2, java.time.OffsetDateTime.class).toInstant()
                  + "|"
                  + r.getDouble(3)
                  + "|"
                  + r.getDouble(4)
                  + "|"
                  + r.getString(5)
                  + "|"
                  + r.getDouble(6)
                  + "|"
                  + r.getLong(7));
        }
      }
      assertThat(got)
          .containsExactly(
              "1|2026-12-01T00:00:00Z|0.5|0.5|a|0.5|3", "2|2026-12-01T00:00:00Z|0.5|0.7|a|0.5|3");
      // every nested Parquet field carries its Iceberg field id
      try (ResultSet r =
          s.executeQuery(
              "SELECT count(*) FILTER (WHERE field_id IS NULL AND name NOT IN"
                  + " ('duckdb_schema', 'list', 'key_value')), count(*) FROM parquet_schema('"
                  + files.get(0)
                  + "')")) {
        r.next();
        assertThat(r.getLong(1)).isZero();
        assertThat(r.getLong(2)).isGreaterThan(20);
      }
    }
  }

  @Test
  void icebergs_own_reader_reads_the_nested_values_by_field_id() throws Exception {
    createMetrics();
    tables.write(METRICS, WriteMode.APPEND, List.of(full(1, 0.5)));
    try (IcebergTables iceberg = new IcebergTables(db, dir)) {
      Table t = iceberg.catalog().loadTable(TableIdentifier.of("main", "default", "metrics"));
      List<Record> records = new ArrayList<>();
      try (CloseableIterable<Record> rs = IcebergGenerics.read(t).build()) {
        rs.forEach(records::add);
      }
      assertThat(records).hasSize(1);
      Record r = records.get(0);
      Record window = (Record) r.getField("window");
      assertThat(((java.time.OffsetDateTime) window.getField("end")).toInstant()).isEqualTo(T1);
      assertThat(r.getField("quantiles")).isEqualTo(List.of(0.0, 0.5, 1.5));
      Record item = (Record) ((List<?>) r.getField("frequent_items")).get(1);
      assertThat(item.getField("item")).isEqualTo("b\"\\");
      Record precision = (Record) r.getField("precision");
      assertThat(((Map<?, ?>) precision.getField("one_vs_all")).get("x")).isEqualTo(0.5);
    }
  }

  @Test
  void upsert_replaces_rows_by_key_and_keeps_the_nested_values_of_the_others() {
    createMetrics();
    tables.write(METRICS, WriteMode.APPEND, List.of(full(1, 0.1), full(2, 0.2)));
    tables.write(METRICS, WriteMode.APPEND, List.of(full(3, 0.3)));
    WriteResult u =
        tables.write(
            METRICS,
            WriteMode.UPSERT,
            List.of(full(2, 0.9), row("id", 3, "quantiles", List.of(9.0)), full(4, 0.4)));
    assertThat(u.rowsDeleted()).isEqualTo(2);
    Map<Long, Map<String, Object>> rows = byId();
    assertThat(rows).hasSize(4);
    assertThat(rows.get(1L).get("quantiles")).isEqualTo(List.of(0.0, 0.1, 1.5));
    assertThat(rows.get(1L).get("window")).isEqualTo(row("start", T0, "end", T1));
    assertThat(rows.get(2L).get("quantiles")).isEqualTo(List.of(0.0, 0.9, 1.5));
    assertThat(rows.get(3L).get("quantiles")).isEqualTo(List.of(9.0));
    assertThat(rows.get(3L).get("window")).isNull();

    tables.optimize(METRICS);
    assertThat(tables.resolve(METRICS, SnapshotRef.latest()).dataFiles()).hasSize(1);
    assertThat(byId()).isEqualTo(rows);
  }

  @Test
  void a_log_table_appends_nested_values_one_file_per_day() {
    tables.createLog(
        TableSpec.of(
            "main",
            "default",
            "log",
            List.of(
                Column.of("event_date", ColumnType.DATE),
                col("stats", "struct<n:bigint,tags:array<string>>"))),
        "event_date",
        "System user");
    tables.appendLog(
        "main.default.log",
        List.of(
            row("event_date", "2026-12-06", "stats", row("n", 1, "tags", List.of("a", "b"))),
            row("event_date", "2026-12-07", "stats", row("n", 2))),
        "keel.test-cursor",
        Optional.empty(),
        "2");
    assertThat(tables.resolve("main.default.log", SnapshotRef.latest()).dataFiles()).hasSize(2);
    Preview p = tables.preview("main.default.log", SnapshotRef.latest(), List.of("stats"), 10);
    assertThat(p.rows().stream().map(r -> r.get(0)).toList())
        .containsExactlyInAnyOrder(
            row("n", 1L, "tags", List.of("a", "b")), row("n", 2L, "tags", null));
    KeelException e =
        refused(
            () ->
                tables.appendLog(
                    "main.default.log",
                    List.of(row("event_date", "2026-12-08", "stats", row("tags", "x"))),
                    "keel.test-cursor",
                    Optional.of("2"),
                    "3"));
    assertThat(e.getMessage()).startsWith("rows[0].stats.tags: expected array<string>");
  }

  @Test
  void nested_primary_keys_are_refused() {
    KeelException e =
        refused(
            () ->
                tables.create(
                    new TableSpec(
                        "main",
                        "default",
                        "bad",
                        List.of(col("w", "struct<a:int>")),
                        List.of("w"),
                        Optional.empty(),
                        false,
                        Optional.empty(),
                        Map.of())));
    assertThat(e.getMessage())
        .isEqualTo("'primary_keys' column 'w' is STRUCT; keys cannot be STRUCT, ARRAY or MAP.");
    assertThatThrownBy(() -> tables.get("main.default.bad"))
        .satisfies(x -> assertThat(((KeelException) x).code()).isEqualTo(ErrorCode.NOT_FOUND));
  }

  @Test
  void file_uploads_into_a_table_with_nested_columns_are_refused() throws Exception {
    createMetrics();
    Path csv = dir.resolve("rows.csv");
    Files.writeString(csv, "id,window\n1,x\n");
    KeelException e =
        refused(() -> tables.writeFile(METRICS, WriteMode.APPEND, csv, FileFormat.CSV));
    assertThat(e.getMessage())
        .startsWith("file: column 'window' is STRUCT; file uploads (CSV, JSON, Parquet)");
    assertThat(tables.count(METRICS, SnapshotRef.latest())).isZero();
  }

  @Test
  void staged_rows_with_nested_values_commit_in_order() {
    createMetrics();
    try (TableService.Stage stage = tables.stage(METRICS)) {
      for (int i = 1; i <= 5; i++) {
        stage.add(full(i, i / 10.0));
      }
      KeelException e = refused(() -> stage.add(row("id", 9, "quantiles", List.of("no"))));
      assertThat(e.getMessage()).startsWith("rows[5].quantiles[0]: expected DOUBLE");
      assertThat(stage.commit().rowsAdded()).isEqualTo(5);
      stage.add(full(6, 0.6));
      assertThat(stage.commit().rowsAdded()).isEqualTo(1);
    }
    Preview p = tables.preview(METRICS, SnapshotRef.latest(), List.of("id", "quantiles"), 100);
    assertThat(p.rows().stream().map(r -> r.get(0)).toList())
        .containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L, 6L);
    for (List<Object> r : p.rows()) {
      assertThat(((List<?>) r.get(1)).get(1)).isEqualTo(((Long) r.get(0)) / 10.0);
    }
  }

  @Test
  void csv_export_holds_nested_values_as_json_and_parquet_export_keeps_their_types()
      throws Exception {
    createMetrics();
    tables.write(METRICS, WriteMode.APPEND, List.of(full(1, 0.5)));
    Path csv = dir.resolve("out.csv");
    tables.export(
        METRICS, SnapshotRef.latest(), List.of("id", "quantiles", "ks_test"), FileFormat.CSV, csv);
    List<String> lines = Files.readAllLines(csv);
    assertThat(lines.get(0)).isEqualTo("id,quantiles,ks_test");
    assertThat(lines.get(1))
        .isEqualTo("1,\"[0.0,0.5,1.5]\",\"{\"\"statistic\"\":0.25,\"\"pvalue\"\":0.5}\"");
    Path parquet = dir.resolve("out.parquet");
    tables.export(METRICS, SnapshotRef.latest(), List.of(), FileFormat.PARQUET, parquet);
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT frequent_items[2].count, typeof(precision) FROM read_parquet('"
                    + parquet
                    + "')")) {
      r.next();
      assertThat(r.getLong(1)).isEqualTo(1);
      assertThat(r.getString(2))
          .isEqualTo("STRUCT(one_vs_all MAP(VARCHAR, DOUBLE), \"macro\" DOUBLE, weighted DOUBLE)");
    }
    // an empty table exports its nested schema too
    tables.write(METRICS, WriteMode.OVERWRITE, List.of());
    Path empty = dir.resolve("empty.parquet");
    tables.export(METRICS, SnapshotRef.latest(), List.of("window"), FileFormat.PARQUET, empty);
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("DESCRIBE SELECT * FROM read_parquet('" + empty + "')")) {
      r.next();
      assertThat(r.getString("column_name")).isEqualTo("window");
      assertThat(r.getString("column_type"))
          .isEqualTo(
              "STRUCT(\"start\" TIMESTAMP WITH TIME ZONE, \"end\" TIMESTAMP WITH TIME ZONE)");
      assertThat(r.next()).isFalse();
    }
  }
}
