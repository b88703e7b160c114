package dev.keel.monitoring.stats;

import java.util.Map;
import java.util.TreeSet;
import org.apache.commons.math3.special.Gamma;

/**
 * Drift statistics between the category counts of a baseline and of a current sample.
 *
 * <p>Both inputs map a category to its count (NULLs excluded by the caller). The statistics run
 * over the union of the categories of both maps: a category unseen in the baseline counts (its
 * baseline count is 0). A category whose count is 0 in both maps is ignored. Shares are p = count /
 * total for the baseline and q likewise for the current sample.
 */
public final class CategoricalDrift {
  private CategoricalDrift() {}

  /**
   * Pearson's χ² test of homogeneity on the 2×k table (rows baseline and current, columns the k
   * categories), without Yates' continuity correction: χ² = Σ (O − E)²/E with E = row total ×
   * column total / grand total, k − 1 degrees of freedom, p-value the χ² survival function at χ²
   * (the regularized upper incomplete gamma Q((k−1)/2, χ²/2)). Equals {@code
   * scipy.stats.chi2_contingency([base_counts, cur_counts], correction=False)} (statistic, pvalue,
   * dof). With one category, χ² = 0, p = 1, dof = 0, as scipy.
   *
   * @throws IllegalArgumentException naming {@code baseline} or {@code current} if it has no
   *     positive count, or a count is negative
   */
  public static TestResult chiSquared(Map<String, Long> baseline, Map<String, Long> current) {
    String[] cats = categories(baseline, current);
    long[] b = counts(baseline, cats);
    long[] c = counts(current, cats);
    double nb = total(b);
    double nc = total(c);
    double n = nb + nc;
    int k = cats.length;
    if (k == 1) {
      return new TestResult(0.0, 1.0, 0);
    }
    double stat = 0.0;
    for (int i = 0; i < k; i++) {
      double col = (double) b[i] + c[i];
      double eb = nb * col / n;
      double ec = nc * col / n;
      stat += (b[i] - eb) * (b[i] - eb) / eb + (c[i] - ec) * (c[i] - ec) / ec;
    }
    int dof = k - 1;
    double p = Gamma.regularizedGammaQ(dof / 2.0, stat / 2.0, 1e-15, 100000);
    return new TestResult(stat, p, dof);
  }

  /**
   * The Jensen–Shannon distance with base-2 logarithms, in [0, 1]: √(½ KL(p‖m) + ½ KL(q‖m)) with m
   * = (p + q)/2, KL(p‖m) = Σ p·log₂(p/m) and 0·log 0 = 0. Equals {@code
   * scipy.spatial.distance.jensenshannon(base_counts, cur_counts, base=2)} on the count vectors
   * aligned on the union of categories.
   *
   * @throws IllegalArgumentException as {@link #chiSquared}
   */
  public static double jensenShannon(Map<String, Long> baseline, Map<String, Long> current) {
    double[][] pq = shares(baseline, current);
    double[] p = pq[0];
    double[] q = pq[1];
    double js = 0.0;
    for (int i = 0; i < p.length; i++) {
      double m = (p[i] + q[i]) / 2;
      js += relEntr(p[i], m) + relEntr(q[i], m);
    }
    js = js / 2 / Math.log(2);
    return Math.sqrt(js);
  }

  private static double relEntr(double x, double y) {
    return x == 0.0 ? 0.0 : x * Math.log(x / y);
  }

  /**
   * The total variation distance ½ Σ |p − q|, in [0, 1].
   *
   * @throws IllegalArgumentException as {@link #chiSquared}
   */
  public static double totalVariation(Map<String, Long> baseline, Map<String, Long> current) {
    double[][] pq = shares(baseline, current);
    double s = 0.0;
    for (int i = 0; i < pq[0].length; i++) {
      s += Math.abs(pq[0][i] - pq[1][i]);
    }
    return s / 2;
  }

  /**
   * The L-infinity distance max |p − q| over the categories, in [0, 1].
   *
   * @throws IllegalArgumentException as {@link #chiSquared}
   */
  public static double lInfinity(Map<String, Long> baseline, Map<String, Long> current) {
    double[][] pq = shares(baseline, current);
    double m = 0.0;
    for (int i = 0; i < pq[0].length; i++) {
      m = Math.max(m, Math.abs(pq[0][i] - pq[1][i]));
    }
    return m;
  }

  private static double[][] shares(Map<String, Long> baseline, Map<String, Long> current) {
    String[] cats = categories(baseline, current);
    long[] b = counts(baseline, cats);
    long[] c = counts(current, cats);
    double nb = total(b);
    double nc = total(c);
    double[] p = new double[cats.length];
    double[] q = new double[cats.length];
    for (int i = 0; i < cats.length; i++) {
      p[i] = b[i] / nb;
      q[i] = c[i] / nc;
    }
    return new double[][] {p, q};
  }

  /** The categories with a positive count in either map, sorted (a fixed summation order). */
  private static String[] categories(Map<String, Long> baseline, Map<String, Long> current) {
    check(baseline, "baseline");
    check(current, "current");
    TreeSet<String> cats = new TreeSet<>();
    baseline.forEach((k, v) -> addIfPositive(cats, k, v));
    current.forEach((k, v) -> addIfPositive(cats, k, v));
    return cats.toArray(String[]::new);
  }

  private static void addIfPositive(TreeSet<String> cats, String k, Long v) {
    if (v > 0) {
      cats.add(k);
    }
  }

  private static void check(Map<String, Long> counts, String name) {
    if (counts == null) {
      throw new IllegalArgumentException(name + " must not be null");
    }
    long total = 0;
    for (Map.Entry<String, Long> e : counts.entrySet()) {
      if (e.getKey() == null) {
        throw new IllegalArgumentException(name + " has a null category (count NULLs separately)");
      }
      if (e.getValue() == null || e.getValue() < 0) {
        throw new IllegalArgumentException(
            name + " has a missing or negative count for category '" + e.getKey() + "'");
      }
      total += e.getValue();
    }
    if (total == 0) {
      throw new IllegalArgumentException(name + " is empty (no category has a positive count)");
    }
  }

  private static long[] counts(Map<String, Long> m, String[] cats) {
    long[] out = new long[cats.length];
    for (int i = 0; i < cats.length; i++) {
      out[i] = m.getOrDefault(cats[i], 0L);
    }
    return out;
  }

  private static double total(long[] counts) {
    long t = 0;
    for (long c : counts) {
      t += c;
    }
    return t;
  }
}
