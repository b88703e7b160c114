package dev.keel.monitoring.stats;

/**
 * Drift statistics between a numeric baseline sample and a current sample, each a {@link
 * SortedSample} (sorted once; NULLs excluded by the caller and NaN excluded by the sample, both
 * counted separately). Every statistic equals the scipy/numpy call named in its Javadoc on the same
 * non-NaN values.
 */
public final class NumericDrift {
  /** Samples up to this size (the larger of the two) get the exact KS p-value, as in scipy. */
  public static final int KS_EXACT_MAX_N = 10000;

  /** The share that replaces an empty PSI bin (no renormalisation afterwards). */
  public static final double PSI_EMPTY_SHARE = 1e-4;

  private NumericDrift() {}

  /**
   * The two-sided two-sample Kolmogorov–Smirnov test, as {@code scipy.stats.ks_2samp(baseline,
   * current, alternative='two-sided', method='auto')}.
   *
   * <p>Statistic: D = max over the pooled values x of |F_b(x) − F_c(x)|, with F the empirical CDFs
   * (right-continuous: the share of values ≤ x; ties across the samples are handled exactly).
   *
   * <p>p-value: when max(n_b, n_c) ≤ {@value #KS_EXACT_MAX_N} the <b>exact</b> P(D ≥ d) for these
   * sample sizes (d first rounded to the lattice h/lcm(n_b, n_c), which is also the statistic
   * returned then): for n_b = n_c the reflection series of Gnedenko–Korolyuk, otherwise Hodges'
   * inside method counting lattice paths that stay strictly inside |x/n_b − y/n_c| &lt; h/lcm, in
   * Viehmann's form that yields 1 − P directly. Otherwise, or when the exact computation does not
   * give a probability, the <b>asymptotic</b> value {@code kstwo.sf(d, round(n_b·n_c/(n_b+n_c)))}
   * (the one-sample two-sided Kolmogorov distribution at the effective sample size; see {@link
   * KolmogorovDistribution}).
   *
   * @throws IllegalArgumentException naming {@code baseline} or {@code current} if it is empty
   */
  public static KsResult ks(SortedSample baseline, SortedSample current) {
    requireNonEmpty(baseline, "baseline");
    requireNonEmpty(current, "current");
    int n1 = baseline.size();
    int n2 = current.size();
    return ksResult(n1, n2, merge(baseline.values(), current.values(), FAST_MERGE_MAX_PRODUCT)[0]);
  }

  /**
   * Both samples compared at once: the KS test as {@link #ks}, the Wasserstein distance as {@link
   * #wasserstein} and the PSI as {@link #psi}, with one walk through the two sorted arrays serving
   * KS and Wasserstein. Faster than calling them one by one; the results are the same (the
   * Wasserstein distance within a relative 1e-15 or so, its terms being rounded differently).
   *
   * @throws IllegalArgumentException naming {@code baseline} or {@code current} if it is empty
   */
  public static NumericComparison compare(SortedSample baseline, SortedSample current) {
    requireNonEmpty(baseline, "baseline");
    requireNonEmpty(current, "current");
    double[] dw = merge(baseline.values(), current.values(), FAST_MERGE_MAX_PRODUCT);
    KsResult ks = ksResult(baseline.size(), current.size(), dw[0]);
    return new NumericComparison(ks, dw[1], psi(baseline, current));
  }

  /**
   * The KS result for the statistic d of samples of sizes n1 and n2: the p-value as {@link #ks}.
   */
  private static KsResult ksResult(int n1, int n2, double d) {
    int g = gcd(n1, n2);
    if (Math.max(n1, n2) <= KS_EXACT_MAX_N) {
      long lcm = (long) (n1 / g) * n2;
      long h = Math.round(Math.rint(d * lcm));
      d = (double) h / lcm;
      if (h == 0) {
        return new KsResult(d, 1.0, KsResult.Method.EXACT);
      }
      double p = n1 == n2 ? probOutsideSquare(n1, (int) h) : outerProbInside(n1, n2, g, (int) h);
      if (p >= 0.0 && p <= 1.0) {
        return new KsResult(d, p, KsResult.Method.EXACT);
      }
    }
    double m = Math.max(n1, n2);
    double n = Math.min(n1, n2);
    double en = m * n / (m + n);
    double p = KolmogorovDistribution.sf((int) Math.rint(en), d);
    return new KsResult(d, Math.max(0.0, Math.min(1.0, p)), KsResult.Method.ASYMPTOTIC);
  }

