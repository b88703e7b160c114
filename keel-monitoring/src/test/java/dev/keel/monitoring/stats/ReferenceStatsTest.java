package dev.keel.monitoring.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Keel's statistics against numpy/scipy: runs {@code src/test/python/reference_stats.py} (python3
 * with numpy and scipy) into {@code target/}, then compares every value it wrote. Statistics must
 * agree within 1e-9 relative (1e-12 absolute near 0), p-values within 1e-6 absolute; counts, bins
 * and the KS method exactly.
 *
 * <p>Without python3, numpy or scipy the test skips, saying why, unless {@code
 * KEEL_TEST_REQUIRE_SERVICES=true} (CI), where it fails.
 */
class ReferenceStatsTest {
  static final double REL = 1e-9;
  static final double ABS_FLOOR = 1e-12;
  static final double P_ABS = 1e-6;

  private static JsonNode ref;
  // The worst agreement seen, printed after the run (for the record, not asserted further).
  private static double worstRel;
  private static double worstPAbs;
  private static double worstPRel;

  @BeforeAll
  static void runReferenceScript() throws Exception {
    Path script = Path.of("src/test/python/reference_stats.py").toAbsolutePath();
    Path out = Path.of("target/reference-stats.json").toAbsolutePath();
    Files.createDirectories(out.getParent());
    Files.deleteIfExists(out);
    String why = probePython();
    if (why != null) {
      boolean required =
          Boolean.parseBoolean(System.getenv().getOrDefault("KEEL_TEST_REQUIRE_SERVICES", "false"));
      String msg =
          "reference statistics need python3 with numpy and scipy (Debian: apt-get install"
              + " python3-numpy python3-scipy): "
              + why;
      if (required) {
        fail(msg + " (KEEL_TEST_REQUIRE_SERVICES=true: not skipping)");
      }
      System.err.println("ReferenceStatsTest skipped: " + msg);
      Assumptions.abort(msg);
    }
    Process p =
        new ProcessBuilder("python3", script.toString(), out.toString())
            .redirectErrorStream(true)
            .start();
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      fail("reference_stats.py failed: " + log);
    }
    ref =
        JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build()
            .readTree(out.toFile());
  }

  @AfterAll
  static void printWorst() {
    System.out.printf(
        "reference stats (numpy %s, scipy %s): worst relative error of statistics %.3g, worst"
            + " p-value error %.3g absolute, %.3g relative%n",
        ref == null ? "?" : ref.get("numpy").asText(),
        ref == null ? "?" : ref.get("scipy").asText(),
        worstRel,
        worstPAbs,
        worstPRel);
  }

  /** Null when python3 can import numpy and scipy, else what is missing. */
  private static String probePython() throws InterruptedException {
    try {
      Process p =
          new ProcessBuilder("python3", "-c", "import numpy, scipy")
              .redirectErrorStream(true)
              .start();
      String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return "python3 -c 'import numpy, scipy' did not finish in 60 s";
      }
      return p.exitValue() == 0 ? null : log.strip();
    } catch (IOException e) {
      return "python3 not found (" + e.getMessage() + ")";
    }
  }

  @TestFactory
  Stream<DynamicTest> numeric_drift_and_profiles_match_scipy() {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : ref.get("numeric")) {
      String name = c.get("name").asText();
      tests.add(DynamicTest.dynamicTest(name, () -> checkNumeric(name, c)));
    }
    return tests.stream();
  }

  private static void checkNumeric(String name, JsonNode c) {
    SortedSample b = SortedSample.of(doubles(c.get("baseline")));
    SortedSample cur = SortedSample.of(doubles(c.get("current")));

    KsResult ks = NumericDrift.ks(b, cur);
    JsonNode eks = c.get("ks");
    assertThat(ks.method().name()).as(name + " ks method").isEqualTo(eks.get("method").asText());
    close(name + " ks statistic", eks.get("statistic").asDouble(), ks.statistic());
    pClose(name + " ks pvalue", eks.get("pvalue").asDouble(), ks.pValue());

    close(name + " wasserstein", c.get("wasserstein").asDouble(), NumericDrift.wasserstein(b, cur));

    PsiResult psi = NumericDrift.psi(b, cur);
    JsonNode epsi = c.get("psi");
    close(name + " psi", epsi.get("psi").asDouble(), psi.psi());
    closeAll(name + " psi edges", doubles(epsi.get("edges")), psi.edges());
    closeAll(
        name + " psi baseline shares", doubles(epsi.get("baseline_shares")), psi.baselineShares());
    closeAll(
        name + " psi current shares", doubles(epsi.get("current_shares")), psi.currentShares());

    JsonNode ep = c.get("baseline_profile");
    double[] probs = doubles(ref.get("probabilities"));
    NumericProfile prof = NumericProfile.of(b, c.get("baseline_nulls").asLong(), probs);
    assertThat(prof.count()).as(name + " count").isEqualTo(ep.get("count").asLong());
    assertThat(prof.numNulls()).as(name + " num_nulls").isEqualTo(ep.get("num_nulls").asLong());
    assertThat(prof.numNan()).as(name + " num_nan").isEqualTo(ep.get("num_nan").asLong());
    assertThat(prof.numZeros()).as(name + " num_zeros").isEqualTo(ep.get("num_zeros").asLong());
    assertThat(prof.distinctCount())
        .as(name + " distinct_count")
        .isEqualTo(ep.get("distinct_count").asLong());
    close(name + " avg", orNaN(ep.get("avg")), prof.avg());
    close(name + " stddev", orNaN(ep.get("stddev")), prof.stddev());
    close(name + " min", orNaN(ep.get("min")), prof.min());
    close(name + " max", orNaN(ep.get("max")), prof.max());
    closeAll(name + " quantiles", doubles(ep.get("quantiles")), prof.quantiles());
  }

  @TestFactory
  Stream<DynamicTest> kolmogorov_distribution_matches_scipy_kstwo() {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode k : ref.get("kolmogorov")) {
      int n = k.get("n").asInt();
      double x = k.get("x").asDouble();
      tests.add(
          DynamicTest.dynamicTest(
              "kstwo.sf(" + x + ", " + n + ")",
              () ->
                  pClose(
                      "kstwo n=" + n + " x=" + x,
                      k.get("sf").asDouble(),
                      KolmogorovDistribution.sf(n, x))));
    }
    return tests.stream();
  }

  @TestFactory
  Stream<DynamicTest> categorical_drift_matches_scipy() {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : ref.get("categorical")) {
      String name = c.get("name").asText();
      tests.add(
          DynamicTest.dynamicTest(
              name,
              () -> {
                Map<String, Long> b = counts(c.get("baseline"));
                Map<String, Long> cur = counts(c.get("current"));
                TestResult chi = CategoricalDrift.chiSquared(b, cur);
                JsonNode e = c.get("chi2");
                close(name + " chi2 statistic", e.get("statistic").asDouble(), chi.statistic());
                pClose(name + " chi2 pvalue", e.get("pvalue").asDouble(), chi.pValue());
                assertThat(chi.degreesOfFreedom())
                    .as(name + " dof")
                    .isEqualTo(e.get("dof").asInt());
                close(
                    name + " js",
                    c.get("js_distance").asDouble(),
                    CategoricalDrift.jensenShannon(b, cur));
                close(
                    name + " tv",
                    c.get("tv_distance").asDouble(),
                    CategoricalDrift.totalVariation(b, cur));
                close(
                    name + " linf",
                    c.get("l_infinity_distance").asDouble(),
                    CategoricalDrift.lInfinity(b, cur));
              }));
    }
    return tests.stream();
  }

  @TestFactory
  Stream<DynamicTest> string_profiles_match_python() {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : ref.get("strings")) {
      String name = c.get("name").asText();
      tests.add(
          DynamicTest.dynamicTest(
              name,
              () -> {
                List<String> vals = new ArrayList<>();
                c.get("values").forEach(v -> vals.add(v.asText()));
                StringProfile p =
                    StringProfile.of(
                        vals.toArray(String[]::new),
                        c.get("num_nulls").asLong(),
                        c.get("k").asInt());
                assertThat(p.count()).as(name + " count").isEqualTo(c.get("count").asLong());
                assertThat(p.numNulls()).as(name + " nulls").isEqualTo(c.get("num_nulls").asLong());
                assertThat(p.minLength())
                    .as(name + " min_length")
                    .isEqualTo(c.get("min_length").asInt());
                assertThat(p.maxLength())
                    .as(name + " max_length")
                    .isEqualTo(c.get("max_length").asInt());
                close(name + " avg_length", orNaN(c.get("avg_length")), p.avgLength());
                assertThat(p.distinctCount())
                    .as(name + " distinct_count")
                    .isEqualTo(c.get("distinct_count").asLong());
                List<StringProfile.Item> expected = new ArrayList<>();
                c.get("frequent_items")
                    .forEach(
                        e ->
                            expected.add(
                                new StringProfile.Item(e.get(0).asText(), e.get(1).asLong())));
                assertThat(p.frequentItems()).as(name + " frequent_items").isEqualTo(expected);
              }));
    }
    return tests.stream();
  }

  static void close(String what, double expected, double actual) {
    if (Double.isNaN(expected) || Double.isNaN(actual)) {
      assertThat(actual).as(what).isNaN();
      assertThat(expected).as(what + " (reference)").isNaN();
      return;
    }
    double tol = REL * Math.abs(expected) + ABS_FLOOR;
    if (expected != 0) {
      worstRel = Math.max(worstRel, Math.abs(expected - actual) / Math.abs(expected));
    }
    if (!(Math.abs(expected - actual) <= tol)) {
      fail(
          what
              + ": expected "
              + expected
              + " (scipy/numpy), got "
              + actual
              + ", relative error "
              + Math.abs(expected - actual) / Math.abs(expected));
    }
  }

  static void pClose(String what, double expected, double actual) {
    worstPAbs = Math.max(worstPAbs, Math.abs(expected - actual));
    if (expected > 1e-290) {
      worstPRel = Math.max(worstPRel, Math.abs(expected - actual) / expected);
    }
    if (!(Math.abs(expected - actual) <= P_ABS)) {
      fail(what + ": expected p " + expected + " (scipy), got " + actual);
    }
  }

  static void closeAll(String what, double[] expected, double[] actual) {
    assertThat(actual).as(what + " length").hasSameSizeAs(expected);
    for (int i = 0; i < expected.length; i++) {
      close(what + "[" + i + "]", expected[i], actual[i]);
    }
  }

  private static double orNaN(JsonNode n) {
    return n == null || n.isNull() ? Double.NaN : n.asDouble();
  }

  private static double[] doubles(JsonNode arr) {
    double[] out = new double[arr.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = arr.get(i).asDouble();
    }
    return out;
  }

  private static Map<String, Long> counts(JsonNode obj) {
    Map<String, Long> m = new LinkedHashMap<>();
    obj.properties().forEach(e -> m.put(e.getKey(), e.getValue().asLong()));
    return m;
  }
}
