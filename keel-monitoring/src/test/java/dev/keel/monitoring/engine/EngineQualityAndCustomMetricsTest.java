package dev.keel.monitoring.engine;

import static dev.keel.monitoring.engine.EngineFixture.col;
import static dev.keel.monitoring.engine.EngineFixture.one;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.keel.core.KeelException;
import dev.keel.monitoring.CustomMetric;
import dev.keel.monitoring.Granularity;
import dev.keel.monitoring.MonitorSpec;
import dev.keel.monitoring.ProfileType;
import dev.keel.tables.Column;
import dev.keel.tables.ColumnType;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineQualityAndCustomMetricsTest {
  @TempDir Path dir;

  static final String DOUBLE =
      "{\"name\":\"m\",\"type\":\"double\",\"nullable\":true,\"metadata\":{}}";

  static final List<Column> COLS =
      List.of(
          col("ts", ColumnType.TIMESTAMP),
          col("model", ColumnType.STRING),
          col("pred", ColumnType.DOUBLE),
          col("y", ColumnType.DOUBLE));

  static MonitorSpec spec(List<CustomMetric> custom) {
    ProfileType.InferenceLog il =
        new ProfileType.InferenceLog(
            ProfileType.ProblemType.PROBLEM_TYPE_REGRESSION,
            "ts",
            List.of(Granularity.parse("g", "1 day")),
            "pred",
            "model",
            Optional.of("y"),
            Optional.empty());
    return new MonitorSpec(
        "main.default.t",
        "main.mon",
        Optional.empty(),
        il,
        Optional.empty(),
        List.of(),
        custom,
        Optional.empty(),
        Optional.empty(),
        false);
  }

  TableData table(EngineFixture f) throws Exception {
    Path p =
        f.file(
            "SELECT * FROM (VALUES"
                + " (TIMESTAMPTZ '2026-01-01 01:00:00+00', 'm1', 1.0, 2.0),"
                + " (TIMESTAMPTZ '2026-01-01 02:00:00+00', 'm1', 3.0, 3.0),"
                + " (TIMESTAMPTZ '2026-01-01 03:00:00+00', 'm2', 5.0, NULL),"
                + " (TIMESTAMPTZ '2026-01-02 03:00:00+00', 'm1', 4.0, 1.0)) v(ts, model, pred, y)");
    return EngineFixture.table("t", 1, COLS, List.of(p));
  }

  @Test
  void regression_quality_goes_on_the_table_rows_of_each_window_and_model() throws Exception {
    EngineFixture f = new EngineFixture(dir);
    RefreshInput in = EngineFixture.input(spec(List.of()), table(f), Optional.empty());
    RefreshOutput out = f.engine.refresh(in, () -> false);
    assertThat(out.profileColumns().stream().map(Column::name))
        .contains("mean_squared_error", "r2_score");
    Map<String, Object> all =
        one(
            out.profileRows(),
            "column_name",
            ":table",
            "model_id",
            "*",
            "window_start",
            DuckDbMetricsEngineTest.D1);
    // labelled rows of day 1: (1, 2) and (3, 3): MSE = (1 + 0) / 2
    assertThat(all.get("mean_squared_error")).isEqualTo(0.5);
    assertThat(all.get("mean_absolute_error")).isEqualTo(0.5);
    Map<String, Object> x =
        one(
            out.profileRows(),
            "column_name",
            "pred",
            "model_id",
            "*",
            "window_start",
            DuckDbMetricsEngineTest.D1);
    assertThat(x).containsEntry("mean_squared_error", null);
  }

  @Test
  void a_map_of_class_probabilities_gives_multiclass_log_loss_and_roc_auc() throws Exception {
    EngineFixture f = new EngineFixture(dir);
    List<Column> cols =
        List.of(
            col("ts", ColumnType.TIMESTAMP),
            col("model", ColumnType.STRING),
            col("pred", ColumnType.STRING),
            col("y", ColumnType.STRING),
            col("proba", ColumnType.map(ColumnType.STRING, ColumnType.DOUBLE)));
    Path p =
        f.file(
            "SELECT * FROM (VALUES"
                + " (TIMESTAMPTZ '2026-01-01 01:00:00+00', 'm1', 'a', 'a',"
                + " MAP {'a': 0.7, 'b': 0.2, 'c': 0.1}),"
                + " (TIMESTAMPTZ '2026-01-01 02:00:00+00', 'm1', 'b', 'b',"
                + " MAP {'a': 0.1, 'b': 0.6, 'c': 0.3}),"
                + " (TIMESTAMPTZ '2026-01-01 03:00:00+00', 'm1', 'b', 'c',"
                + " MAP {'a': 0.2, 'b': 0.5, 'c': 0.3})) v(ts, model, pred, y, proba)");
    ProfileType.InferenceLog il =
        new ProfileType.InferenceLog(
            ProfileType.ProblemType.PROBLEM_TYPE_CLASSIFICATION,
            "ts",
            List.of(Granularity.parse("g", "1 day")),
            "pred",
            "model",
            Optional.of("y"),
            Optional.of("proba"));
    MonitorSpec spec =
        new MonitorSpec(
            "main.default.t",
            "main.mon",
            Optional.empty(),
            il,
            Optional.empty(),
            List.of(),
            List.of(),
            Optional.empty(),
            Optional.empty(),
            false);
    RefreshOutput out =
        f.engine.refresh(
            EngineFixture.input(
                spec, EngineFixture.table("t", 1, cols, List.of(p)), Optional.empty()),
            () -> false);
    Map<String, Object> all =
        one(
            out.profileRows(),
            "column_name",
            ":table",
            "model_id",
            "*",
            "window_start",
            DuckDbMetricsEngineTest.D1);
    // sklearn: log_loss(['a','b','c'], P) = mean(-ln 0.7, -ln 0.6, -ln 0.3)
    double logLoss = (-Math.log(0.7) - Math.log(0.6) - Math.log(0.3)) / 3;
    assertThat((Double) all.get("log_loss")).isCloseTo(logLoss, within(1e-12));
    // one-vs-rest AUCs: a 1, b 1, c 0.75 (c's 0.3 ties b-row's 0.3, beats a-row's 0.1)
    assertThat((Double) all.get("roc_auc_score")).isCloseTo((1 + 1 + 0.75) / 3, within(1e-12));
    assertThat(all.get("accuracy_score")).isEqualTo(2.0 / 3);
  }

  @Test
  void custom_aggregate_and_drift_metrics_fill_their_columns() throws Exception {
    EngineFixture f = new EngineFixture(dir);
    List<CustomMetric> custom =
        List.of(
            new CustomMetric(
                "sum_sq",
                CustomMetric.Type.CUSTOM_METRIC_TYPE_AGGREGATE,
                List.of("pred"),
                "sum({{input_column}} * {{input_column}})",
                DOUBLE),
            new CustomMetric(
                "sum_sq_delta",
                CustomMetric.Type.CUSTOM_METRIC_TYPE_DRIFT,
                List.of("pred"),
                "{{current_df}}.sum_sq - {{base_df}}.sum_sq",
                DOUBLE));
    RefreshInput in = EngineFixture.input(spec(custom), table(f), Optional.empty());
    RefreshOutput out = f.engine.refresh(in, () -> false);
    assertThat(out.profileColumns().get(out.profileColumns().size() - 1).name())
        .isEqualTo("sum_sq");
    assertThat(out.driftColumns().get(out.driftColumns().size() - 1).name())
        .isEqualTo("sum_sq_delta");
    Map<String, Object> d1 =
        one(
            out.profileRows(),
            "column_name",
            "pred",
            "model_id",
            "*",
            "window_start",
            DuckDbMetricsEngineTest.D1);
    assertThat(d1.get("sum_sq")).isEqualTo(1.0 + 9.0 + 25.0);
    Map<String, Object> drift =
        one(out.driftRows(), "column_name", "pred", "model_id", "*", "drift_type", "CONSECUTIVE");
    assertThat(drift.get("sum_sq_delta")).isEqualTo(16.0 - 35.0);
    Map<String, Object> other = one(out.driftRows(), "column_name", "y", "model_id", "*");
    assertThat(other).containsEntry("sum_sq_delta", null);
  }

  @Test
  void check_names_the_custom_metric_whose_sql_duckdb_rejects() throws Exception {
    EngineFixture f = new EngineFixture(dir);
    List<CustomMetric> custom =
        List.of(
            new CustomMetric(
                "bad",
                CustomMetric.Type.CUSTOM_METRIC_TYPE_AGGREGATE,
                List.of("pred"),
                "sum(no_such_column)",
                DOUBLE));
    RefreshInput in = EngineFixture.input(spec(custom), table(f), Optional.empty());
    assertThatThrownBy(() -> f.engine.check(in))
        .isInstanceOf(KeelException.class)
        .hasMessageStartingWith("custom_metrics[0].definition: ")
        .hasMessageContaining("no_such_column");
  }
}