  /**
   * Up to this product of the sample sizes the merge tracks n₁n₂·(F_b − F_c) as an exact integer:
   * two different values of |F_b − F_c| then differ by at least 1/(n₁n₂) ≥ 2⁻⁵⁰, far more than the
   * rounding of |i/n₁ − j/n₂| (under 2⁻⁵²), so the integer orders the computed quotients. Beyond it
   * the merge divides at every step.
   */
  static final long FAST_MERGE_MAX_PRODUCT = 1L << 50;

  /**
   * One walk through the sorted arrays a (size n₁) and b (size n₂): {D, W} with D = max |F_a − F_b|
   * over the pooled values, evaluated as scipy does ({@code |i/n₁ − j/n₂|} with i, j the counts ≤
   * x), and W = ∫ |F_a − F_b| dx summed with Neumaier's compensation over the gaps between
   * consecutive distinct pooled values.
   *
   * <p>The walk takes one value at a time, the smaller of the two heads (a on ties). Before taking
   * a value x greater than the previous one, the counts taken so far are the counts ≤ the previous
   * value: that is where D is evaluated and where the gap (x − previous) gets its term, so runs of
   * equal values need no inner loop. s = i·n₂ − j·n₁ is kept as an exact integer (n₁n₂ ≤ {@code
   * maxProduct}): it orders |i/n₁ − j/n₂| exactly, so the quotients are computed only where |s|
   * reaches its maximum so far, and the Wasserstein term is |s|·(1/(n₁n₂))·(x − previous).
   *
   * <p>From {@value #SPLIT_MIN} values on, the merged order is cut in two at its middle (the split
   * found by bisection) and the two halves are walked side by side, which hides the latency of each
   * walk's chain of loads and compares; their D are combined as one walk would (the larger |s|,
   * then the larger quotient) and their compensated sums are added with one more compensated step,
   * so D is the same and W the same up to the last bit or so. The inputs are sorted samples: no NaN
   * and no −0.0.
   */
  static double[] merge(double[] a, double[] b, long maxProduct) {
    int n1 = a.length;
    int n2 = b.length;
    if ((long) n1 * n2 > maxProduct) {
      return mergeByDivision(a, b);
    }
    if ((long) n1 + n2 < SPLIT_MIN) {
      Walk w = new Walk(a, b, 0, 0, Math.min(a[0], b[0]));
      w.walkTo(n1, n2);
      return new double[] {w.d, compensated(w.sum, w.comp)};
    }
    // The first k values of the merge are a[0, i0) and b[0, k − i0): i0 is the first i whose a[i]
    // comes after b[k − i − 1] (a's head is taken on ties).
    int k = (int) (((long) n1 + n2) >>> 1);
    int lo = Math.max(0, k - n2);
    int hi = Math.min(k, n1);
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (a[mid] <= b[k - mid - 1]) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    int i0 = lo;
    int j0 = k - lo;
    double last = i0 == 0 ? b[j0 - 1] : j0 == 0 ? a[i0 - 1] : Math.max(a[i0 - 1], b[j0 - 1]);
    Walk w1 = new Walk(a, b, 0, 0, Math.min(a[0], b[0]));
    Walk w2 = new Walk(a, b, i0, j0, last);
    Walk.interleave(w1, i0, j0, w2);
    w1.walkTo(i0, j0);
    w2.walkTo(n1, n2);
    // D: the quotient where |s| is largest, the larger quotient among equal |s| (as one walk does)
    double d = w1.maxAbs > w2.maxAbs ? w1.d : w1.maxAbs < w2.maxAbs ? w2.d : Math.max(w1.d, w2.d);
    double sum = w1.sum;
    double term = w2.sum;
    double t = sum + term;
    double comp = w1.comp + w2.comp;
    comp += Math.abs(sum) >= Math.abs(term) ? (sum - t) + term : (term - t) + sum;
    return new double[] {d, compensated(t, comp)};
  }

  /** From this many values in all {@link #merge} walks its two halves side by side. */
  static final int SPLIT_MIN = 1024;

  /**
   * One walk of {@link #merge} through a stretch of the merged order: the counts i, j taken so far,
   * s = i·n₂ − j·n₁, the largest |s| seen and the quotient there, the compensated Wasserstein sum
   * and the last value taken.
   */
  private static final class Walk {
    final double[] a;
    final double[] b;
    final int n1;
    final int n2;
    final double c;
    final long sizeSum;
    int i;
    int j;
    long s;
    long maxAbs;
    double d;
    double sum;
    double comp;
    double prev;

