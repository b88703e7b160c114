package dev.keel.monitoring.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

/**
 * {@link NumericDrift#compare} (one merge for KS and Wasserstein) gives what the separate
 * statistics gave: the KS statistic bit for bit as the former two-loop merge (scipy's |i/n₁ −
 * j/n₂|), the same p-value and method, the Wasserstein distance within 1e-12 relative (the terms
 * are rounded differently), the same PSI.
 */
class NumericCompareTest {
  /** The KS statistic as {@link NumericDrift#ks} computed it before the single merge. */
  static double formerKsStatistic(double[] a, double[] b) {
    int n1 = a.length;
    int n2 = b.length;
    double d = 0.0;
    int i = 0;
    int j = 0;
    while (i < n1 || j < n2) {
      double x = i < n1 && (j >= n2 || a[i] <= b[j]) ? a[i] : b[j];
      while (i < n1 && a[i] <= x) {
        i++;
      }
      while (j < n2 && b[j] <= x) {
        j++;
      }
      double diff = Math.abs((double) i / n1 - (double) j / n2);
      if (diff > d) {
        d = diff;
      }
    }
    return d;
  }

  /** The Wasserstein distance as {@link NumericDrift#wasserstein} computed it before. */
  static double formerWasserstein(double[] a, double[] b) {
    int n1 = a.length;
    int n2 = b.length;
    int i = 0;
    int j = 0;
    double sum = 0.0;
    double comp = 0.0;
    double prev = Math.min(a[0], b[0]);
    while (i < n1 || j < n2) {
      double x = i < n1 && (j >= n2 || a[i] <= b[j]) ? a[i] : b[j];
      if (x != prev) {
        double term = Math.abs((double) i / n1 - (double) j / n2) * (x - prev);
        double t = sum + term;
        comp += Math.abs(sum) >= Math.abs(term) ? (sum - t) + term : (term - t) + sum;
        sum = t;
        prev = x;
      }
      while (i < n1 && a[i] <= x) {
        i++;
      }
      while (j < n2 && b[j] <= x) {
        j++;
      }
    }
    // the former loop returned NaN here (∞ − ∞ in the compensation); scipy, and now Keel, give ∞
    return sum == Double.POSITIVE_INFINITY ? sum : sum + comp;
  }

