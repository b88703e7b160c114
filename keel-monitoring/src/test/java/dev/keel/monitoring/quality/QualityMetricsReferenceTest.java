package dev.keel.monitoring.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.keel.monitoring.ProfileType.ProblemType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link QualityMetrics} against scikit-learn: runs {@code src/test/python/reference_quality.py}
 * into {@code target/}, loads its generated rows into DuckDB, computes the quality metrics per
 * group and compares every value (1e-9 relative, counts exactly, undefined = NULL).
 *
 * <p>The interpreter is the first of {@code /usr/bin/python3}, {@code python3} that imports numpy
 * and scikit-learn (Debian: python3-sklearn). Without one the test skips, saying why, unless {@code
 * KEEL_TEST_REQUIRE_SERVICES=true} (CI), where it fails.
 */
class QualityMetricsReferenceTest {
  static final double REL = 1e-9;
  static final double ABS_FLOOR = 1e-12;

  private static JsonNode ref;
  private static double worstRel;

  @BeforeAll
  static void runReferenceScript() throws Exception {
    Path script = Path.of("src/test/python/reference_quality.py").toAbsolutePath();
    Path out = Path.of("target/reference-quality.json").toAbsolutePath();
    Files.createDirectories(out.getParent());
    Files.deleteIfExists(out);
    List<String> tried = new ArrayList<>();
    String python = null;
    for (String candidate : List.of("/usr/bin/python3", "python3")) {
      String why = probe(candidate);
      if (why == null) {
        python = candidate;
        break;
      }
      tried.add(candidate + ": " + why);
    }
    if (python == null) {
      String msg =
          "reference quality metrics need python3 with numpy and scikit-learn (Debian: apt-get"
              + " install python3-sklearn): "
              + String.join("; ", tried);
      if (Boolean.parseBoolean(
          System.getenv().getOrDefault("KEEL_TEST_REQUIRE_SERVICES", "false"))) {
        fail(msg + " (KEEL_TEST_REQUIRE_SERVICES=true: not skipping)");
      }
      System.err.println("QualityMetricsReferenceTest skipped: " + msg);
      Assumptions.abort(msg);
    }
    Process p =
        new ProcessBuilder(python, script.toString(), out.toString())
            .redirectErrorStream(true)
            .start();
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      fail("reference_quality.py failed: " + log);
    }
    ref = new JsonMapper().readTree(out.toFile());
  }

  @AfterAll
  static void printWorst() {
    System.out.printf(
        "reference quality (scikit-learn %s): worst relative error %.3g%n",
        ref == null ? "?" : ref.get("sklearn").asText(), worstRel);
  }

  private static String probe(String python) throws InterruptedException {
    try {
      Process p =
          new ProcessBuilder(python, "-c", "import numpy, sklearn")
              .redirectErrorStream(true)
              .start();
      String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return "did not finish in 60 s";
      }
      return p.exitValue() == 0 ? null : log.strip();
    } catch (IOException e) {
      return "not found (" + e.getMessage() + ")";
    }
  }

  @Test
  void multiclass_quality_per_group_matches_sklearn() throws Exception {
    JsonNode d = ref.get("multiclass");
    try (Connection c = TestDuckDb.open()) {
      List<List<Object>> rows = new ArrayList<>();
      for (JsonNode r : d.get("rows")) {
        rows.add(listOf(r.get("g").asText(), text(r.get("y")), text(r.get("p"))));
      }
      TestDuckDb.load(c, "t", "g VARCHAR, y VARCHAR, p VARCHAR", rows);
      QualityMetrics q =
          new QualityMetrics(
              ProblemType.PROBLEM_TYPE_CLASSIFICATION,
              "p",
              "y",
              Optional.empty(),
              Optional.empty());
      Map<GroupKey, Map<String, Object>> got = q.compute(c, "t", List.of("g"));
      compareGroups(d, got, q.columns());
      // Without probabilities there is no log loss or ROC-AUC.
      got.values().forEach(row -> assertThat(row.get("log_loss")).isNull());
    }
  }

  @Test
  void binary_quality_with_probabilities_per_two_group_expressions_matches_sklearn()
      throws Exception {
    JsonNode d = ref.get("binary");
    try (Connection c = TestDuckDb.open()) {
      List<List<Object>> rows = new ArrayList<>();
      for (JsonNode r : d.get("rows")) {
        rows.add(
            listOf(
                r.get("g").asText(),
                r.get("w").asLong(),
                r.get("y").isNull() ? null : r.get("y").asLong(),
                r.get("p").asLong(),
                number(r.get("s"))));
      }
      TestDuckDb.load(c, "t", "g VARCHAR, w BIGINT, y BIGINT, p BIGINT, s DOUBLE", rows);
      QualityMetrics q =
          new QualityMetrics(
              ProblemType.PROBLEM_TYPE_CLASSIFICATION,
              "p",
              "y",
              Optional.of("s"),
              Optional.empty());
      Map<GroupKey, Map<String, Object>> got = q.compute(c, "t", List.of("g", "w"));
      compareGroups(d, got, q.columns());
    }
  }

  @Test
  void multiclass_log_loss_and_roc_auc_of_map_probabilities_match_sklearn() throws Exception {
    JsonNode d = ref.get("multiclass_proba");
    try (Connection c = TestDuckDb.open()) {
      List<List<Object>> rows = new ArrayList<>();
      List<List<Object>> entries = new ArrayList<>();
      long id = 0;
      for (JsonNode r : d.get("rows")) {
        JsonNode m = r.get("s");
        rows.add(listOf(id, r.get("g").asText(), text(r.get("y")), text(r.get("p")), !m.isNull()));
        if (!m.isNull()) {
          var it = m.fields();
          while (it.hasNext()) {
            var e = it.next();
            entries.add(listOf(id, e.getKey(), number(e.getValue())));
          }
        }
        id++;
      }
      loadWithMap(c, "g VARCHAR, y VARCHAR, p VARCHAR", rows, entries);
      QualityMetrics q =
          new QualityMetrics(
              ProblemType.PROBLEM_TYPE_CLASSIFICATION,
              "p",
              "y",
              Optional.of("s"),
              Optional.empty());
      Map<GroupKey, Map<String, Object>> got = q.compute(c, "t", List.of("g"));
      compareGroups(d, got, q.columns());
      // The planted cases are there: defined and undefined values of both metrics.
      assertThat(got.get(GroupKey.of("A")).get("roc_auc_score")).isNotNull();
      assertThat(got.get(GroupKey.of("B")).get("roc_auc_score")).isNull();
      assertThat(got.get(GroupKey.of("B")).get("log_loss")).isNotNull();
      assertThat(got.get(GroupKey.of("C")).get("roc_auc_score")).isNull();
      assertThat(got.get(GroupKey.of("D")).get("log_loss")).isNull();
    }
  }

  @Test
  void binary_with_a_map_of_both_class_probabilities_matches_sklearn_as_the_number_does()
      throws Exception {
    JsonNode d = ref.get("binary");
    try (Connection c = TestDuckDb.open()) {
      List<List<Object>> rows = new ArrayList<>();
      List<List<Object>> entries = new ArrayList<>();
      long id = 0;
      for (JsonNode r : d.get("rows")) {
        Double s = number(r.get("s"));
        rows.add(
            listOf(
                id,
                r.get("g").asText(),
                r.get("w").asLong(),
                r.get("y").isNull() ? null : r.get("y").asLong(),
                r.get("p").asLong(),
                s != null));
        if (s != null) {
          if (s.isNaN()) {
            entries.add(listOf(id, "1", s)); // NaN: left out, as the number is
          } else {
            entries.add(listOf(id, "0", 1.0 - s));
            if (s != 0.0) {
              entries.add(listOf(id, "1", s)); // P("1") = 0 is the missing key
            }
          }
        }
        id++;
      }
      loadWithMap(c, "g VARCHAR, w BIGINT, y BIGINT, p BIGINT", rows, entries);
      QualityMetrics q =
          new QualityMetrics(
              ProblemType.PROBLEM_TYPE_CLASSIFICATION,
              "p",
              "y",
              Optional.of("s"),
              Optional.empty());
      compareGroups(d, q.compute(c, "t", List.of("g", "w")), q.columns());
    }
  }

  /**
   * Creates {@code t(<columns>, s MAP(VARCHAR, DOUBLE))} from rows {@code (id, <columns>, has map)}
   * and map entries {@code (id, key, value)}; a row without a map has s NULL.
   */
  private static void loadWithMap(
      Connection c, String columns, List<List<Object>> rows, List<List<Object>> entries)
      throws Exception {
    TestDuckDb.load(c, "r", "id BIGINT, " + columns + ", has_map BOOLEAN", rows);
    TestDuckDb.load(c, "e", "id BIGINT, k VARCHAR, v DOUBLE", entries);
    try (var st = c.createStatement()) {
      st.execute(
          "CREATE TABLE t AS SELECT r.* EXCLUDE (id, has_map), CASE WHEN has_map THEN"
              + " coalesce(m.s, MAP {}::MAP(VARCHAR, DOUBLE)) END AS s FROM r LEFT JOIN (SELECT"
              + " id, map_from_entries(list(struct_pack(key := k, value := v))) AS s FROM e GROUP"
              + " BY id) m USING (id) ORDER BY r.id");
    }
  }

  @Test
  void regression_quality_per_group_matches_sklearn() throws Exception {
    JsonNode d = ref.get("regression");
    try (Connection c = TestDuckDb.open()) {
      List<List<Object>> rows = new ArrayList<>();
      for (JsonNode r : d.get("rows")) {
        rows.add(listOf(r.get("g").asText(), number(r.get("y")), number(r.get("p"))));
      }
      TestDuckDb.load(c, "t", "g VARCHAR, y DOUBLE, p DOUBLE", rows);
      QualityMetrics q =
          new QualityMetrics(
              ProblemType.PROBLEM_TYPE_REGRESSION, "p", "y", Optional.empty(), Optional.empty());
      compareGroups(d, q.compute(c, "(SELECT * FROM t)", List.of("g")), q.columns());
    }
  }

  private static void compareGroups(
      JsonNode d, Map<GroupKey, Map<String, Object>> got, List<MetricColumn> columns)
      throws IOException {
    Map<GroupKey, JsonNode> expected = new HashMap<>();
    var it = d.get("expected").fields();
    while (it.hasNext()) {
      var e = it.next();
      expected.put(key(e.getKey()), e.getValue());
    }
    assertThat(got.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
    for (Map.Entry<GroupKey, JsonNode> e : expected.entrySet()) {
      Map<String, Object> row = got.get(e.getKey());
      assertThat(row.keySet())
          .containsExactlyElementsOf(columns.stream().map(MetricColumn::name).toList());
      for (MetricColumn col : columns) {
        String what = e.getKey().values() + " " + col.name();
        JsonNode want = e.getValue().get(col.name());
        Object have = row.get(col.name());
        if (want == null) {
          assertThat(have).as(what + " (undefined in sklearn)").isNull();
        } else {
          compare(what, want, have);
        }
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static void compare(String what, JsonNode want, Object have) {
    assertThat(have).as(what).isNotNull();
    if (want.isObject()) {
      Map<String, Object> m = (Map<String, Object>) have;
      List<String> names = new ArrayList<>();
      want.fieldNames().forEachRemaining(names::add);
      assertThat(m.keySet()).as(what).containsExactlyInAnyOrderElementsOf(names);
      for (String n : names) {
        compare(what + "." + n, want.get(n), m.get(n));
      }
    } else if (want.isArray()) {
      List<Object> l = (List<Object>) have;
      assertThat(l).as(what).hasSize(want.size());
      for (int i = 0; i < want.size(); i++) {
        compare(what + "[" + i + "]", want.get(i), l.get(i));
      }
    } else if (want.isIntegralNumber()) {
      assertThat(have).as(what).isEqualTo(want.asLong());
    } else if (want.isNumber()) {
      double w = want.asDouble();
      double h = (Double) have;
      double err = Math.abs(w - h) / Math.max(Math.abs(w), ABS_FLOOR / REL);
      worstRel = Math.max(worstRel, err);
      assertThat(err).as(what + " want " + w + " have " + h).isLessThanOrEqualTo(REL);
    } else {
      assertThat(have).as(what).isEqualTo(want.asText());
    }
  }

  private static GroupKey key(String json) throws IOException {
    JsonNode k = new JsonMapper().readTree(json.startsWith("[") ? json : "[\"" + json + "\"]");
    List<Object> values = new ArrayList<>();
    for (JsonNode v : k) {
      values.add(v.isIntegralNumber() ? (Object) v.asLong() : v.asText());
    }
    return new GroupKey(values);
  }

  private static List<Object> listOf(Object... values) {
    List<Object> l = new ArrayList<>();
    for (Object v : values) {
      l.add(v);
    }
    return l;
  }

  private static String text(JsonNode n) {
    return n == null || n.isNull() ? null : n.asText();
  }

  private static Double number(JsonNode n) {
    if (n == null || n.isNull()) {
      return null;
    }
    if (n.isTextual()) {
      return switch (n.asText()) {
        case "nan" -> Double.NaN;
        case "inf" -> Double.POSITIVE_INFINITY;
        case "-inf" -> Double.NEGATIVE_INFINITY;
        default -> Double.valueOf(n.asText());
      };
    }
    return n.asDouble();
  }
}
