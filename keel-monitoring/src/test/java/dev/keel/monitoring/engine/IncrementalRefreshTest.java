package dev.keel.monitoring.engine;

import static dev.keel.monitoring.engine.EngineFixture.col;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.monitoring.Granularity;
import dev.keel.monitoring.LabelJoin;
import dev.keel.monitoring.MonitorSpec;
import dev.keel.monitoring.ProfileType;
import dev.keel.tables.Column;
import dev.keel.tables.ColumnType;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.api.recursive.comparison.RecursiveComparisonConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IncrementalRefreshTest {
  @TempDir Path dir;

  static final List<Column> COLS =
      List.of(
          col("ts", ColumnType.TIMESTAMP),
          col("request_id", ColumnType.STRING),
          col("x", ColumnType.DOUBLE),
          col("cat", ColumnType.STRING));

  static final List<Column> LABEL_COLS =
      List.of(col("request_id", ColumnType.STRING), col("y", ColumnType.DOUBLE));

  EngineFixture f;
  int out;

  /** Rows of day d (2026-01-d), n of them, values shifted by d. */
  Path day(int d, int n, int seed) throws Exception {
    return f.file(
        "SELECT TIMESTAMPTZ '2026-01-"
            + String.format("%02d", d)
            + " 00:00:00+00' + to_microseconds(CAST(i * 3600000000 / "
            + n
            + " AS BIGINT)) AS ts, 'r"
            + d
            + "_' || i || '_"
            + seed
            + "' AS request_id, CASE WHEN i % 7 = 0 THEN NULL ELSE ((i * 37 + "
            + seed
            + ") % 101) / 10.0 + "
            + d
            + " END AS x, CASE WHEN i % 5 = 0 THEN 'k"
            + d
            + "' ELSE 'c' || (i % 3) END AS cat FROM range("
            + n
            + ") t(i)");
  }

  Path baseline() throws Exception {
    return f.file(
        "SELECT TIMESTAMPTZ '2025-12-01 00:00:00+00' AS ts, 'b' || i AS request_id,"
            + " (i % 50) / 5.0 AS x, 'c' || (i % 4) AS cat FROM range(300) t(i)");
  }

  RefreshInput.Previous previous(RefreshInput in, DuckDbMetricsEngine.Computed c) throws Exception {
    Path p = dir.resolve("profile-" + out + ".parquet");
    Path d = dir.resolve("drift-" + (out++) + ".parquet");
    try (Connection conn = DriverManager.getConnection("jdbc:duckdb:")) {
      conn.createStatement().execute("SET TimeZone = 'UTC'");
      MetricsFiles.write(conn, p, Extras.profileFields(in), c.profileRows());
      MetricsFiles.write(conn, d, Extras.driftFields(in), c.driftRows());
    }
    return new RefreshInput.Previous(
        in.monitorVersion(),
        in.input(),
        in.baseline().map(TableData::snapshotId).orElse(0L),
        in.labels(),
        new TableData("p", 1, List.of(), List.of(p)),
        new TableData("d", 1, List.of(), List.of(d)));
  }

  static RefreshInput with(
      RefreshInput in, List<Path> files, Optional<RefreshInput.Previous> prev) {
    return new RefreshInput(
        in.spec(),
        in.monitorVersion(),
        new TableData("t", in.input().snapshotId() + 1, COLS, files),
        in.baseline(),
        in.labels(),
        prev,
        in.now());
  }

  /**
   * Equal rows, except that kept rows keep the commit version they were computed from, and that
   * doubles may differ in the last bits (1e-12 relative): DuckDB's parallel scans hand rows to the
   * compensated sums of the quality metrics in no fixed order.
   */
  static void assertSameRows(DuckDbMetricsEngine.Computed a, DuckDbMetricsEngine.Computed b) {
    RecursiveComparisonConfiguration doubles =
        RecursiveComparisonConfiguration.builder()
            .withComparatorForType(IncrementalRefreshTest::close, Double.class)
            .build();
    assertThat(withoutVersion(a.profileRows()))
        .usingRecursiveFieldByFieldElementComparator(doubles)
        .containsExactlyInAnyOrderElementsOf(withoutVersion(b.profileRows()));
    assertThat(a.driftRows())
        .usingRecursiveFieldByFieldElementComparator(doubles)
        .containsExactlyInAnyOrderElementsOf(b.driftRows());
  }

  private static int close(Double x, Double y) {
    if (x == null || y == null) {
      return x == y ? 0 : x == null ? -1 : 1;
    }
    if (x.equals(y) || Math.abs(x - y) <= 1e-12 * Math.max(Math.abs(x), Math.abs(y))) {
      return 0;
    }
    return Double.compare(x, y);
  }

  static List<Map<String, Object>> withoutVersion(List<Map<String, Object>> rows) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Map<String, Object> r : rows) {
      Map<String, Object> c = new HashMap<>(r);
      c.remove("logging_table_commit_version");
      out.add(c);
    }
    return out;
  }

  @Test
  void appending_a_day_recomputes_only_that_window_and_equals_a_full_recompute() throws Exception {
    f = new EngineFixture(dir);
    MonitorSpec spec = EngineFixture.timeSeries("ts", List.of("cat"), "1 day");
    List<Path> files = List.of(day(1, 200, 1), day(2, 150, 2), day(3, 120, 3));
    TableData base = EngineFixture.table("b", 5, COLS, List.of(baseline()));
    RefreshInput in0 =
        new RefreshInput(
            spec,
            1,
            EngineFixture.table("t", 1, COLS, files),
            Optional.of(base),
            Optional.empty(),
            Optional.empty(),
            EngineFixture.NOW);
    DuckDbMetricsEngine.Computed full0 = f.run(in0);
    assertThat(full0.windowsRecomputed()).isEqualTo(3);

    // nothing new: everything kept
    RefreshInput same = with(in0, files, Optional.of(previous(in0, full0)));
    DuckDbMetricsEngine.Computed none = f.run(same);
    assertThat(none.windowsRecomputed()).isZero();
    assertThat(none.windowsKept()).isEqualTo(3);
    assertThat(none.rowsRead()).isZero();
    assertSameRows(none, full0);

    // a new day 4
    List<Path> files1 = List.of(files.get(0), files.get(1), files.get(2), day(4, 100, 4));
    RefreshInput in1 = with(in0, files1, Optional.of(previous(in0, full0)));
    DuckDbMetricsEngine.Computed inc1 = f.run(in1);
    assertThat(inc1.windowsRecomputed()).isEqualTo(1);
    assertThat(inc1.windowsKept()).isEqualTo(3);
    assertThat(inc1.rowsRead()).isEqualTo(100 + 120); // day 4 and day 3 (its consecutive drift)
    DuckDbMetricsEngine.Computed full1 = f.run(with(in0, files1, Optional.empty()));
    assertThat(full1.windowsRecomputed()).isEqualTo(4);
    assertSameRows(inc1, full1);

    // more rows for day 2: day 2 and day 3 recomputed
    List<Path> files2 = new java.util.ArrayList<>(files1);
    files2.add(day(2, 30, 9));
    RefreshInput in2 = with(in1, files2, Optional.of(previous(in1, inc1)));
    DuckDbMetricsEngine.Computed inc2 = f.run(in2);
    assertThat(inc2.windowsRecomputed()).isEqualTo(2);
    assertThat(inc2.windowsKept()).isEqualTo(2);
    assertSameRows(inc2, f.run(with(in1, files2, Optional.empty())));

    // a removed file (overwrite): full recompute
    List<Path> files3 = List.of(files2.get(0), files2.get(1), files2.get(3));
    DuckDbMetricsEngine.Computed inc3 = f.run(with(in2, files3, Optional.of(previous(in2, inc2))));
    assertThat(inc3.windowsKept()).isZero();
    assertThat(inc3.windowsRecomputed()).isEqualTo(3);
  }

  @Test
  void late_labels_recompute_the_windows_of_the_predictions_they_label() throws Exception {
    f = new EngineFixture(dir);
    ProfileType.InferenceLog il =
        new ProfileType.InferenceLog(
            ProfileType.ProblemType.PROBLEM_TYPE_REGRESSION,
            "ts",
            List.of(Granularity.parse("g", "1 day")),
            "x",
            "cat",
            Optional.of("y"),
            Optional.empty());
    MonitorSpec spec =
        EngineFixture.spec(
            il, List.of(), Optional.of(new LabelJoin("main.default.l", "request_id")));
    List<Path> files = List.of(day(1, 50, 1), day(2, 50, 2), day(3, 50, 3), day(4, 50, 4));
    Path l1 = f.file("SELECT 'r1_' || i || '_1' AS request_id, i / 3.0 AS y FROM range(50) t(i)");
    RefreshInput in0 =
        new RefreshInput(
            spec,
            1,
            EngineFixture.table("t", 1, COLS, files),
            Optional.empty(),
            Optional.of(EngineFixture.table("l", 1, LABEL_COLS, List.of(l1))),
            Optional.empty(),
            EngineFixture.NOW);
    DuckDbMetricsEngine.Computed full0 = f.run(in0);
    Path l2 = f.file("SELECT 'r3_' || i || '_3' AS request_id, i / 7.0 AS y FROM range(10) t(i)");
    RefreshInput in1 =
        new RefreshInput(
            spec,
            1,
            in0.input(),
            Optional.empty(),
            Optional.of(EngineFixture.table("l", 2, LABEL_COLS, List.of(l1, l2))),
            Optional.of(previous(in0, full0)),
            EngineFixture.NOW);
    DuckDbMetricsEngine.Computed inc = f.run(in1);
    assertThat(inc.windowsRecomputed()).isEqualTo(2); // day 3 and day 4 (consecutive drift)
    assertThat(inc.windowsKept()).isEqualTo(2);
    RefreshInput fullIn =
        new RefreshInput(
            spec,
            1,
            in0.input(),
            Optional.empty(),
            in1.labels(),
            Optional.empty(),
            EngineFixture.NOW);
    assertSameRows(inc, f.run(fullIn));
  }
}