    Walk(double[] a, double[] b, int i, int j, double prev) {
      this.a = a;
      this.b = b;
      this.n1 = a.length;
      this.n2 = b.length;
      this.c = 1.0 / ((double) n1 * n2);
      this.sizeSum = (long) n1 + n2;
      this.i = i;
      this.j = j;
      this.s = (long) i * n2 - (long) j * n1;
      this.prev = prev;
    }

    /**
     * Walks on until i = ei and j = ej (a's head taken on ties; the stretch must end where the
     * merge has taken exactly a[0, ei) and b[0, ej)), one value at a time, branch-free.
     */
    void walkTo(int ei, int ej) {
      double c = this.c;
      long sizeSum = this.sizeSum;
      int i = this.i;
      int j = this.j;
      long s = this.s;
      long maxAbs = this.maxAbs;
      double d = this.d;
      double sum = this.sum;
      double comp = this.comp;
      double prev = this.prev;
      while (i < ei && j < ej) {
        double va = a[i];
        double vb = b[j];
        double x = Math.min(va, vb);
        int ta = va <= vb ? 1 : 0; // 1 takes a's head, 0 b's; used as a number, not to branch on
        if (x != prev) {
          long abs = Math.abs(s);
          double term = abs * c * (x - prev);
          double t = sum + term;
          comp += Math.abs(sum) >= Math.abs(term) ? (sum - t) + term : (term - t) + sum;
          sum = t;
          prev = x;
          if (abs >= maxAbs) {
            double diff = Math.abs((double) i / n1 - (double) j / n2);
            if (abs > maxAbs) {
              maxAbs = abs;
              d = diff;
            } else if (diff > d) {
              d = diff;
            }
          }
        }
        i += ta;
        j += 1 - ta;
        s += ta * sizeSum - n1;
      }
      // One array is used up in this stretch: the rest of the other, one value at a time.
      boolean restA = i < ei;
      double[] r = restA ? a : b;
      int k = restA ? i : j;
      int nr = restA ? ei : ej;
      long step = restA ? n2 : -n1;
      for (; k < nr; k++) {
        double x = r[k];
        if (x != prev) {
          long abs = Math.abs(s);
          double term = abs * c * (x - prev);
          double t = sum + term;
          comp += Math.abs(sum) >= Math.abs(term) ? (sum - t) + term : (term - t) + sum;
          sum = t;
          prev = x;
          if (abs >= maxAbs) {
            int ii = restA ? k : i;
            int jj = restA ? j : k;
            double diff = Math.abs((double) ii / n1 - (double) jj / n2);
            if (abs > maxAbs) {
              maxAbs = abs;
              d = diff;
            } else if (diff > d) {
              d = diff;
            }
          }
        }
        s += step;
      }
      this.i = restA ? nr : i;
      this.j = restA ? j : nr;
      this.s = s;
      this.maxAbs = maxAbs;
      this.d = d;
      this.sum = sum;
      this.comp = comp;
      this.prev = prev;
    }

