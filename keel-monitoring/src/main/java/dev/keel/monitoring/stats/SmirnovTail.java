package dev.keel.monitoring.stats;

/**
 * The exact one-sided Smirnov tail P(Dₙ⁺ ≥ x), which {@link KolmogorovDistribution#sf} doubles in
 * the regimes where the two one-sided tails cannot both happen (or nearly so), as scipy's {@code
 * smirnov} does. Written from Birnbaum and Tingey (1951) and the shape of their sum.
 */
final class SmirnovTail {
  private SmirnovTail() {}

  /** Up to this many terms (⌊n(1 − x)⌋) {@link #smirnov} adds them all up. */
  static final int SMIRNOV_FULL_SUM_MAX_JMAX = 2000;

  /** Terms this far below the largest in log (a ratio under 1e-20) are not added. */
  private static final double SMIRNOV_LOG_CUTOFF = -46.0;

  /**
   * The exact one-sided Smirnov tail P(Dₙ⁺ ≥ x) by the Birnbaum–Tingey sum x·Σⱼ tⱼ with tⱼ = C(n,j)
   * (1 − x − j/n)^(n−j) (x + j/n)^(j−1), j = 0..⌊n(1−x)⌋ (all terms positive).
   *
   * <p>Up to {@value #SMIRNOV_FULL_SUM_MAX_JMAX} terms: {@link #smirnovFullSum}. Beyond, the terms
   * are log-concave in j (their ratio tⱼ₊₁/tⱼ falls as j grows), so they rise to one largest term
   * and fall after it: its index is found by bisection on the sign of log(tⱼ₊₁/tⱼ) and its
   * logarithm is evaluated once by Stirling's series with the large parts cancelled analytically.
   * For small x the terms are not concentrated (most of the ⌊n(1−x)⌋ terms are within 1e-20 of the
   * largest) but they vary smoothly with j, so the sum is taken by {@link #smirnovStrided}: every
   * h-th term from the largest outward, h first about n/1024 (some thousand terms whatever n) and
   * halved until the strided sum is shown accurate. Should no stride of at least {@value
   * #SMIRNOV_MIN_STRIDE} be, every term is added, walking outward from the largest in both
   * directions by the closed-form log ratio of consecutive terms, stopping where a term falls below
   * 1e-20 of the largest (what lies beyond does not change a double).
   */
  static double smirnov(int n, double x) {
    if (x >= 1.0) {
      return 0.0;
    }
    if (x <= 0.0) {
      return 1.0;
    }
    int jmax = (int) Math.floor(n * (1 - x));
    if (jmax <= SMIRNOV_FULL_SUM_MAX_JMAX) {
      return smirnovFullSum(n, x);
    }
    double c = n * x; // n·x
    int mode = smirnovMode(n, x);
    double logMax = smirnovLogTerm(n, x, c, mode);
    if (logMax + Math.log(x) + Math.log(jmax + 1.0) < -750) {
      return 0.0; // below half the smallest subnormal even if all terms were the largest
    }
    for (int h = Math.max(SMIRNOV_MIN_STRIDE, n / 1024); h >= SMIRNOV_MIN_STRIDE; h /= 2) {
      double s = smirnovStrided(n, x, c, mode, logMax, h);
      if (s > 0.0) {
        return KolmogorovDistribution.clip(x * Math.exp(logMax) * s);
      }
    }
    return KolmogorovDistribution.clip(x * Math.exp(logMax) * smirnovWalk(n, x, mode));
  }

