package dev.keel.monitoring.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.keel.core.KeelException;
import dev.keel.monitoring.Granularity;
import dev.keel.monitoring.MonitorSpec;
import dev.keel.monitoring.ProfileType;
import dev.keel.monitoring.ProfileType.ProblemType;
import dev.keel.tables.Column;
import dev.keel.tables.ColumnType;
import java.sql.Connection;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Hand-checked cases of {@link QualityMetrics} beyond the scikit-learn reference. */
class QualityMetricsTest {
  private static List<List<Object>> rows(Object[]... rows) {
    List<List<Object>> out = new ArrayList<>();
    for (Object[] r : rows) {
      out.add(new ArrayList<>(Arrays.asList(r)));
    }
    return out;
  }

  private static QualityMetrics binary(Optional<String> positive) {
    return new QualityMetrics(
        ProblemType.PROBLEM_TYPE_CLASSIFICATION, "p", "y", Optional.of("s"), positive);
  }

  @Test
  void probability_is_of_the_greatest_class_unless_a_positive_class_is_given() throws Exception {
    try (Connection c = TestDuckDb.open()) {
      TestDuckDb.load(
          c,
          "t",
          "y VARCHAR, p VARCHAR, s DOUBLE",
          rows(
              new Object[] {"yes", "yes", 0.9},
              new Object[] {"no", "no", 0.4},
              new Object[] {"yes", "no", 0.4},
              new Object[] {"no", "no", 0.1}));
      Map<String, Object> yes =
          binary(Optional.empty()).compute(c, "t", List.of()).get(new GroupKey(List.of()));
      // Pairs (positive, negative): 0.9>0.4, 0.9>0.1, 0.4=0.4 (half), 0.4>0.1.
      assertThat((Double) yes.get("roc_auc_score")).isCloseTo(3.5 / 4, within(1e-15));
      double ll = -(Math.log(0.9) + Math.log(0.6) + Math.log(0.4) + Math.log(0.9)) / 4;
      assertThat((Double) yes.get("log_loss")).isCloseTo(ll, within(1e-15));

      Map<String, Object> no =
          binary(Optional.of("no")).compute(c, "t", List.of()).get(new GroupKey(List.of()));
      assertThat((Double) no.get("roc_auc_score")).isCloseTo(0.5 / 4, within(1e-15));
      double llNo = -(Math.log(0.1) + Math.log(0.6) + Math.log(0.4) + Math.log(0.1)) / 4;
      assertThat((Double) no.get("log_loss")).isCloseTo(llNo, within(1e-15));
    }
  }

  @Test
  void a_constant_group_expression_is_one_group_with_the_same_values() throws Exception {
    try (Connection c = TestDuckDb.open()) {
      TestDuckDb.load(
          c,
          "t",
          "y BOOLEAN, p BOOLEAN, s DOUBLE",
          rows(
              new Object[] {true, true, 0.8},
              new Object[] {false, true, 0.6},
              new Object[] {true, false, 0.3},
              new Object[] {false, false, 0.3}));
      QualityMetrics q = binary(Optional.empty());
      Map<String, Object> all = q.compute(c, "t", List.of()).get(new GroupKey(List.of()));
      Map<GroupKey, Map<String, Object>> star = q.compute(c, "t", List.of("'*'"));
      assertThat(star).containsOnlyKeys(GroupKey.of("*"));
      assertThat(star.get(GroupKey.of("*"))).isEqualTo(all);
      // Booleans are the classes "false" < "true": positive = true. Pairs: 0.8>0.6, 0.8>0.3,
      // 0.3<0.6, 0.3=0.3 (half).
      assertThat((Double) all.get("roc_auc_score")).isCloseTo(2.5 / 4, within(1e-15));
    }
  }

  @Test
  void more_than_two_classes_have_no_log_loss_or_roc_auc_but_the_other_metrics() throws Exception {
    try (Connection c = TestDuckDb.open()) {
      TestDuckDb.load(
          c,
          "t",
          "y VARCHAR, p VARCHAR, s DOUBLE",
          rows(
              new Object[] {"a", "a", 0.9},
              new Object[] {"b", "c", 0.4},
              new Object[] {"c", "c", 0.3}));
      Map<String, Object> row =
          binary(Optional.empty()).compute(c, "t", List.of()).get(new GroupKey(List.of()));
      assertThat(row.get("log_loss")).isNull();
      assertThat(row.get("roc_auc_score")).isNull();
      assertThat((Double) row.get("accuracy_score")).isCloseTo(2.0 / 3, within(1e-15));
      assertThat(row.get("num_labeled")).isEqualTo(3L);
    }
  }

