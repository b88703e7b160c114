package dev.keel.monitoring.engine;

import static dev.keel.monitoring.engine.EngineFixture.col;
import static dev.keel.monitoring.engine.EngineFixture.one;
import static dev.keel.monitoring.engine.EngineFixture.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.monitoring.Granularity;
import dev.keel.monitoring.LabelJoin;
import dev.keel.monitoring.MonitorSpec;
import dev.keel.monitoring.ProfileType;
import dev.keel.monitoring.stats.CategoricalDrift;
import dev.keel.monitoring.stats.KsResult;
import dev.keel.monitoring.stats.NumericDrift;
import dev.keel.monitoring.stats.SortedSample;
import dev.keel.tables.Column;
import dev.keel.tables.ColumnType;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DuckDbMetricsEngineTest {
  @TempDir Path dir;

  static final List<Column> COLS =
      List.of(
          col("ts", ColumnType.TIMESTAMP),
          col("x", ColumnType.DOUBLE),
          col("cat", ColumnType.STRING),
          col("flag", ColumnType.BOOLEAN));

  static final Instant D1 = Instant.parse("2026-01-01T00:00:00Z");
  static final Instant D2 = Instant.parse("2026-01-02T00:00:00Z");
  static final Instant D3 = Instant.parse("2026-01-03T00:00:00Z");

  Path boundaryFile(EngineFixture f) throws Exception {
    return f.file(
        "SELECT * FROM (VALUES"
            + " (TIMESTAMPTZ '2026-01-01 00:00:00+00', 1.0, 'a', true),"
            + " (TIMESTAMPTZ '2026-01-01 23:59:59.999999+00', 2.0, 'a', false),"
            + " (TIMESTAMPTZ '2026-01-01 12:00:00+00', 3.0, 'b', NULL),"
            + " (TIMESTAMPTZ '2026-01-01 13:00:00+00', NULL, NULL, true),"
            + " (TIMESTAMPTZ '2026-01-02 00:00:00+00', 0.0, 'c', true),"
            + " (TIMESTAMPTZ '2026-01-02 05:00:00+00', 5.0, 'a', true),"
            + " (NULL, 100.0, 'z', true)"
            + ") v(ts, x, cat, flag)");
  }

  @Test
  void rows_on_midnight_belong_to_the_window_starting_there_and_null_timestamps_count_nowhere()
      throws Exception {
    EngineFixture f = new EngineFixture(dir);
    TableData t = EngineFixture.table("t", 7, COLS, List.of(boundaryFile(f)));
    var out =
        f.run(
            EngineFixture.input(
                EngineFixture.timeSeries("ts", List.of(), "1 day"), t, Optional.empty()));
    Map<String, Object> d1 = one(out.profileRows(), "column_name", ":table", "window_start", D1);
    assertThat(d1.get("count")).isEqualTo(4L);
    assertThat(d1.get("granularity")).isEqualTo("1 day");
    assertThat(d1.get("log_type")).isEqualTo("INPUT");
    assertThat(d1.get("logging_table_commit_version")).isEqualTo(7L);
    assertThat(d1.get("window")).isEqualTo(Map.of("start", D1, "end", D2));
    assertThat(d1.get("model_id")).isNull();
    assertThat(one(out.profileRows(), "column_name", ":table", "window_start", D2).get("count"))
        .isEqualTo(2L);
    assertThat(rows(out.profileRows(), "column_name", ":table")).hasSize(2);
    assertThat(out.windowsRecomputed()).isEqualTo(2);
    assertThat(out.rowsRead()).isEqualTo(7);

    Map<String, Object> x1 = one(out.profileRows(), "column_name", "x", "window_start", D1);
    assertThat(x1.get("count")).isEqualTo(3L);
    assertThat(x1.get("num_nulls")).isEqualTo(1L);
    assertThat(x1.get("percent_null")).isEqualTo(25.0);
    assertThat(x1.get("avg")).isEqualTo(2.0);
    assertThat(x1.get("median")).isEqualTo(2.0);
    assertThat(x1.get("min")).isEqualTo(1.0);
    assertThat(x1.get("max")).isEqualTo(3.0);
    assertThat(x1.get("stddev")).isEqualTo(1.0);
    assertThat(x1.get("data_type")).isEqualTo("double");
    assertThat((List<?>) x1.get("quantiles")).hasSize(11).first().isEqualTo(1.0);
    Map<String, Object> x2 = one(out.profileRows(), "column_name", "x", "window_start", D2);
    assertThat(x2.get("num_zeros")).isEqualTo(1L);
    assertThat(x2.get("percent_zeros")).isEqualTo(50.0);

    Map<String, Object> cat1 = one(out.profileRows(), "column_name", "cat", "window_start", D1);
    assertThat(cat1.get("frequent_items"))
        .isEqualTo(List.of(Map.of("item", "a", "count", 2L), Map.of("item", "b", "count", 1L)));
    assertThat(cat1.get("min_length")).isEqualTo(1L);
    assertThat(cat1.get("distinct_count")).isEqualTo(2L);
    Map<String, Object> flag1 = one(out.profileRows(), "column_name", "flag", "window_start", D1);
    assertThat(flag1.get("data_type")).isEqualTo("boolean");
    assertThat(flag1.get("min_length")).isNull();
    assertThat(flag1.get("num_nulls")).isEqualTo(1L);

    // consecutive drift: day 2 against day 1 only
    assertThat(rows(out.driftRows(), "column_name", "x")).hasSize(1);
    Map<String, Object> dx = one(out.driftRows(), "column_name", "x", "drift_type", "CONSECUTIVE");
    assertThat(dx.get("window")).isEqualTo(Map.of("start", D2, "end", D3));
    assertThat(dx.get("window_cmp")).isEqualTo(Map.of("start", D1, "end", D2));
    KsResult ks =
        NumericDrift.ks(
            SortedSample.of(new double[] {1, 2, 3}), SortedSample.of(new double[] {0, 5}));
    assertThat(dx.get("ks_test"))
        .isEqualTo(Map.of("statistic", ks.statistic(), "pvalue", ks.pValue()));
    assertThat(dx.get("avg_delta")).isEqualTo(0.5);
    assertThat(dx.get("count_delta")).isEqualTo(-1.0);
    assertThat(dx.get("percent_null_delta")).isEqualTo(-25.0);
    assertThat(dx.get("js_distance")).isNull();
    Map<String, Object> dc = one(out.driftRows(), "column_name", "cat");
    Map<String, Long> b = Map.of("a", 2L, "b", 1L);
    Map<String, Long> c = Map.of("a", 1L, "c", 1L);
    assertThat(dc.get("js_distance")).isEqualTo(CategoricalDrift.jensenShannon(b, c));
    assertThat(dc.get("tv_distance")).isEqualTo(CategoricalDrift.totalVariation(b, c));
    assertThat(dc.get("ks_test")).isNull();
    Map<String, Object> dt = one(out.driftRows(), "column_name", ":table");
    assertThat(dt.get("non_null_columns_delta")).isEqualTo(Map.of("added", 0, "missing", 0));
  }

  @Test
  void a_window_after_an_empty_window_has_no_consecutive_drift_and_months_start_on_the_first()
      throws Exception {
    EngineFixture f = new EngineFixture(dir);
    Path p =
        f.file(
            "SELECT * FROM (VALUES (TIMESTAMPTZ '2026-01-01 00:00:00+00', 1.0, 'a', true),"
                + " (TIMESTAMPTZ '2026-01-31 23:00:00+00', 2.0, 'a', true),"
                + " (TIMESTAMPTZ '2026-01-03 00:00:00+00', 3.0, 'a', true)) v(ts, x, cat, flag)");
    TableData t = EngineFixture.table("t", 1, COLS, List.of(p));
    var out =
        f.run(
            EngineFixture.input(
                EngineFixture.timeSeries("ts", List.of(), "1 day", "1 month"),
                t,
                Optional.empty()));
    assertThat(rows(out.profileRows(), "column_name", ":table", "granularity", "1 day")).hasSize(3);
    Map<String, Object> m =
        one(out.profileRows(), "column_name", ":table", "granularity", "1 month");
    assertThat(m.get("window"))
        .isEqualTo(Map.of("start", D1, "end", Instant.parse("2026-02-01T00:00:00Z")));
    assertThat(m.get("count")).isEqualTo(3L);
    assertThat(out.driftRows()).isEmpty();
  }

  @Test
  void date_timestamps_are_midnight_utc() throws Exception {
    EngineFixture f = new EngineFixture(dir);
    List<Column> cols = List.of(col("d", ColumnType.DATE), col("x", ColumnType.LONG));
    Path p =
        f.file(
            "SELECT * FROM (VALUES (DATE '2026-01-01', 1::BIGINT), (DATE '2026-01-02', 2::BIGINT),"
                + " (DATE '2026-01-02', 4::BIGINT)) v(d, x)");
    TableData t = EngineFixture.table("t", 1, cols, List.of(p));
    var out =
        f.run(
            EngineFixture.input(
                EngineFixture.timeSeries("d", List.of(), "1 hour"), t, Optional.empty()));
    Map<String, Object> w = one(out.profileRows(), "column_name", "x", "window_start", D2);
    assertThat(w.get("window"))
        .isEqualTo(Map.of("start", D2, "end", Instant.parse("2026-01-02T01:00:00Z")));
    assertThat(w.get("avg")).isEqualTo(3.0);
    assertThat(w.get("data_type")).isEqualTo("bigint");
    // 1 hour windows: the window before 2026-01-02 00:00 has no rows, so no consecutive drift
    assertThat(out.driftRows()).isEmpty();
  }

  @Test
  void slices_give_true_false_and_per_value_rows_with_the_expression_as_key() throws Exception {
    EngineFixture f = new EngineFixture(dir);
    TableData t = EngineFixture.table("t", 1, COLS, List.of(boundaryFile(f)));
    MonitorSpec spec = EngineFixture.timeSeries("ts", List.of("x > 1.5", "cat"), "1 day");
    var out = f.run(EngineFixture.input(spec, t, Optional.empty()));
    List<Map<String, Object>> tableRows =
        rows(out.profileRows(), "column_name", ":table", "window_start", D1);
    assertThat(one(tableRows, "slice_key", null).get("count")).isEqualTo(4L);
    assertThat(one(tableRows, "slice_key", "x > 1.5", "slice_value", "true").get("count"))
        .isEqualTo(2L);
    assertThat(one(tableRows, "slice_key", "x > 1.5", "slice_value", "false").get("count"))
        .isEqualTo(1L);
    assertThat(one(tableRows, "slice_key", "cat", "slice_value", "a").get("count")).isEqualTo(2L);
    assertThat(one(tableRows, "slice_key", "cat", "slice_value", "b").get("count")).isEqualTo(1L);
    // 'z' only has a NULL timestamp: a slice value of the table but in no window
    assertThat(rows(tableRows, "slice_value", "z")).isEmpty();
    // the 'a' slice of day 2 drifts against the 'a' slice of day 1
    Map<String, Object> d =
        one(out.driftRows(), "column_name", "x", "slice_key", "cat", "slice_value", "a");
    assertThat(d.get("avg_delta")).isEqualTo(5.0 - 1.5);
  }

  @Test
  void snapshot_has_one_window_at_now_and_baseline_drift_counts_a_new_category() throws Exception {
    EngineFixture f = new EngineFixture(dir);
    TableData t = EngineFixture.table("t", 3, COLS, List.of(boundaryFile(f)));
    Path bp =
        f.file(
            "SELECT * FROM (VALUES (TIMESTAMPTZ '2025-06-01 00:00:00+00', 1.0, 'a', true),"
                + " (TIMESTAMPTZ '2025-06-05 00:00:00+00', 4.0, 'b', false)) v(ts, x, cat, flag)");
    TableData base = EngineFixture.table("b", 9, COLS, List.of(bp));
    MonitorSpec spec = EngineFixture.spec(new ProfileType.Snapshot(), List.of(), Optional.empty());
    var out = f.run(EngineFixture.input(spec, t, Optional.of(base)));
    Map<String, Object> tin = one(out.profileRows(), "column_name", ":table", "log_type", "INPUT");
    assertThat(tin.get("window"))
        .isEqualTo(Map.of("start", EngineFixture.NOW, "end", EngineFixture.NOW));
    assertThat(tin.get("granularity")).isNull();
    assertThat(tin.get("count")).isEqualTo(7L);
    Map<String, Object> tb =
        one(out.profileRows(), "column_name", ":table", "log_type", "BASELINE");
    assertThat(tb.get("count")).isEqualTo(2L);
    assertThat(tb.get("logging_table_commit_version")).isEqualTo(9L);
    Map<String, Object> dc = one(out.driftRows(), "column_name", "cat");
    assertThat(dc.get("drift_type")).isEqualTo("BASELINE");
    Map<String, Long> b = Map.of("a", 1L, "b", 1L);
    Map<String, Long> c = Map.of("a", 3L, "b", 1L, "c", 1L, "z", 1L);
    var chi = CategoricalDrift.chiSquared(b, c);
    assertThat(dc.get("chi_squared_test"))
        .isEqualTo(Map.of("statistic", chi.statistic(), "pvalue", chi.pValue()));
    assertThat(dc.get("l_infinity_distance")).isEqualTo(CategoricalDrift.lInfinity(b, c));
    Map<String, Object> dx = one(out.driftRows(), "column_name", "x");
    SortedSample bs = SortedSample.of(new double[] {1, 4});
    SortedSample cs = SortedSample.of(new double[] {1, 2, 3, 0, 5, 100});
    assertThat(dx.get("wasserstein_distance")).isEqualTo(NumericDrift.wasserstein(bs, cs));
    assertThat(dx.get("population_stability_index")).isEqualTo(NumericDrift.psi(bs, cs).psi());
  }

  @Test
  void inference_logs_have_an_all_models_group_and_one_per_model_and_join_the_newest_label()
      throws Exception {
    EngineFixture f = new EngineFixture(dir);
    List<Column> cols =
        List.of(
            col("ts", ColumnType.TIMESTAMP),
            col("request_id", ColumnType.STRING),
            col("model", ColumnType.STRING),
            col("pred", ColumnType.DOUBLE));
    Path p =
        f.file(
            "SELECT * FROM (VALUES (TIMESTAMPTZ '2026-01-01 01:00:00+00', 'r1', 'm1', 1.0),"
                + " (TIMESTAMPTZ '2026-01-01 02:00:00+00', 'r2', 'm2', 2.0),"
                + " (TIMESTAMPTZ '2026-01-01 03:00:00+00', 'r3', NULL, 3.0))"
                + " v(ts, request_id, model, pred)");
    List<Column> lcols = List.of(col("request_id", ColumnType.STRING), col("y", ColumnType.DOUBLE));
    Path l1 = f.file("SELECT * FROM (VALUES ('r1', 10.0), ('r2', 20.0)) v(request_id, y)");
    Path l2 = f.file("SELECT * FROM (VALUES ('r1', 11.0), ('r1', 12.0)) v(request_id, y)");
    ProfileType.InferenceLog il =
        new ProfileType.InferenceLog(
            ProfileType.ProblemType.PROBLEM_TYPE_REGRESSION,
            "ts",
            List.of(Granularity.parse("g", "1 day")),
            "pred",
            "model",
            Optional.of("y"),
            Optional.empty());
    MonitorSpec spec =
        EngineFixture.spec(
            il, List.of(), Optional.of(new LabelJoin("main.default.l", "request_id")));
    RefreshInput in =
        new RefreshInput(
            spec,
            1,
            EngineFixture.table("t", 1, cols, List.of(p)),
            Optional.empty(),
            Optional.of(EngineFixture.table("l", 2, lcols, List.of(l1, l2))),
            Optional.empty(),
            EngineFixture.NOW);
    var out = f.run(in);
    assertThat(one(out.profileRows(), "column_name", ":table", "model_id", "*").get("count"))
        .isEqualTo(3L);
    assertThat(one(out.profileRows(), "column_name", ":table", "model_id", "m1").get("count"))
        .isEqualTo(1L);
    assertThat(one(out.profileRows(), "column_name", ":table", "model_id", "m2").get("count"))
        .isEqualTo(1L);
    Map<String, Object> y = one(out.profileRows(), "column_name", "y", "model_id", "*");
    assertThat(y.get("count")).isEqualTo(2L);
    assertThat(y.get("num_nulls")).isEqualTo(1L);
    assertThat(y.get("avg")).isEqualTo((12.0 + 20.0) / 2);
    assertThat(one(out.profileRows(), "column_name", "y", "model_id", "m1").get("max"))
        .isEqualTo(12.0);
  }

  @Test
  void check_names_the_slicing_expression_that_duckdb_rejects() throws Exception {
    EngineFixture f = new EngineFixture(dir);
    TableData t = EngineFixture.table("t", 1, COLS, List.of(boundaryFile(f)));
    MonitorSpec spec = EngineFixture.timeSeries("ts", List.of("x > 1", "nope + 1"), "1 day");
    assertThatThrownBy(() -> f.engine.check(EngineFixture.input(spec, t, Optional.empty())))
        .isInstanceOf(KeelException.class)
        .satisfies(
            e -> assertThat(((KeelException) e).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessageStartingWith("slicing_exprs[1]: ")
        .hasMessageContaining("nope");
    f.engine.check(
        EngineFixture.input(
            EngineFixture.timeSeries("ts", List.of("x > 1"), "1 day"), t, Optional.empty()));
  }

  @Test
  void an_empty_table_gives_no_rows() {
    EngineFixture f = new EngineFixture(dir);
    TableData t = EngineFixture.table("t", 0, COLS, List.of());
    var out =
        f.run(
            EngineFixture.input(
                EngineFixture.timeSeries("ts", List.of(), "1 day"), t, Optional.empty()));
    assertThat(out.profileRows()).isEmpty();
    assertThat(out.driftRows()).isEmpty();
    assertThat(out.rowsRead()).isZero();
  }
}