    /**
     * Advances p (towards a[0, ei), b[0, ej)) and q (towards the ends of the arrays) one value each
     * per step, as {@link #walkTo} would, while neither has used up an array: two independent
     * chains of loads and compares, which the processor overlaps. The head is chosen by the sign of
     * vb − va (NaN only for two equal infinities: a's head) rather than by a comparison, which
     * compiles to a branch here.
     */
    static void interleave(Walk p, int ei, int ej, Walk q) {
      double[] a = p.a;
      double[] b = p.b;
      int n1 = p.n1;
      int n2 = p.n2;
      double c = p.c;
      long sizeSum = p.sizeSum;
      int i = p.i;
      int j = p.j;
      long s = p.s;
      long maxAbs = p.maxAbs;
      double d = p.d;
      double sum = p.sum;
      double comp = p.comp;
      double prev = p.prev;
      int i2 = q.i;
      int j2 = q.j;
      long s2 = q.s;
      long maxAbs2 = q.maxAbs;
      double d2 = q.d;
      double sum2 = q.sum;
      double comp2 = q.comp;
      double prev2 = q.prev;
      while (i < ei && j < ej && i2 < n1 && j2 < n2) {
        double va = a[i];
        double vb = b[j];
        double x = Math.min(va, vb);
        double dx = vb - va;
        int ta = dx != dx ? 1 : 1 - (int) (Double.doubleToRawLongBits(dx) >>> 63);
        double wa = a[i2];
        double wb = b[j2];
        double y = Math.min(wa, wb);
        double dy = wb - wa;
        int tb = dy != dy ? 1 : 1 - (int) (Double.doubleToRawLongBits(dy) >>> 63);
        if (x != prev) {
          long abs = Math.abs(s);
          double term = abs * c * (x - prev);
          double t = sum + term;
          comp += Math.abs(sum) >= Math.abs(term) ? (sum - t) + term : (term - t) + sum;
          sum = t;
          prev = x;
          if (abs >= maxAbs) {
            double diff = Math.abs((double) i / n1 - (double) j / n2);
            if (abs > maxAbs) {
              maxAbs = abs;
              d = diff;
            } else if (diff > d) {
              d = diff;
            }
          }
        }
        if (y != prev2) {
          long abs = Math.abs(s2);
          double term = abs * c * (y - prev2);
          double t = sum2 + term;
          comp2 += Math.abs(sum2) >= Math.abs(term) ? (sum2 - t) + term : (term - t) + sum2;
          sum2 = t;
          prev2 = y;
          if (abs >= maxAbs2) {
            double diff = Math.abs((double) i2 / n1 - (double) j2 / n2);
            if (abs > maxAbs2) {
              maxAbs2 = abs;
              d2 = diff;
            } else if (diff > d2) {
              d2 = diff;
            }
          }
        }
        i += ta;
        j += 1 - ta;
        s += ta * sizeSum - n1;
        i2 += tb;
        j2 += 1 - tb;
        s2 += tb * sizeSum - n1;
      }
      p.i = i;
      p.j = j;
      p.s = s;
      p.maxAbs = maxAbs;
      p.d = d;
      p.sum = sum;
      p.comp = comp;
      p.prev = prev;
      q.i = i2;
      q.j = j2;
      q.s = s2;
      q.maxAbs = maxAbs2;
      q.d = d2;
      q.sum = sum2;
      q.comp = comp2;
      q.prev = prev2;
    }
  }

  /**
   * The compensated sum's value: an infinite gap with |F_a − F_b| &gt; 0 makes the sum +∞ and the
   * compensation ∞ − ∞ = NaN; scipy gives +∞ there.
   */
  private static double compensated(double sum, double comp) {
    return sum == Double.POSITIVE_INFINITY ? sum : sum + comp;
  }

