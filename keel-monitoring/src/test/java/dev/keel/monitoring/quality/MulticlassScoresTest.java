package dev.keel.monitoring.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.keel.monitoring.ProfileType.ProblemType;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The Mann–Whitney counting of {@link MulticlassScores} against counting every pair. */
class MulticlassScoresTest {
  /** 2U by definition: per (positive, negative) pair 2 when the positive is above, 1 when tied. */
  private static long pairs(List<Double> pos, List<Double> neg) {
    long twice = 0;
    for (double p : pos) {
      for (double n : neg) {
        twice += p > n ? 2 : p == n ? 1 : 0;
      }
    }
    return twice;
  }

  private static double[] sorted(List<Double> v) {
    double[] a = new double[v.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = v.get(i);
    }
    Arrays.sort(a);
    return a;
  }

  @Test
  void twice_u_counts_every_pair_with_ties_half_and_negative_zero_equal_to_zero() {
    double[] values = {
      Double.NEGATIVE_INFINITY, -0.0, 0.0, 0.1, 0.1, 0.5, 1.0, Double.POSITIVE_INFINITY
    };
    Random rnd = new Random(20261208);
    for (int round = 0; round < 500; round++) {
      List<Double> pos = new ArrayList<>();
      List<Double> neg = new ArrayList<>();
      int n = rnd.nextInt(40);
      for (int i = 0; i < n; i++) {
        double v = values[rnd.nextInt(values.length)];
        (rnd.nextInt(3) == 0 ? pos : neg).add(v);
      }
      long got = MulticlassScores.twiceU(sorted(pos), pos.size(), sorted(neg), neg.size());
      assertThat(got).as("pos %s neg %s", pos, neg).isEqualTo(pairs(pos, neg));
    }
    assertThat(MulticlassScores.auc(new double[] {0.5}, 1, new double[0], 0)).isNaN();
    // -0.0 and 0.0 tie: ½.
    assertThat(MulticlassScores.auc(new double[] {-0.0}, 1, new double[] {0.0}, 1)).isEqualTo(0.5);
  }

  private static final List<Map<String, Double>> MAPS =
      List.of(
          Map.of("a", 0.5, "b", 0.25, "c", 0.25),
          Map.of("a", 0.25, "b", 0.5, "c", 0.25),
          Map.of("a", 0.25, "b", 0.25, "c", 0.5),
          Map.of("a", 1.0),
          Map.of("a", 0.5, "b", 0.5),
          Map.of("b", 0.75, "c", 0.25),
          Map.of("c", 1.0));

  @Test
  void tied_scores_in_several_groups_and_classes_are_counted_per_group_and_class()
      throws Exception {
    // Two groups with the same few scores (ties within and across groups and classes) and
    // different labels; 3 classes, P missing from a map = 0.
    String[] classes = {"a", "b", "c"};
    Map<String, List<String[]>> byGroup = new TreeMap<>(); // group -> (label, map index)
    List<String> values = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      String g = i % 2 == 0 ? "u" : "v";
      int m = (i / 2 + i / 9) % MAPS.size();
      // The label follows the map's class (a, b, c by map index) more or less (AUC above ½).
      String y = classes[(m + (g.equals("u") ? (i % 5 == 0 ? 1 : 0) : i / 4)) % 3];
      byGroup.computeIfAbsent(g, k -> new ArrayList<>()).add(new String[] {y, "" + m});
      List<String> entries = new ArrayList<>();
      MAPS.get(m).forEach((k, v) -> entries.add("'" + k + "': " + v));
      values.add(
          "('"
              + g
              + "', '"
              + y
              + "', MAP {"
              + String.join(", ", entries)
              + "}::MAP(VARCHAR,"
              + " DOUBLE))");
    }
    Map<String, Double> expected = new HashMap<>();
    byGroup.forEach(
        (g, rows) -> {
          double total = 0;
          for (String c : classes) { // sorted: the order Keel sums in
            List<Double> pos = new ArrayList<>();
            List<Double> neg = new ArrayList<>();
            for (String[] r : rows) {
              double s = MAPS.get(Integer.parseInt(r[1])).getOrDefault(c, 0.0);
              (r[0].equals(c) ? pos : neg).add(s);
            }
            assertThat(pos).isNotEmpty();
            total += pairs(pos, neg) / 2.0 / ((double) pos.size() * neg.size());
          }
          expected.put(g, total / classes.length);
        });
    assertThat(expected.get("u")).isNotEqualTo(expected.get("v"));
    assertThat(expected.values()).allSatisfy(a -> assertThat(a).isGreaterThan(0.5));
    try (Connection c = TestDuckDb.open()) {
      try (Statement st = c.createStatement()) {
        st.execute(
            "CREATE TABLE t AS SELECT g, y, y AS p, s FROM (VALUES "
                + String.join(", ", values)
                + ") v(g, y, s)");
      }
      Map<GroupKey, Map<String, Object>> all =
          new QualityMetrics(
                  ProblemType.PROBLEM_TYPE_CLASSIFICATION,
                  "p",
                  "y",
                  Optional.of("s"),
                  Optional.empty())
              .compute(c, "t", List.of("g"));
      for (String g : List.of("u", "v")) {
        assertThat((Double) all.get(GroupKey.of(g)).get("roc_auc_score"))
            .as(g)
            .isCloseTo(expected.get(g), within(1e-15));
      }
      // One class per scan gives the same values.
      Map<GroupKey, Map<String, Object>> oneByOne = new LinkedHashMap<>();
      oneByOne.put(GroupKey.of("u"), new HashMap<>());
      oneByOne.put(GroupKey.of("v"), new HashMap<>());
      MulticlassScores.scores(
          c,
          "t",
          List.of("g"),
          "CAST(\"y\" AS VARCHAR)",
          "CAST(\"p\" AS VARCHAR)",
          "CAST(\"s\" AS MAP(VARCHAR, DOUBLE))",
          oneByOne,
          1);
      for (String g : List.of("u", "v")) {
        assertThat(oneByOne.get(GroupKey.of(g)).get("roc_auc_score"))
            .as(g)
            .isEqualTo(all.get(GroupKey.of(g)).get("roc_auc_score"));
      }
    }
  }
}