  @Test
  void groups_by_timestamp_expression_give_instant_keys_and_a_null_group_is_kept()
      throws Exception {
    try (Connection c = TestDuckDb.open()) {
      Instant day = Instant.parse("2026-12-01T00:00:00Z");
      TestDuckDb.load(
          c,
          "t",
          "ts TIMESTAMPTZ, y DOUBLE, p DOUBLE",
          rows(
              new Object[] {Timestamp.from(day), 1.0, 2.0},
              new Object[] {Timestamp.from(day.plusSeconds(86_399)), 3.0, 3.0},
              new Object[] {Timestamp.from(day.plusSeconds(86_400)), 1.0, 1.0},
              new Object[] {null, 5.0, 1.0}));
      QualityMetrics q =
          new QualityMetrics(
              ProblemType.PROBLEM_TYPE_REGRESSION, "p", "y", Optional.empty(), Optional.empty());
      Map<GroupKey, Map<String, Object>> got = q.compute(c, "t", List.of("date_trunc('day', ts)"));
      assertThat(got.keySet())
          .containsExactlyInAnyOrder(
              GroupKey.of(day), GroupKey.of(day.plusSeconds(86_400)), GroupKey.of((Object) null));
      Map<String, Object> first = got.get(GroupKey.of(day));
      assertThat(first).containsEntry("mean_squared_error", 0.5).containsEntry("num_labeled", 2L);
      // y = 1, 3 (mean 2): SST = 2, SSE = 1.
      assertThat(first).containsEntry("r2_score", 0.5);
      assertThat(got.get(GroupKey.of((Object) null))).containsEntry("mean_absolute_error", 4.0);
    }
  }

  @Test
  void empty_relation_gives_no_groups() throws Exception {
    try (Connection c = TestDuckDb.open()) {
      TestDuckDb.load(c, "t", "g VARCHAR, y VARCHAR, p VARCHAR", List.of());
      QualityMetrics q =
          new QualityMetrics(
              ProblemType.PROBLEM_TYPE_CLASSIFICATION,
              "p",
              "y",
              Optional.empty(),
              Optional.empty());
      assertThat(q.compute(c, "t", List.of("g"))).isEmpty();
    }
  }

  @Test
  void regression_without_group_expressions_gives_one_group() throws Exception {
    try (Connection c = TestDuckDb.open()) {
      TestDuckDb.load(
          c,
          "t",
          "y DOUBLE, p DOUBLE",
          rows(new Object[] {0.0, 1.0}, new Object[] {2.0, 1.0}, new Object[] {4.0, 4.0}));
      QualityMetrics q =
          new QualityMetrics(
              ProblemType.PROBLEM_TYPE_REGRESSION, "p", "y", Optional.empty(), Optional.empty());
      Map<GroupKey, Map<String, Object>> got = q.compute(c, "t", List.of());
      assertThat(got).containsOnlyKeys(new GroupKey(List.of()));
      // MAPE over y != 0 only: |2-1|/2 and 0.
      assertThat(got.get(new GroupKey(List.of())))
          .containsEntry("mean_absolute_percentage_error", 0.25)
          .containsEntry("mean_absolute_error", 2.0 / 3)
          .containsEntry("r2_score", 1.0 - 2.0 / 8.0);
    }
  }

  @Test
  void only_inference_logs_with_a_label_column_have_quality_metrics() {
    ProfileType.InferenceLog withLabel =
        new ProfileType.InferenceLog(
            ProblemType.PROBLEM_TYPE_REGRESSION,
            "ts",
            List.of(Granularity.parse("granularities[0]", "1 day")),
            "pred",
            "model",
            Optional.of("label"),
            Optional.empty());
    ProfileType.InferenceLog withoutLabel =
        new ProfileType.InferenceLog(
            ProblemType.PROBLEM_TYPE_CLASSIFICATION,
            "ts",
            withLabel.granularities(),
            "pred",
            "model",
            Optional.empty(),
            Optional.empty());
    assertThat(QualityMetrics.forSpec(spec(withLabel)))
        .hasValueSatisfying(
            q ->
                assertThat(q.columns())
                    .extracting(MetricColumn::name)
                    .containsExactly(
                        "mean_squared_error",
                        "root_mean_squared_error",
                        "mean_absolute_error",
                        "mean_absolute_percentage_error",
                        "r2_score",
                        "num_labeled"));
    assertThat(QualityMetrics.forSpec(spec(withoutLabel))).isEmpty();
    assertThat(QualityMetrics.forSpec(spec(new ProfileType.Snapshot()))).isEmpty();
  }

