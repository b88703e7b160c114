package dev.keel.monitoring.stats;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * {@link SmirnovTail#smirnov} for large n (the sum from its largest term outward) against adding up
 * every term, in the regimes where {@link KolmogorovDistribution#sf} calls it: n·x² from 2.2 to
 * 370, and x ≥ 0.5.
 */
class SmirnovSumTest {
  private static final int[] NS = {150, 1000, 2500, 10_000, 250_000, 1_000_000};
  private static final double[] NX2 = {2.2, 2.5, 4, 10, 30, 100, 200, 300, 369.9};
  private static final double[] LARGE_X = {0.5, 0.55, 0.7, 0.9};

  /**
   * Every term of the Birnbaum–Tingey sum, each evaluated on its own by {@link
   * SmirnovTail#smirnovLogTerm} (no bisection, no recurrence, no cut-off), relative to the largest.
   */
  static double everyTermAccurately(int n, double x) {
    int jmax = (int) Math.floor(n * (1 - x));
    double c = n * x;
    double[] logs = new double[jmax + 1];
    double max = Double.NEGATIVE_INFINITY;
    for (int j = 0; j <= jmax; j++) {
      logs[j] = n - c - j <= 0 ? Double.NEGATIVE_INFINITY : SmirnovTail.smirnovLogTerm(n, x, c, j);
      max = Math.max(max, logs[j]);
    }
    double sum = 0.0;
    for (double l : logs) {
      sum += Math.exp(l - max);
    }
    return x * Math.exp(max) * sum;
  }

  private static double[] xs(int n) {
    double[] xs = new double[NX2.length + LARGE_X.length];
    for (int k = 0; k < NX2.length; k++) {
      xs[k] = Math.sqrt(NX2[k] / n);
    }
    System.arraycopy(LARGE_X, 0, xs, NX2.length, LARGE_X.length);
    // sf takes x ≥ (n − 1)/n elsewhere (Ruben–Gambino)
    return java.util.Arrays.stream(xs).filter(x -> x < (n - 1.0) / n).toArray();
  }

  @Test
  void the_sum_from_the_largest_term_equals_the_sum_of_all_terms() {
    for (int n : NS) {
      for (double x : xs(n)) {
        double got = SmirnovTail.smirnov(n, x);
        int jmax = (int) Math.floor(n * (1 - x));
        String as = "n=" + n + " x=" + x;
        if (jmax <= SmirnovTail.SMIRNOV_FULL_SUM_MAX_JMAX) {
          assertThat(got)
              .as(as + " (small: the full sum itself)")
              .isEqualTo(SmirnovTail.smirnovFullSum(n, x));
          double all = everyTermAccurately(n, x);
          assertThat(Math.abs(got - all))
              .as(as + " (small)")
              .isLessThanOrEqualTo(1e-11 * all + 4 * Double.MIN_VALUE);
          continue;
        }
        double all = everyTermAccurately(n, x);
        // relative 1e-12; results in the subnormal range have only a few bits
        assertThat(Math.abs(got - all))
            .as(as)
            .isLessThanOrEqualTo(1e-12 * all + 4 * Double.MIN_VALUE);
        // and the former log-gamma sum, within its own rounding (log-gamma of n ~ 1e6 is ~1e7 in
        // size: its last bit is ~2e-9)
        double former = SmirnovTail.smirnovFullSum(n, x);
        if (former > 1e-290) {
          assertThat(Math.abs(got - former))
              .as(as + " vs log-gamma sum")
              .isLessThanOrEqualTo(2e-8 * former);
        }
      }
    }
  }

  /**
   * Values from mpmath at 40 digits (x·Σ exp(log tⱼ) over every term within e⁻⁶⁰ of the largest,
   * log tⱼ from {@code mp.loggamma}); scipy.special.smirnov agrees with each to 1e-15.
   */
  @Test
  void large_n_agrees_with_high_precision_values() {
    Object[][] ref = {
      {2100, 0.03237018044288233, 0.01199787792064011003213},
      {2100, 0.09759000729485333, 3.670929512186931404716807e-18},
      {3000, 0.097471627581464, 1.459980541329485078858536e-25},
      {3000, 0.18257418583505536, 2.748755433244863817739924e-88},
      {10_000, 0.014833880213888744, 0.0121443979854768081924633},
      {10_000, 0.1, 8.316556657975176827926416e-88},
      {250_000, 0.0029667760427777488, 0.01224224510230943314333158},
      {250_000, 0.01067748182862211, 1.736386120296833816958588e-25},
      {250_000, 0.00894427190999916, 4.220244605452722816046556e-18},
      {250_000, 0.02, 1.341735979097432616226815e-87},
      {1_000_000, 0.0014833880213888744, 0.01225440096668150649242672},
      {1_000_000, 0.005338740914311055, 1.744399968939482936720386e-25},
      {1_000_000, 0.01, 1.368665220774060018177307e-87},
    };
    for (Object[] r : ref) {
      int n = (Integer) r[0];
      double x = (Double) r[1];
      double want = (Double) r[2];
      // the log-gamma full sum, used up to 2000 terms, is good to a few 1e-12 there
      boolean full = Math.floor(n * (1 - x)) <= SmirnovTail.SMIRNOV_FULL_SUM_MAX_JMAX;
      assertThat(Math.abs(SmirnovTail.smirnov(n, x) - want))
          .as("n=" + n + " x=" + x)
          .isLessThanOrEqualTo((full ? 5e-12 : 1e-12) * want);
    }
  }

  /**
   * The strided sum: accepted strides are accurate, too coarse ones are refused (n = 2500, n·x² =
   * 2.2: stride 256 is off by ~3e-4, 64 by ~5e-9), and the walk over every term that remains as the
   * fallback agrees with the sum of all terms.
   */
  @Test
  void strided_sums_are_accurate_or_refused_and_the_walk_adds_every_term() {
    double x0 = Math.sqrt(2.2 / 2500);
    double c0 = 2500 * x0;
    int mode0 = SmirnovTail.smirnovMode(2500, x0);
    double log0 = SmirnovTail.smirnovLogTerm(2500, x0, c0, mode0);
    assertThat(SmirnovTail.smirnovStrided(2500, x0, c0, mode0, log0, 256)).isZero();
    assertThat(SmirnovTail.smirnovStrided(2500, x0, c0, mode0, log0, 64)).isZero();
    int accepted = 0;
    for (int n : new int[] {2500, 10_000, 250_000}) {
      for (double x : xs(n)) {
        if (Math.floor(n * (1 - x)) <= SmirnovTail.SMIRNOV_FULL_SUM_MAX_JMAX) {
          continue;
        }
        double c = n * x;
        int mode = SmirnovTail.smirnovMode(n, x);
        double logMax = SmirnovTail.smirnovLogTerm(n, x, c, mode);
        double all = everyTermAccurately(n, x);
        if (all < 1e-290) {
          continue; // smirnov returns 0 before summing: x·t_mode·(n+1) underflows
        }
        String as = "n=" + n + " x=" + x;
        double walk = x * Math.exp(logMax) * SmirnovTail.smirnovWalk(n, x, mode);
        assertThat(Math.abs(walk - all)).as(as + " walk").isLessThanOrEqualTo(1e-12 * all);
        for (int h = 1; h <= n / 4; h *= 2) {
          double s = SmirnovTail.smirnovStrided(n, x, c, mode, logMax, h);
          if (s == 0.0) {
            continue;
          }
          accepted++;
          assertThat(Math.abs(x * Math.exp(logMax) * s - all))
              .as(as + " stride " + h)
              .isLessThanOrEqualTo(1e-12 * all);
        }
      }
    }
    assertThat(accepted).isGreaterThan(50);
  }

  /** What the bisection relies on: log(tⱼ₊₁/tⱼ) falls as j grows (the terms are log-concave). */
  @Test
  void the_log_ratio_of_consecutive_terms_decreases() {
    for (int n : new int[] {2500, 10_000, 250_000}) {
      for (double x : xs(n)) {
        double c = n * x;
        int jmax = (int) Math.floor(n * (1 - x));
        double prev = Double.POSITIVE_INFINITY;
        for (int j = 0; j < jmax; j++) {
          double r = SmirnovTail.smirnovLogRatio(n, c, n - c, j);
          assertThat(r).as("n=" + n + " x=" + x + " j=" + j).isLessThanOrEqualTo(prev + 1e-13);
          prev = r;
        }
      }
    }
  }
}
