package dev.keel.monitoring.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.monitoring.CustomMetric;
import dev.keel.monitoring.CustomMetric.Type;
import dev.keel.tables.Column;
import dev.keel.tables.ColumnType;
import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Custom metrics on a generated table, against values computed in plain Java from the same rows.
 */
class CustomMetricsTest {
  static final String DOUBLE =
      "{\"name\":\"m\",\"type\":\"double\",\"nullable\":true,\"metadata\":{}}";
  static final String LONG = "{\"name\":\"m\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}}";
  static final List<Column> COLUMNS =
      List.of(
          Column.of("g", ColumnType.STRING),
          Column.of("ts", ColumnType.TIMESTAMP),
          Column.of("x", ColumnType.DOUBLE),
          Column.of("order", ColumnType.DOUBLE),
          Column.of("w", ColumnType.DOUBLE),
          Column.of("pred", ColumnType.STRING),
          Column.of("label", ColumnType.STRING));

  record Row(String g, Instant ts, Double x, Double order, double w, String pred, String label) {}

  private Connection db;
  private final List<Row> rows = new ArrayList<>();

  @BeforeEach
  void load() throws Exception {
    db = TestDuckDb.open();
    Random r = new Random(7);
    List<List<Object>> values = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      String g = "g" + (i % 3);
      Instant ts = Instant.parse("2026-12-01T00:00:00Z").plusSeconds(3600L * (i % 50));
      Double x = i % 17 == 0 ? null : r.nextGaussian() * 3 + (i % 3);
      Double order = r.nextDouble() * 10;
      double w = 1 + r.nextInt(5);
      String label = r.nextBoolean() ? "yes" : "no";
      String pred = r.nextInt(4) == 0 ? (label.equals("yes") ? "no" : "yes") : label;
      rows.add(new Row(g, ts, x, order, w, pred, label));
      values.add(
          new ArrayList<>(
              java.util.Arrays.asList(g, java.sql.Timestamp.from(ts), x, order, w, pred, label)));
    }
    TestDuckDb.load(
        db,
        "t",
        "g VARCHAR, ts TIMESTAMPTZ, x DOUBLE, \"order\" DOUBLE, w DOUBLE, pred VARCHAR,"
            + " label VARCHAR",
        values);
  }

  @AfterEach
  void close() throws Exception {
    db.close();
  }

  private static CustomMetric metric(
      String name, Type type, List<String> inputs, String definition, String outputType) {
    return new CustomMetric(name, type, inputs, definition, outputType);
  }

  private static CustomMetrics of(CustomMetric... metrics) {
    return new CustomMetrics(List.of(metrics), COLUMNS, Optional.of("pred"), Optional.of("label"));
  }

  /** The value in plain Java: mean of v*v over non-null v of each group. */
  private Map<String, Double> meanSquare(java.util.function.Function<Row, Double> col) {
    Map<String, double[]> acc = new HashMap<>();
    for (Row row : rows) {
      Double v = col.apply(row);
      if (v != null) {
        double[] a = acc.computeIfAbsent(row.g(), k -> new double[2]);
        a[0] += v * v;
        a[1]++;
      }
    }
    Map<String, Double> out = new HashMap<>();
    acc.forEach((g, a) -> out.put(g, a[0] / a[1]));
    return out;
  }

  @Test
  void aggregate_metric_is_computed_per_input_column_and_group() throws Exception {
    CustomMetrics cm =
        of(
            metric(
                "mean_sq",
                Type.CUSTOM_METRIC_TYPE_AGGREGATE,
                List.of("x", "order"),
                "avg({{ input_column }} * {{input_column}})",
                DOUBLE),
            metric(
                "n_big",
                Type.CUSTOM_METRIC_TYPE_AGGREGATE,
                List.of("x"),
                "count(*) FILTER (WHERE {{input_column}} > 2)",
                LONG));
    assertThat(cm.profileColumns())
        .containsExactly(
            new MetricColumn("mean_sq", "double"), new MetricColumn("n_big", "bigint"));
    Map<GroupKey, Map<String, Map<String, Object>>> got = cm.computeProfile(db, "t", List.of("g"));
    Map<String, Double> x = meanSquare(Row::x);
    Map<String, Double> order = meanSquare(Row::order);
    assertThat(got).hasSize(3);
    for (String g : List.of("g0", "g1", "g2")) {
      Map<String, Map<String, Object>> byColumn = got.get(GroupKey.of(g));
      assertThat(byColumn.keySet()).containsExactly("x", "order");
      assertThat((Double) byColumn.get("x").get("mean_sq")).isCloseTo(x.get(g), within(1e-9));
      assertThat((Double) byColumn.get("order").get("mean_sq"))
          .isCloseTo(order.get(g), within(1e-9));
      long big = rows.stream().filter(r -> r.g().equals(g) && r.x() != null && r.x() > 2).count();
      assertThat(byColumn.get("x").get("n_big")).isEqualTo(big);
      assertThat(byColumn.get("order")).doesNotContainKey("n_big");
    }
  }

  @Test
  void table_level_metric_uses_prediction_and_label_columns_and_goes_on_the_table_row()
      throws Exception {
    CustomMetrics cm =
        of(
            metric(
                "weighted_error",
                Type.CUSTOM_METRIC_TYPE_AGGREGATE,
                List.of(":table"),
                "sum(CASE WHEN {{prediction_col}} <> {{label_col}} THEN w ELSE 0 END) / sum(w)",
                DOUBLE));
    Map<GroupKey, Map<String, Map<String, Object>>> got =
        cm.computeProfile(db, "t", List.of("date_trunc('day', ts)"));
    Map<Instant, double[]> want = new LinkedHashMap<>();
    for (Row r : rows) {
      Instant day = r.ts().truncatedTo(java.time.temporal.ChronoUnit.DAYS);
      double[] a = want.computeIfAbsent(day, k -> new double[2]);
      a[0] += r.pred().equals(r.label()) ? 0 : r.w();
      a[1] += r.w();
    }
    assertThat(got.keySet())
        .containsExactlyInAnyOrderElementsOf(want.keySet().stream().map(GroupKey::of).toList());
    want.forEach(
        (day, a) ->
            assertThat((Double) got.get(GroupKey.of(day)).get(":table").get("weighted_error"))
                .isCloseTo(a[0] / a[1], within(1e-12)));
  }

  @Test
  void derived_metrics_combine_aggregates_of_the_same_column_and_earlier_derived_ones()
      throws Exception {
    CustomMetrics cm =
        of(
            metric(
                "root_mean_sq",
                Type.CUSTOM_METRIC_TYPE_DERIVED,
                List.of("x"),
                "sqrt(mean_sq)",
                DOUBLE),
            metric(
                "mean_sq",
                Type.CUSTOM_METRIC_TYPE_AGGREGATE,
                List.of("x"),
                "avg({{input_column}} * {{input_column}})",
                DOUBLE),
            metric(
                "is_wide",
                Type.CUSTOM_METRIC_TYPE_DERIVED,
                List.of("x"),
                "root_mean_sq > 3",
                "{\"name\":\"b\",\"type\":\"boolean\",\"nullable\":true,\"metadata\":{}}"));
    cm.check(db, "t");
    Map<GroupKey, Map<String, Map<String, Object>>> got = cm.computeProfile(db, "t", List.of());
    Map<String, Object> x = got.get(new GroupKey(List.of())).get("x");
    double ms = 0;
    int n = 0;
    for (Row r : rows) {
      if (r.x() != null) {
        ms += r.x() * r.x();
        n++;
      }
    }
    ms /= n;
    assertThat((Double) x.get("mean_sq")).isCloseTo(ms, within(1e-9));
    assertThat((Double) x.get("root_mean_sq")).isCloseTo(Math.sqrt(ms), within(1e-9));
    assertThat(x.get("is_wide")).isEqualTo(Math.sqrt(ms) > 3);
  }

  @Test
  void drift_metric_compares_current_and_base_rows_of_its_columns_only() throws Exception {
    CustomMetrics cm =
        of(
            metric(
                "mean_sq",
                Type.CUSTOM_METRIC_TYPE_AGGREGATE,
                List.of("x", "order"),
                "avg({{input_column}} * {{input_column}})",
                DOUBLE),
            metric(
                "mean_sq_delta",
                Type.CUSTOM_METRIC_TYPE_DRIFT,
                List.of("x"),
                "{{current_df}}.mean_sq - {{base_df}}.mean_sq",
                DOUBLE),
            metric(
                "avg_ratio",
                Type.CUSTOM_METRIC_TYPE_DRIFT,
                List.of("x", "order"),
                "{{current_df}}.avg / {{base_df}}.avg",
                DOUBLE));
    cm.check(db);
    assertThat(cm.driftColumns())
        .containsExactly(
            new MetricColumn("mean_sq_delta", "double"), new MetricColumn("avg_ratio", "double"));
    Map<GroupKey, Map<String, Map<String, Object>>> prof = cm.computeProfile(db, "t", List.of("g"));
    Map<String, Object> cur = new HashMap<>(prof.get(GroupKey.of("g1")).get("x"));
    Map<String, Object> base = new HashMap<>(prof.get(GroupKey.of("g0")).get("x"));
    cur.put("avg", 2.5);
    base.put("avg", 0.5);
    Map<String, Object> curOrder = new HashMap<>(prof.get(GroupKey.of("g1")).get("order"));
    curOrder.put("avg", 4.0);
    Map<String, Object> baseOrder = new HashMap<>(prof.get(GroupKey.of("g0")).get("order"));
    baseOrder.put("avg", null);
    List<Map<String, Object>> got =
        cm.computeDrift(
            db,
            List.of(
                new CustomMetrics.DriftInput("x", cur, base),
                new CustomMetrics.DriftInput("order", curOrder, baseOrder)));
    assertThat(got).hasSize(2);
    assertThat((Double) got.get(0).get("mean_sq_delta"))
        .isCloseTo((Double) cur.get("mean_sq") - (Double) base.get("mean_sq"), within(1e-12));
    assertThat(got.get(0).get("avg_ratio")).isEqualTo(5.0);
    assertThat(got.get(1)).doesNotContainKey("mean_sq_delta").containsEntry("avg_ratio", null);
  }

  @Test
  void failing_definition_is_400_naming_the_metric_with_duckdbs_message() {
    CustomMetrics cm =
        of(
            metric(
                "ok",
                Type.CUSTOM_METRIC_TYPE_AGGREGATE,
                List.of("x"),
                "avg({{input_column}})",
                DOUBLE),
            metric(
                "bad",
                Type.CUSTOM_METRIC_TYPE_AGGREGATE,
                List.of("x"),
                "avg(no_such_col)",
                DOUBLE));
    assertThatThrownBy(() -> cm.check(db, "t"))
        .isInstanceOfSatisfying(
            KeelException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessageStartingWith("custom_metrics[1].definition: Binder Error")
        .hasMessageContaining("no_such_col")
        .hasMessageNotContaining("LINE 1");
  }

  @Test
  void aggregate_definition_that_is_not_an_aggregate_is_400() {
    CustomMetrics cm =
        of(
            metric(
                "plain",
                Type.CUSTOM_METRIC_TYPE_AGGREGATE,
                List.of("x"),
                "{{input_column}} + 1",
                DOUBLE));
    assertThatThrownBy(() -> cm.check(db))
        .isInstanceOf(KeelException.class)
        .hasMessageStartingWith("custom_metrics[0].definition: ")
        .hasMessageContaining("GROUP BY");
  }

  @Test
  void derived_metric_referencing_an_unknown_metric_is_400_naming_it() {
    CustomMetrics cm =
        of(
            metric(
                "a",
                Type.CUSTOM_METRIC_TYPE_AGGREGATE,
                List.of("x"),
                "avg({{input_column}})",
                DOUBLE),
            metric("d", Type.CUSTOM_METRIC_TYPE_DERIVED, List.of("x"), "a + nope", DOUBLE));
    assertThatThrownBy(() -> cm.check(db, "t"))
        .hasMessageStartingWith("custom_metrics[1].definition: ")
        .hasMessageContaining("nope");
  }

  @Test
  void drift_metric_referencing_an_unknown_metric_is_400_naming_it() {
    CustomMetrics cm =
        of(
            metric(
                "dd",
                Type.CUSTOM_METRIC_TYPE_DRIFT,
                List.of("x"),
                "{{current_df}}.nope - {{base_df}}.avg",
                DOUBLE));
    assertThatThrownBy(() -> cm.check(db))
        .hasMessageStartingWith("custom_metrics[0].definition: ")
        .hasMessageContaining("nope");
  }

  @Test
  void invalid_names_columns_placeholders_and_types_are_400_naming_the_field() {
    record Case(CustomMetric m, String message) {}
    List<Case> cases =
        List.of(
            new Case(
                metric(
                    "Bad-Name", Type.CUSTOM_METRIC_TYPE_AGGREGATE, List.of("x"), "avg(x)", DOUBLE),
                "custom_metrics[0].name: 'Bad-Name' is not a valid column name"),
            new Case(
                metric("avg", Type.CUSTOM_METRIC_TYPE_AGGREGATE, List.of("x"), "avg(x)", DOUBLE),
                "custom_metrics[0].name: 'avg' is a built-in column"),
            new Case(
                metric(
                    "r2_score", Type.CUSTOM_METRIC_TYPE_AGGREGATE, List.of("x"), "avg(x)", DOUBLE),
                "custom_metrics[0].name: 'r2_score' is a built-in column"),
            new Case(
                metric(
                    "m",
                    Type.CUSTOM_METRIC_TYPE_AGGREGATE,
                    List.of("x", "nope", "zip"),
                    "avg(x)",
                    DOUBLE),
                "custom_metrics[0].input_columns: no such column(s) in the table: nope, zip"),
            new Case(
                metric("m", Type.CUSTOM_METRIC_TYPE_AGGREGATE, List.of(), "avg(x)", DOUBLE),
                "custom_metrics[0].input_columns: name at least one column"),
            new Case(
                metric(
                    "m",
                    Type.CUSTOM_METRIC_TYPE_AGGREGATE,
                    List.of(":table"),
                    "avg({{input_column}})",
                    DOUBLE),
                "custom_metrics[0].definition: {{input_column}} needs input_columns"),
            new Case(
                metric(
                    "m",
                    Type.CUSTOM_METRIC_TYPE_AGGREGATE,
                    List.of("x"),
                    "avg({{column}})",
                    DOUBLE),
                "custom_metrics[0].definition: unknown placeholder {{column}}"),
            new Case(
                metric(
                    "m",
                    Type.CUSTOM_METRIC_TYPE_AGGREGATE,
                    List.of("x"),
                    "avg({{current_df}}.x)",
                    DOUBLE),
                "custom_metrics[0].definition: {{current_df}} is only for CUSTOM_METRIC_TYPE_DRIFT"),
            new Case(
                metric("m", Type.CUSTOM_METRIC_TYPE_AGGREGATE, List.of("x"), "  ", DOUBLE),
                "custom_metrics[0].definition: must not be empty"),
            new Case(
                metric(
                    "m",
                    Type.CUSTOM_METRIC_TYPE_AGGREGATE,
                    List.of("x"),
                    "avg(x)",
                    "{\"name\":\"m\",\"type\":{\"type\":\"array\",\"elementType\":\"double\"}}"),
                "custom_metrics[0].output_data_type: expected a Spark StructField JSON"),
            new Case(
                metric(
                    "m",
                    Type.CUSTOM_METRIC_TYPE_AGGREGATE,
                    List.of("x"),
                    "avg(x)",
                    "{\"type\":\"decimal(10,2)\"}"),
                "custom_metrics[0].output_data_type: type 'decimal(10,2)' is not supported"),
            new Case(
                metric("m", Type.CUSTOM_METRIC_TYPE_AGGREGATE, List.of("x"), "avg(x)", "{not json"),
                "custom_metrics[0].output_data_type: not JSON"));
    for (Case c : cases) {
      assertThatThrownBy(
              () ->
                  CustomMetrics.validate(
                      List.of(c.m()),
                      COLUMNS,
                      Set.of("avg", "count"),
                      Optional.of("pred"),
                      Optional.of("label")))
          .as(c.message())
          .isInstanceOfSatisfying(
              KeelException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
          .hasMessageStartingWith(c.message());
    }
    // A second metric with the same name, and a prediction placeholder on a monitor without one.
    CustomMetric ok =
        metric("m", Type.CUSTOM_METRIC_TYPE_AGGREGATE, List.of("x"), "avg(x)", DOUBLE);
    assertThatThrownBy(
            () ->
                CustomMetrics.validate(
                    List.of(ok, ok), COLUMNS, Set.of(), Optional.empty(), Optional.empty()))
        .hasMessageStartingWith("custom_metrics[1].name: 'm' is used by an earlier custom metric");
    CustomMetric pred =
        metric(
            "m",
            Type.CUSTOM_METRIC_TYPE_AGGREGATE,
            List.of(":table"),
            "count({{prediction_col}})",
            LONG);
    assertThatThrownBy(
            () ->
                CustomMetrics.validate(
                    List.of(pred), COLUMNS, Set.of(), Optional.empty(), Optional.empty()))
        .hasMessageStartingWith(
            "custom_metrics[0].definition: {{prediction_col}} needs an inference_log");
  }

  @Test
  void output_types_cast_values_to_long_string_and_double() throws Exception {
    CustomMetrics cm =
        of(
            metric(
                "n_int",
                Type.CUSTOM_METRIC_TYPE_AGGREGATE,
                List.of(":table"),
                "count(*) * 1.0",
                "{\"name\":\"n\",\"type\":\"integer\",\"nullable\":true,\"metadata\":{}}"),
            metric(
                "top_label",
                Type.CUSTOM_METRIC_TYPE_AGGREGATE,
                List.of(":table"),
                "max({{label_col}})",
                "{\"name\":\"s\",\"type\":\"string\",\"nullable\":true,\"metadata\":{}}"),
            metric(
                "as_double",
                Type.CUSTOM_METRIC_TYPE_AGGREGATE,
                List.of(":table"),
                "count(*)",
                DOUBLE));
    assertThat(cm.profileColumns())
        .extracting(MetricColumn::typeText)
        .containsExactly("int", "string", "double");
    Map<String, Object> t =
        cm.computeProfile(db, "(SELECT * FROM t WHERE g = 'g0')", List.of())
            .get(new GroupKey(List.of()))
            .get(":table");
    assertThat(t)
        .containsEntry("n_int", 100L)
        .containsEntry("top_label", "yes")
        .containsEntry("as_double", 100.0);
  }

  @Test
  void many_drift_rows_are_computed_in_batches_in_input_order() throws Exception {
    CustomMetrics cm =
        of(
            metric(
                "count_ratio",
                Type.CUSTOM_METRIC_TYPE_DRIFT,
                List.of("x", "order"),
                "{{current_df}}.COUNT / {{base_df}}.\"count\"",
                DOUBLE),
            metric("constant", Type.CUSTOM_METRIC_TYPE_DRIFT, List.of(":table"), "42", LONG));
    cm.check(db);
    List<CustomMetrics.DriftInput> inputs = new ArrayList<>();
    int n = CustomMetrics.DRIFT_BATCH * 2 + 17;
    for (int k = 0; k < n; k++) {
      Map<String, Object> cur = new HashMap<>();
      cur.put("count", (long) k);
      cur.put("avg", "not referenced, not typed");
      inputs.add(
          new CustomMetrics.DriftInput(
              k % 3 == 0 ? "x" : k % 3 == 1 ? "order" : ":table", cur, Map.of("count", 4L)));
    }
    List<Map<String, Object>> got = cm.computeDrift(db, inputs);
    assertThat(got).hasSize(n);
    for (int k = 0; k < n; k++) {
      if (k % 3 == 2) {
        assertThat(got.get(k)).as("row " + k).containsExactly(Map.entry("constant", 42L));
      } else {
        assertThat(got.get(k)).as("row " + k).containsExactly(Map.entry("count_ratio", k / 4.0));
      }
    }
  }
}