  @Test
  void wrong_column_types_are_400_naming_the_inference_log_field() {
    Column text = Column.of("t", ColumnType.STRING);
    Column num = Column.of("n", ColumnType.DOUBLE);
    Column bin = Column.of("b", ColumnType.BINARY);
    assertThatThrownBy(
            () ->
                QualityMetrics.validate(
                    ProblemType.PROBLEM_TYPE_REGRESSION, num, text, Optional.empty()))
        .isInstanceOf(KeelException.class)
        .hasMessageStartingWith("inference_log.label_col: column 't' has type string");
    assertThatThrownBy(
            () ->
                QualityMetrics.validate(
                    ProblemType.PROBLEM_TYPE_CLASSIFICATION, text, text, Optional.of(text)))
        .hasMessageStartingWith("inference_log.prediction_proba_col: column 't'");
    assertThatThrownBy(
            () ->
                QualityMetrics.validate(
                    ProblemType.PROBLEM_TYPE_CLASSIFICATION, bin, text, Optional.empty()))
        .hasMessageStartingWith("inference_log.prediction_col: column 'b' has type binary");
    QualityMetrics.validate(ProblemType.PROBLEM_TYPE_CLASSIFICATION, text, num, Optional.of(num));
    QualityMetrics.validate(ProblemType.PROBLEM_TYPE_REGRESSION, num, num, Optional.empty());
  }

  @Test
  void a_map_probability_column_must_map_string_keys_to_float_double_or_decimal() {
    Column text = Column.of("t", ColumnType.STRING);
    for (String ok :
        List.of(
            "map<string,double>",
            "map<string,float>",
            "map<string,decimal(10,4)>",
            "double",
            "int")) {
      QualityMetrics.validate(
          ProblemType.PROBLEM_TYPE_CLASSIFICATION,
          text,
          text,
          Optional.of(Column.of("s", ColumnType.parse("s", ok))));
    }
    assertThatThrownBy(
            () ->
                QualityMetrics.validateProba(
                    Column.of("s", ColumnType.parse("s", "map<int,double>"))))
        .isInstanceOf(KeelException.class)
        .hasMessage(
            "inference_log.prediction_proba_col: column 's' has type map<int,double>, but the keys"
                + " of a map of class probabilities must be strings (the class labels as text)");
    assertThatThrownBy(
            () ->
                QualityMetrics.validateProba(
                    Column.of("s", ColumnType.parse("s", "map<string,string>"))))
        .isInstanceOf(KeelException.class)
        .hasMessageStartingWith(
            "inference_log.prediction_proba_col: column 's' has type map<string,string>")
        .hasMessageEndingWith(
            "but the values of a map of class probabilities must be float, double or decimal");
    assertThatThrownBy(
            () ->
                QualityMetrics.validateProba(
                    Column.of("s", ColumnType.parse("s", "map<string,bigint>"))))
        .hasMessageContaining("has type map<string,bigint>, but the values");
    assertThatThrownBy(
            () ->
                QualityMetrics.validateProba(
                    Column.of("s", ColumnType.parse("s", "array<double>"))))
        .isInstanceOf(KeelException.class)
        .hasMessageStartingWith(
            "inference_log.prediction_proba_col: column 's' has type array<double>")
        .hasMessageEndingWith(
            ", but it must be a number (the probability of the positive class) or a"
                + " map<string,double> (class label -> probability)");
    assertThatThrownBy(
            () ->
                QualityMetrics.validateProba(
                    Column.of("s", ColumnType.parse("s", "map<string,int>"))))
        .hasMessageContaining("has type map<string,int>, but the values");
  }

  /** Four rows of classes a, b, c; P(c) is missing (0) in the last map. */
  private static void loadMulticlass(Connection c, String g) throws Exception {
    String rows =
        "('a', 'a', MAP {'a': 0.7, 'b': 0.2, 'c': 0.1}),"
            + " ('b', 'a', MAP {'a': 0.5, 'b': 0.2, 'c': 0.3}),"
            + " ('c', 'c', MAP {'a': 0.2, 'b': 0.2, 'c': 0.6}),"
            + " ('b', 'b', MAP {'a': 0.2, 'b': 0.8})";
    try (var st = c.createStatement()) {
      st.execute(
          "CREATE TABLE IF NOT EXISTS t (g VARCHAR, y VARCHAR, p VARCHAR, s MAP(VARCHAR,"
              + " DOUBLE))");
      st.execute(
          "INSERT INTO t SELECT "
              + g
              + ", y, p, s::MAP(VARCHAR, DOUBLE) FROM (VALUES "
              + rows
              + ") v(y, p, s)");
    }
  }