  private static double[] fill(int n, DoubleSupplier g) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = g.getAsDouble();
    }
    return v;
  }

  private static void checkPair(String what, double[] x, double[] y) {
    SortedSample a = SortedSample.of(x);
    SortedSample b = SortedSample.of(y);
    String as = what + " (" + a.size() + " vs " + b.size() + ")";
    NumericComparison c = NumericDrift.compare(a, b);

    double d = formerKsStatistic(a.values(), b.values());
    KsResult ks = NumericDrift.ks(a, b);
    assertThat(c.ks()).as(as).isEqualTo(ks);
    if (Math.max(a.size(), b.size()) > NumericDrift.KS_EXACT_MAX_N) {
      assertThat(c.ks().statistic()).as(as + ": D").isEqualTo(d);
    } else { // the exact method rounds D to its lattice, as before
      long lcm = (long) a.size() * b.size() / gcd(a.size(), b.size());
      assertThat(c.ks().statistic()).as(as + ": D").isEqualTo(Math.rint(d * lcm) / lcm);
    }

    double w = formerWasserstein(a.values(), b.values());
    assertThat(Double.doubleToLongBits(NumericDrift.wasserstein(a, b)))
        .as(as)
        .isEqualTo(Double.doubleToLongBits(c.wasserstein()));
    if (Double.isNaN(w) || Double.isInfinite(w) || w == 0.0) {
      assertThat(Double.doubleToLongBits(c.wasserstein()))
          .as(as + ": W")
          .isEqualTo(Double.doubleToLongBits(w));
    } else {
      assertThat(Math.abs(c.wasserstein() - w)).as(as + ": W").isLessThanOrEqualTo(1e-12 * w);
    }

    PsiResult psi = NumericDrift.psi(a, b);
    assertThat(c.psi().psi()).as(as + ": PSI").isEqualTo(psi.psi());
    assertThat(c.psi().edges()).as(as).containsExactly(psi.edges());
    assertThat(c.psi().baselineShares()).as(as).containsExactly(psi.baselineShares());
    assertThat(c.psi().currentShares()).as(as).containsExactly(psi.currentShares());

    // the quotient-per-step merge kept for huge samples is the former pair of loops, bit for bit
    double[] slow = NumericDrift.merge(a.values(), b.values(), 0);
    assertThat(slow[0]).as(as + ": D by division").isEqualTo(d);
    assertThat(Double.doubleToLongBits(slow[1]))
        .as(as + ": W by division")
        .isEqualTo(Double.doubleToLongBits(w));
  }

  private static int gcd(int p, int q) {
    return q == 0 ? p : gcd(q, p % q);
  }

  @Test
  void an_infinite_gap_between_unequal_cdfs_gives_an_infinite_distance_as_scipy_does() {
    // scipy.stats.wasserstein_distance([-inf, 0, 1], [0, 1, 2]) = inf, ([0, 1, inf], [0, 1, 2])
    // = inf; ([-inf, 0, 1], [-inf, 1, 2]) = nan (its first gap is -inf - -inf)
    double inf = Double.POSITIVE_INFINITY;
    assertThat(
            NumericDrift.wasserstein(
                SortedSample.of(new double[] {-inf, 0, 1}),
                SortedSample.of(new double[] {0, 1, 2})))
        .isEqualTo(inf);
    assertThat(
            NumericDrift.wasserstein(
                SortedSample.of(new double[] {0, 1, inf}), SortedSample.of(new double[] {0, 1, 2})))
        .isEqualTo(inf);
    assertThat(
            NumericDrift.wasserstein(
                SortedSample.of(new double[] {-inf, 0, 1}),
                SortedSample.of(new double[] {-inf, 1, 2})))
        .isNaN();
  }

  @Test
  void compare_agrees_with_the_separate_statistics_on_random_pairs() {
    Random r = new Random(7);
    int[][] sizes = {
      {1, 1},
      {1, 9},
      {9, 1},
      {2, 3},
      {40, 37},
      {300, 300},
      {1000, 3000},
      {4096, 1},
      {12_000, 5000},
      {30_000, 10_000}
    };
    for (int[] nm : sizes) {
      int n = nm[0];
      int m = nm[1];
      checkPair(
          "gaussian, shifted", fill(n, r::nextGaussian), fill(m, () -> r.nextGaussian() + .2));
      checkPair("same distribution", fill(n, r::nextGaussian), fill(m, r::nextGaussian));
      checkPair(
          "integers: ties across the samples",
          fill(n, () -> r.nextInt(5)),
          fill(m, () -> r.nextInt(6) - 1));
      checkPair(
          "coarse grid, wide range",
          fill(n, () -> Math.rint(r.nextGaussian() * 4) * 1e6),
          fill(m, () -> Math.rint(r.nextGaussian() * 4) * 1e6 + 1e6));
      DoubleSupplier withInf =
          () ->
              switch (r.nextInt(10)) {
                case 0 -> Double.POSITIVE_INFINITY;
                case 1 -> Double.NEGATIVE_INFINITY;
                default -> r.nextInt(20) / 4.0;
              };
      checkPair("infinities at both ends", fill(n, withInf), fill(m, withInf));
      checkPair(
          "+infinity in one sample only",
          fill(n, r::nextDouble),
          fill(m, () -> r.nextInt(3) == 0 ? Double.POSITIVE_INFINITY : r.nextDouble()));
      double[] same = fill(n, () -> r.nextInt(10));
      checkPair("one sample against itself", same, same);
      checkPair("disjoint ranges", fill(n, () -> -1 - r.nextDouble()), fill(m, r::nextDouble));
    }
  }

  /**
   * The two halves walked side by side from {@value NumericDrift#SPLIT_MIN} values on: D exactly as
   * the one-walk-per-step division merge (the former loops), W within rounding, with the split
   * falling inside runs of ties, next to infinities and at the ends of one sample.
   */
  @Test
  void the_split_merge_gives_the_same_d_and_w_as_one_walk() {
    Random r = new Random(11);
    int split = NumericDrift.SPLIT_MIN;
    int[][] sizes = {
      {split / 2, split / 2 - 1},
      {split / 2, split / 2},
      {split - 1, 1},
      {1, split},
      {700, 900},
      {3000, 1000},
      {10, 5000}
    };
    for (int[] nm : sizes) {
      List<double[][]> pairs = new ArrayList<>();
      pairs.add(new double[][] {fill(nm[0], r::nextGaussian), fill(nm[1], r::nextGaussian)});
      pairs.add(
          new double[][] {fill(nm[0], () -> r.nextInt(4)), fill(nm[1], () -> r.nextInt(5) - 1)});
      DoubleSupplier withInf =
          () ->
              switch (r.nextInt(6)) {
                case 0 -> Double.POSITIVE_INFINITY;
                case 1 -> Double.NEGATIVE_INFINITY;
                default -> r.nextInt(8);
              };
      pairs.add(new double[][] {fill(nm[0], withInf), fill(nm[1], withInf)});
      pairs.add(new double[][] {fill(nm[0], () -> 5 + r.nextDouble()), fill(nm[1], r::nextDouble)});
      pairs.add(new double[][] {fill(nm[0], r::nextDouble), fill(nm[1], () -> 5 + r.nextDouble())});
      for (double[][] p : pairs) {
        double[] a = SortedSample.of(p[0]).values();
        double[] b = SortedSample.of(p[1]).values();
        String as = a.length + " vs " + b.length;
        double[] fast = NumericDrift.merge(a, b, NumericDrift.FAST_MERGE_MAX_PRODUCT);
        double[] slow = NumericDrift.merge(a, b, 0);
        assertThat(fast[0]).as(as + ": D").isEqualTo(slow[0]);
        if (Double.isNaN(slow[1]) || Double.isInfinite(slow[1])) {
          assertThat(fast[1]).as(as + ": W").isEqualTo(slow[1]);
        } else {
          assertThat(Math.abs(fast[1] - slow[1]))
              .as(as + ": W")
              .isLessThanOrEqualTo(1e-13 * slow[1]);
        }
      }
    }
  }

  @Test
  void a_small_case_worked_by_hand() {
    // F_a: 1/4 at 1, 3/4 at 2, 1 at 3; F_b: 0 at 1, 3/4 at 2 and 3, 1 at 4.
    // |F_a − F_b| is 1/4 on [1,2), 0 on [2,3), 1/4 on [3,4): D = 1/4, W = 1/2.
    SortedSample a = SortedSample.of(new double[] {2, 1, 3, 2});
    SortedSample b = SortedSample.of(new double[] {2, 4, 2, 2});
    NumericComparison c = NumericDrift.compare(a, b);
    assertThat(c.ks().statistic()).isEqualTo(0.25);
    assertThat(c.ks().method()).isEqualTo(KsResult.Method.EXACT);
    assertThat(c.wasserstein()).isEqualTo(0.5);
    // a gap to −∞ where F_a = F_b is 0·∞ = NaN, as before (IEEE arithmetic)
    assertThat(
            NumericDrift.compare(
                    SortedSample.of(new double[] {Double.NEGATIVE_INFINITY, 1}),
                    SortedSample.of(new double[] {Double.NEGATIVE_INFINITY, 2}))
                .wasserstein())
        .isNaN();
  }

  @Test
  void empty_samples_are_refused_naming_the_argument() {
    SortedSample one = SortedSample.of(new double[] {1});
    SortedSample empty = SortedSample.of(new double[] {Double.NaN});
    assertThatThrownBy(() -> NumericDrift.compare(empty, one))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("baseline is empty");
    assertThatThrownBy(() -> NumericDrift.compare(one, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("current must not be null");
  }
}