  /**
   * The index of the largest term of {@link #smirnov}'s sum (the first j whose next term is no
   * larger), by bisection on the sign of log(tⱼ₊₁/tⱼ).
   */
  static int smirnovMode(int n, double x) {
    double c = n * x; // n·x
    double nA = n - c; // n·(1 − x)
    int lo = 0;
    int hi = (int) Math.floor(n * (1 - x));
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (smirnovLogRatio(n, c, nA, mid) > 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /**
   * Σⱼ tⱼ/t_mode over every term: outward from the largest in both directions by the closed-form
   * log ratio of consecutive terms, stopping where a term falls below 1e-20 of the largest.
   */
  static double smirnovWalk(int n, double x, int mode) {
    int jmax = (int) Math.floor(n * (1 - x));
    double c = n * x;
    double nA = n - c;
    double sum = 1.0; // the largest term, relative to itself
    double l = 0.0;
    for (int j = mode; j < jmax; j++) {
      l += smirnovLogRatio(n, c, nA, j); // log(t_{j+1}/t_mode)
      if (l < SMIRNOV_LOG_CUTOFF) {
        break;
      }
      sum += Math.exp(l);
    }
    double below = 0.0; // added separately, smallest last, like the full sum's ascending order
    l = 0.0;
    for (int j = mode - 1; j >= 0; j--) {
      l -= smirnovLogRatio(n, c, nA, j); // log(t_j/t_mode)
      if (l < SMIRNOV_LOG_CUTOFF) {
        break;
      }
      below += Math.exp(l);
    }
    return below + sum;
  }

  /** The smallest stride {@link #smirnovStrided} is tried with; below, every term is added. */
  private static final int SMIRNOV_MIN_STRIDE = 4;

  /** The largest relative difference between the strided sums of step h and 2h that is accepted. */
  private static final double SMIRNOV_STRIDE_TOLERANCE = 1e-13;

  /**
   * Σⱼ tⱼ/t_mode by the trapezoid rule with stride h on the grid j = mode + k·h, or 0 if that is
   * not accurate enough. The terms are the values at the integers of a function of j that is
   * analytic around the real axis and negligible (below 1e-20 of the largest) well inside [0,
   * ⌊n(1−x)⌋] when n is large; for such a function the sum over the integers and h times the sum
   * over every h-th integer both equal its integral up to aliasing terms that fall off like
   * exp(−2πd/h), d the distance to the nearest singularity (Poisson summation). Halving h squares
   * that error, so the h-sum is accepted when it agrees with the 2h-sum (every other point of the
   * same grid) within {@value #SMIRNOV_STRIDE_TOLERANCE}: its own error is then far below double
   * precision. Each point's log is {@link #smirnovLogTerm}, accurate on its own (no recurrence);
   * points are added outward from the mode until they fall below 1e-20 of it.
   */
  static double smirnovStrided(int n, double x, double c, int mode, double logMax, int h) {
    double nA = n - c;
    double even = 1.0; // k even (the mode itself is k = 0), relative to the largest term
    double odd = 0.0;
    boolean isOdd = true;
    for (long j = (long) mode + h; j < nA; j += h, isOdd = !isOdd) {
      double l = smirnovLogTerm(n, x, c, (int) j) - logMax;
      if (l < SMIRNOV_LOG_CUTOFF) {
        break;
      }
      if (isOdd) {
        odd += Math.exp(l);
      } else {
        even += Math.exp(l);
      }
    }
    isOdd = true;
    for (int j = mode - h; j >= 0; j -= h, isOdd = !isOdd) {
      double l = smirnovLogTerm(n, x, c, j) - logMax;
      if (l < SMIRNOV_LOG_CUTOFF) {
        break;
      }
      if (isOdd) {
        odd += Math.exp(l);
      } else {
        even += Math.exp(l);
      }
    }
    double fine = h * (even + odd);
    double coarse = 2.0 * h * even;
    return Math.abs(fine - coarse) <= SMIRNOV_STRIDE_TOLERANCE * fine ? fine : 0.0;
  }

  /**
   * log(tⱼ₊₁/tⱼ) for 0 ≤ j &lt; ⌊n(1−x)⌋, given c = n·x and nA = n·(1−x): with A = nA − j and B = c
   * + j, log((n−j)·B/((j+1)·A)) + (n−j−1)·log1p(−1/A) + j·log1p(1/B). −∞ when term j+1 is 0 (A ≤
   * 1).
   */
  static double smirnovLogRatio(int n, double c, double nA, int j) {
    double a = nA - j;
    if (a <= 1.0) {
      return Double.NEGATIVE_INFINITY;
    }
    double b = c + j;
    return Math.log((n - j) * b / ((j + 1.0) * a))
        + (n - j - 1.0) * log1pSmall(-1.0 / a)
        + j * log1pSmall(1.0 / b);
  }

  /**
   * log(1 + u): for |u| ≤ 2⁻¹⁰ the Taylor polynomial to u⁷ (the rest is below 2⁻⁷³ of the result),
   * else {@link Math#log1p}.
   */
  static double log1pSmall(double u) {
    if (Math.abs(u) > 0x1p-10) {
      return Math.log1p(u);
    }
    return u
        * (1.0
            + u
                * (-1.0 / 2
                    + u * (1.0 / 3 + u * (-1.0 / 4 + u * (1.0 / 5 + u * (-1.0 / 6 + u / 7))))));
  }

  /**
   * log tⱼ for 0 ≤ j &lt; n, accurate to a few ulps of the result: with m = n − j, A = m − c, B = c
   * + j and S(k) = log k! − (k·log k − k + ½·log(2πk)), Stirling's remainder, log tⱼ =
   * m·(log1p(−c/m) + c/m) + j·(log1p(c/j) − c/j) − log(B/n) + ½·log(n/(2πjm)) + S(n) − S(j) − S(m):
   * the terms n·log n, ±c that are large and cancel are taken out exactly.
   */
  static double smirnovLogTerm(int n, double x, double c, int j) {
    if (j == 0) {
      return n * Math.log1p(-x) - Math.log(x);
    }
    int m = n - j;
    return m * log1pMinusX(-c / m)
        + j * log1pMinusX(c / j)
        - Math.log((c + j) / n)
        + 0.5 * Math.log((double) n / ((double) j * m) / (2 * Math.PI))
        + stirlingRemainder(n)
        - stirlingRemainder(j)
        - stirlingRemainder(m);
  }

  /**
   * log(1 + t) − t for t &gt; −1, without the cancellation near 0 (power series for |t| &lt; ½).
   */
  static double log1pMinusX(double t) {
    if (Math.abs(t) >= 0.5) {
      return Math.log1p(t) - t;
    }
    // t²·(−1/2 + t·(1/3 + t·(−1/4 + …))) by Horner up to t⁶¹: for |t| < ½ the first term left
    // out, t⁶²/62, is below 1e-19 of t²/2
    double h = 0.0;
    for (int k = 61; k >= 2; k--) {
      h = h * t + LOG1P_COEF[k];
    }
    return h * t * t;
  }

  /** (−1)^(k+1)/k at index k, for k = 2..61: the coefficients of {@link #log1pMinusX}. */
  private static final double[] LOG1P_COEF = new double[62];

  static {
    for (int k = 2; k < LOG1P_COEF.length; k++) {
      LOG1P_COEF[k] = ((k & 1) == 0 ? -1.0 : 1.0) / k;
    }
  }

  /** log k! − (k·log k − k + ½·log(2πk)) for k ≥ 1. */
  static double stirlingRemainder(int k) {
    if (k < 16) {
      return logGamma(k + 1.0) - (k * Math.log(k) - k + 0.5 * Math.log(2 * Math.PI * k));
    }
    double r = 1.0 / k;
    double r2 = r * r;
    // 1/(12k) − 1/(360k³) + 1/(1260k⁵) − 1/(1680k⁷) + 1/(1188k⁹)
    return r * (1.0 / 12 + r2 * (-1.0 / 360 + r2 * (1.0 / 1260 + r2 * (-1.0 / 1680 + r2 / 1188))));
  }

  /**
   * {@link #smirnov} by adding every term of the Birnbaum–Tingey sum, each from log-gamma, relative
   * to the largest; 0 &lt; x &lt; 1 ({@link #smirnov} answers the ends).
   */
  static double smirnovFullSum(int n, double x) {
    int jmax = (int) Math.floor(n * (1 - x));
    double logN = logGamma(n + 1.0);
    // Terms rise then fall; sum relative to the largest for accuracy.
    double[] logs = new double[jmax + 1];
    double maxLog = Double.NEGATIVE_INFINITY;
    for (int j = 0; j <= jmax; j++) {
      double a = 1 - x - (double) j / n;
      double b = x + (double) j / n;
      double term = logN - logGamma(j + 1.0) - logGamma(n - j + 1.0);
      // a is 0 at j = n(1 − x) exactly, but may come out a hair below 0 (1 − 0.9 − 15/150 < 0)
      term += (n - j == 0) ? 0.0 : a <= 0.0 ? Double.NEGATIVE_INFINITY : (n - j) * Math.log(a);
      term += (j - 1) * Math.log(b);
      logs[j] = term;
      if (term > maxLog) {
        maxLog = term;
      }
    }
    double sum = 0.0;
    for (double l : logs) {
      sum += Math.exp(l - maxLog);
    }
    return KolmogorovDistribution.clip(x * Math.exp(maxLog) * sum);
  }

  private static double logGamma(double x) {
    return org.apache.commons.math3.special.Gamma.logGamma(x);
  }
}