  @Test
  void multiclass_map_probabilities_by_hand() throws Exception {
    try (Connection c = TestDuckDb.open()) {
      loadMulticlass(c, "'x'");
      loadMulticlass(c, "NULL");
      QualityMetrics q = binary(Optional.empty());
      // One-vs-rest: a: 0.7 above 0.5, 0.2, 0.2 (1); b: positives 0.2 and 0.8 against negatives
      // 0.2 and 0.2: two ties and two wins (3/4); c: 0.6 above 0.1, 0.3, 0 (1). Macro: mean.
      double auc = (1 + 0.75 + 1) / 3;
      // P(true class), each row summing to 1 (the missing c clipped to 2^-52 barely counts).
      double ll = -(Math.log(0.7) + Math.log(0.2) + Math.log(0.6) + Math.log(0.8)) / 4;
      Map<GroupKey, Map<String, Object>> byG = q.compute(c, "t", List.of("g"));
      assertThat(byG).containsOnlyKeys(GroupKey.of("x"), GroupKey.of((Object) null));
      List<Map<String, Object>> all = new ArrayList<>(byG.values());
      all.add(q.compute(c, "t", List.of()).get(new GroupKey(List.of())));
      for (Map<String, Object> row : all) {
        assertThat((Double) row.get("roc_auc_score")).isCloseTo(auc, within(1e-15));
        assertThat((Double) row.get("log_loss")).isCloseTo(ll, within(1e-15));
      }
      assertThat(byG.get(GroupKey.of("x")).get("num_labeled")).isEqualTo(4L);
    }
  }

  @Test
  void probabilities_not_summing_to_one_are_renormalised_in_log_loss_and_void_roc_auc()
      throws Exception {
    try (Connection c = TestDuckDb.open()) {
      try (var st = c.createStatement()) {
        st.execute(
            "CREATE TABLE t AS SELECT y, p, s::MAP(VARCHAR, DOUBLE) AS s FROM (VALUES ('a', 'a',"
                + " MAP {'a': 0.6, 'b': 0.2, 'c': 0.1}), ('b', 'b', MAP {'b': 0.5, 'c': 0.5}),"
                + " ('c', 'c', MAP {'c': 1.0}), ('c', 'c', NULL)) v(y, p, s)");
      }
      Map<String, Object> row =
          binary(Optional.empty()).compute(c, "t", List.of()).get(new GroupKey(List.of()));
      double eps = Math.ulp(1.0);
      // Row 1 sums to 0.9; row 2 and 3 to 1 plus the missing classes' eps; the NULL map is out.
      double ll =
          -(Math.log(0.6 / 0.9) + Math.log(0.5 / (1 + eps)) + Math.log((1 - eps) / (1 + eps))) / 3;
      assertThat((Double) row.get("log_loss")).isCloseTo(ll, within(1e-15));
      assertThat(row.get("roc_auc_score")).isNull();
      assertThat(row.get("num_labeled")).isEqualTo(4L);
    }
  }

  @Test
  void a_binary_map_gives_what_the_number_gives() throws Exception {
    try (Connection c = TestDuckDb.open()) {
      try (var st = c.createStatement()) {
        st.execute(
            "CREATE TABLE t AS SELECT y, p, s, CASE WHEN s = 0 THEN MAP {'no': 1.0} ELSE MAP"
                + " {'no': 1 - s, 'yes': s} END::MAP(VARCHAR, DOUBLE) AS m FROM (VALUES ('yes',"
                + " 'yes', 0.9), ('no', 'no', 0.4), ('yes', 'no', 0.4), ('no', 'no', 0.1), ('yes',"
                + " 'no', 0.0)) v(y, p, s)");
      }
      Map<String, Object> number =
          binary(Optional.empty()).compute(c, "t", List.of()).get(new GroupKey(List.of()));
      Map<String, Object> map =
          new QualityMetrics(
                  ProblemType.PROBLEM_TYPE_CLASSIFICATION,
                  "p",
                  "y",
                  Optional.of("m"),
                  Optional.empty())
              .compute(c, "t", List.of())
              .get(new GroupKey(List.of()));
      assertThat(map).isEqualTo(number);
      assertThat(map.get("roc_auc_score")).isNotNull();
    }
  }

  @Test
  void flat_quality_columns_are_keel_columns() {
    for (ProblemType t : ProblemType.values()) {
      for (MetricColumn c : QualityMetrics.columns(t)) {
        if (!c.typeText().contains("<")) {
          assertThat(c.toColumn().type().typeText()).as(c.name()).isEqualTo(c.typeText());
        }
      }
    }
  }

  private static MonitorSpec spec(ProfileType profile) {
    return new MonitorSpec(
        "main.s.t",
        "main.s",
        Optional.empty(),
        profile,
        Optional.empty(),
        List.of(),
        List.of(),
        Optional.empty(),
        Optional.empty(),
        false);
  }
}