  /** {@link #merge} with the quotients computed at every distinct pooled value (huge samples). */
  private static double[] mergeByDivision(double[] a, double[] b) {
    int n1 = a.length;
    int n2 = b.length;
    int i = 0;
    int j = 0;
    double d = 0.0;
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
      double diff = Math.abs((double) i / n1 - (double) j / n2);
      if (diff > d) {
        d = diff;
      }
    }
    return new double[] {d, compensated(sum, comp)};
  }

  /**
   * P(D ≥ h/n) for two samples of size n: 2·Σ_{k≥1} (−1)^(k−1) C(2n, n−kh)/C(2n, n), evaluated as
   * 2·A₁(1 − A₂(1 − A₃(…))) with Aₖ the ratio of consecutive terms, to avoid cancellation.
   */
  static double probOutsideSquare(int n, int h) {
    double p = 0.0;
    int k = n / h;
    while (k >= 0) {
      double p1 = 1.0;
      for (int j = 0; j < h; j++) {
        p1 = (n - (long) k * h - j) * p1 / (n + (long) k * h + j + 1);
      }
      p = p1 * (1.0 - p);
      k--;
    }
    return 2 * p;
  }

  /**
   * P(D ≥ h/lcm) for sizes m ≠ n: one minus the share of monotone lattice paths from (0,0) to (m,n)
   * that stay strictly inside |x·n/g − y·m/g| &lt; h, computed column by column as that complement
   * directly (each entry a weighted mean of its two predecessors, so nothing overflows).
   */
  static double outerProbInside(int m, int n, int g, int h) {
    if (m < n) {
      int t = m;
      m = n;
      n = t;
    }
    long mg = m / g;
    long ng = n / g;
    int minj = 0;
    int maxj = (int) Math.min(ceilDiv(h, mg), n + 1L);
    int curlen = maxj - minj;
    int lenA = Math.min(2 * maxj + 2, n + 1);
    double[] a = new double[lenA];
    java.util.Arrays.fill(a, 1.0);
    java.util.Arrays.fill(a, minj, maxj, 0.0);
    for (int i = 1; i <= m; i++) {
      int lastminj = minj;
      int lastlen = curlen;
      minj = (int) Math.max(Math.floorDiv(ng * i - h, mg) + 1, 0);
      minj = Math.min(minj, n);
      maxj = (int) Math.min(ceilDiv(ng * i + h, mg), n + 1L);
      if (maxj <= minj) {
        return 1.0;
      }
      double val = minj == 0 ? 0.0 : 1.0;
      for (int jj = 0; jj < maxj - minj; jj++) {
        int j = jj + minj;
        val = (a[jj + minj - lastminj] * i + val * j) / (i + j);
        a[jj] = val;
      }
      curlen = maxj - minj;
      if (lastlen > curlen) {
        java.util.Arrays.fill(a, maxj - minj, maxj - minj + (lastlen - curlen), 1.0);
      }
    }
    return a[maxj - minj - 1];
  }

  private static long ceilDiv(long x, long y) {
    return -Math.floorDiv(-x, y);
  }

  private static int gcd(int a, int b) {
    while (b != 0) {
      int t = a % b;
      a = b;
      b = t;
    }
    return a;
  }

  /**
   * The Wasserstein-1 (earth mover's) distance in data units, as {@code
   * scipy.stats.wasserstein_distance(baseline, current)}: ∫ |F_b(x) − F_c(x)| dx, the integral of
   * the absolute difference of the empirical CDFs over the pooled sorted values.
   *
   * @throws IllegalArgumentException naming {@code baseline} or {@code current} if it is empty
   */
  public static double wasserstein(SortedSample baseline, SortedSample current) {
    requireNonEmpty(baseline, "baseline");
    requireNonEmpty(current, "current");
    return merge(baseline.values(), current.values(), FAST_MERGE_MAX_PRODUCT)[1];
  }

  /**
   * The population stability index with 10 bins fitted on the baseline.
   *
   * <p>Edges e₁…e₉ are the baseline's quantiles at 0.1…0.9 by linear interpolation ({@code
   * np.quantile(baseline, [0.1, …, 0.9])}, numpy's default method). Bins are right-closed and the
   * outer ones open-ended: bin 1 is x ≤ e₁, bin i is e₍ᵢ₋₁₎ &lt; x ≤ eᵢ, bin 10 is x &gt; e₉
   * ({@code np.searchsorted(edges, x, side='left')} is the bin index), so repeated edges give empty
   * bins. A bin's share is its count over the sample size; a share of exactly 0 becomes {@value
   * #PSI_EMPTY_SHARE} and the shares are not renormalised. PSI = Σᵢ (cᵢ − bᵢ)·ln(cᵢ/bᵢ).
   *
   * @throws IllegalArgumentException naming {@code baseline} or {@code current} if it is empty
   */
  public static PsiResult psi(SortedSample baseline, SortedSample current) {
    requireNonEmpty(baseline, "baseline");
    requireNonEmpty(current, "current");
    double[] edges = new double[9];
    for (int k = 0; k < 9; k++) {
      edges[k] = baseline.quantile((k + 1) / 10.0);
    }
    double[] bs = shares(baseline, edges);
    double[] cs = shares(current, edges);
    double psi = 0.0;
    for (int k = 0; k < 10; k++) {
      psi += (cs[k] - bs[k]) * Math.log(cs[k] / bs[k]);
    }
    return new PsiResult(psi, edges, bs, cs);
  }

  private static double[] shares(SortedSample s, double[] edges) {
    double n = s.size();
    double[] shares = new double[edges.length + 1];
    int below = 0;
    for (int k = 0; k <= edges.length; k++) {
      int upTo = k < edges.length ? s.countAtMost(edges[k]) : s.size();
      int count = upTo - below;
      below = upTo;
      shares[k] = count == 0 ? PSI_EMPTY_SHARE : count / n;
    }
    return shares;
  }

  static void requireNonEmpty(SortedSample s, String name) {
    if (s == null) {
      throw new IllegalArgumentException(name + " must not be null");
    }
    if (s.size() == 0) {
      throw new IllegalArgumentException(name + " is empty (no non-NULL, non-NaN values)");
    }
  }
}
