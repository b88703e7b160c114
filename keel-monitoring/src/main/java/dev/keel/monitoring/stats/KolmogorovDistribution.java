package dev.keel.monitoring.stats;

/**
 * The distribution of the one-sample two-sided Kolmogorov–Smirnov statistic Dₙ for a finite n, as
 * scipy's {@code scipy.stats.kstwo} evaluates it: Simard and L'Ecuyer's (2011) choice among the
 * Ruben–Gambino closed forms, the Durbin matrix (Marsaglia–Tsang–Wang), the Pomeranz recursion, the
 * Pelz–Good expansion and twice the exact one-sided Smirnov tail ("Miller's approximation").
 *
 * <p>Used by {@link NumericDrift#ks} for the asymptotic two-sample p-value, {@code kstwo.sf(D,
 * round(n₁n₂/(n₁+n₂)))}. Written from the published algorithms and scipy's choice of regimes.
 */
final class KolmogorovDistribution {
  private static final int E128 = 128;
  private static final double EP128 = Math.scalb(1.0, E128);
  private static final double EM128 = Math.scalb(1.0, -E128);
  private static final double LOG_2PI = Math.log(2 * Math.PI);
  private static final double SQRT_2PI = Math.sqrt(2 * Math.PI);
  private static final double PI2 = Math.PI * Math.PI;
  private static final double PI4 = PI2 * PI2;
  private static final double PI6 = PI4 * PI2;
  private static final double MIN_LOG = -708;
  // B_{2j}/(2j)/(2j-1) for j = 8..1 (Stirling series of log n!).
  private static final double[] STIRLING = {
    -2.955065359477124183e-2, 6.4102564102564102564e-3, -1.9175269175269175269e-3,
    8.4175084175084175084e-4, -5.952380952380952381e-4, 7.9365079365079365079e-4,
    -2.7777777777777777778e-3, 8.3333333333333333333e-2
  };

  private KolmogorovDistribution() {}

  static double clip(double p) {
    return Math.max(0.0, Math.min(1.0, p));
  }

  /** P(Dₙ ≥ x): the survival function of the two-sided one-sample statistic for sample size n. */
  static double sf(int n, double x) {
    if (n <= 0) {
      throw new IllegalArgumentException("n must be positive, got " + n);
    }
    if (x >= 1.0) {
      return 0.0;
    }
    if (x <= 0.0) {
      return 1.0;
    }
    double t = n * x;
    if (t <= 1.0) { // Ruben–Gambino: 1/(2n) <= x <= 1/n
      if (t <= 0.5) {
        return 1.0;
      }
      double cdf;
      if (n <= 140) {
        cdf = 1.0;
        for (int i = 1; i <= n; i++) {
          cdf *= i * (1.0 / n) * (2 * t - 1);
        }
      } else {
        cdf = Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1));
      }
      return clip(1.0 - cdf);
    }
    if (t >= n - 1) { // Ruben–Gambino
      return clip(2 * Math.pow(1.0 - x, n));
    }
    if (x >= 0.5) { // exact: the two one-sided tails cannot both happen
      return clip(2 * SmirnovTail.smirnov(n, x));
    }
    double nx2 = t * x;
    if (n <= 140) {
      if (nx2 <= 0.754693) {
        return clip(1.0 - durbinMatrix(n, x));
      }
      if (nx2 <= 4) {
        return clip(1.0 - pomeranz(n, x));
      }
      return clip(2 * SmirnovTail.smirnov(n, x));
    }
    if (nx2 >= 370.0) {
      return 0.0;
    }
    if (nx2 >= 2.2) {
      return clip(2 * SmirnovTail.smirnov(n, x));
    }
    double cdf;
    if (n <= 100000 && n * Math.pow(x, 1.5) <= 1.4) {
      cdf = durbinMatrix(n, x);
    } else {
      cdf = pelzGood(n, x);
    }
    return clip(1.0 - cdf);
  }

  /** log(n!/nⁿ) by Stirling's series with n·log n removed up front. */
  static double logFactorialOverPower(int n) {
    double rn = 1.0 / n;
    double y = rn / n;
    double poly = 0.0;
    for (double c : STIRLING) {
      poly = poly * y + c;
    }
    return Math.log(n) / 2 - n + LOG_2PI / 2 + rn * poly;
  }

  /** P(Dₙ ≤ d) by Durbin's matrix, with Marsaglia–Tsang–Wang's scaling of Hⁿ. */
  static double durbinMatrix(int n, double d) {
    if (d >= 1.0) {
      return 1.0;
    }
    double nd = n * d;
    if (nd <= 0.5) {
      return 0.0;
    }
    int k = (int) Math.ceil(nd);
    double h = k - nd;
    int m = 2 * k - 1;
    double[] v = new double[m];
    double[] w = new double[m];
    double fac = 1.0;
    for (int j = 1; j <= m; j++) {
      v[j - 1] = 1.0 - Math.pow(h, j);
      w[j - 1] = fac;
      fac /= j;
      v[j - 1] *= fac;
    }
    double tt = Math.pow(Math.max(2 * h - 1.0, 0), m) - 2 * Math.pow(h, m);
    v[m - 1] = (1.0 + tt) * fac;
    double[][] hm = new double[m][m];
    for (int i = 1; i < m; i++) {
      for (int r = i - 1; r < m; r++) {
        hm[r][i] = w[r - (i - 1)];
      }
    }
    for (int r = 0; r < m; r++) {
      hm[r][0] = v[r];
    }
    for (int c = 0; c < m; c++) {
      hm[m - 1][c] = v[m - 1 - c];
    }
    double[][] pwr = new double[m][m];
    for (int i = 0; i < m; i++) {
      pwr[i][i] = 1.0;
    }
    int nn = n;
    int expnt = 0;
    int hexpnt = 0;
    while (nn > 0) {
      if (nn % 2 != 0) {
        pwr = multiply(pwr, hm);
        expnt += hexpnt;
      }
      hm = multiply(hm, hm);
      hexpnt *= 2;
      if (Math.abs(hm[k - 1][k - 1]) > EP128) {
        scale(hm, EM128);
        hexpnt += E128;
      }
      nn /= 2;
    }
    double p = pwr[k - 1][k - 1];
    for (int i = 1; i <= n; i++) {
      p = i * p / n;
      if (Math.abs(p) < EM128) {
        p *= EP128;
        expnt -= E128;
      }
    }
    if (expnt != 0) {
      p = Math.scalb(p, expnt);
    }
    return clip(p);
  }

  private static double[][] multiply(double[][] a, double[][] b) {
    int m = a.length;
    double[][] c = new double[m][m];
    for (int i = 0; i < m; i++) {
      double[] ci = c[i];
      for (int l = 0; l < m; l++) {
        double ail = a[i][l];
        if (ail == 0.0) {
          continue;
        }
        double[] bl = b[l];
        for (int j = 0; j < m; j++) {
          ci[j] += ail * bl[j];
        }
      }
    }
    return c;
  }

  private static void scale(double[][] a, double f) {
    for (double[] row : a) {
      for (int j = 0; j < row.length; j++) {
        row[j] *= f;
      }
    }
  }

  /** P(Dₙ ≤ x) by the Pomeranz (1974) recursion, two rows kept, rescaled against underflow. */
  static double pomeranz(int n, double x) {
    double t = n * x;
    int ll = (int) Math.floor(t);
    double f = t - ll;
    double g = Math.min(f, 1.0 - f);
    int ceilf = f > 0 ? 1 : 0;
    int roundf = f > 0.5 ? 1 : 0;
    int npwrs = 2 * (ll + 1);
    double[] gpower = new double[npwrs];
    double[] twogpower = new double[npwrs];
    double[] onem2gpower = new double[npwrs];
    gpower[0] = 1.0;
    twogpower[0] = 1.0;
    onem2gpower[0] = 1.0;
    double gn = g / n;
    double g2n = 2 * g / n;
    double g12n = (1 - 2 * g) / n;
    for (int m = 1; m < npwrs; m++) {
      gpower[m] = gpower[m - 1] * gn / m;
      twogpower[m] = twogpower[m - 1] * g2n / m;
      onem2gpower[m] = onem2gpower[m - 1] * g12n / m;
    }
    double[] v0 = new double[npwrs];
    double[] v1 = new double[npwrs];
    v1[0] = 1;
    int v0s = 0;
    int v1s = 0;
    int expnt = 0;
    int[] j = pomeranzRange(0, n, ll, ceilf, roundf);
    for (int i = 1; i < 2 * n + 2; i++) {
      int k1 = j[0];
      double[] tmp = v0;
      v0 = v1;
      v1 = tmp;
      int ts = v0s;
      v0s = v1s;
      v1s = ts;
      java.util.Arrays.fill(v1, 0.0);
      j = pomeranzRange(i, n, ll, ceilf, roundf);
      double[] pwrs = (i == 1 || i == 2 * n + 1) ? gpower : (i % 2 != 0 ? twogpower : onem2gpower);
      int ln2 = j[1] - k1 + 1;
      if (ln2 > 0) {
        int start = k1 - v0s;
        int alen = Math.min(ln2, npwrs - start); // the row slice, cut at the row's end
        int convStart = j[0] - k1;
        int convLen = j[1] - j[0] + 1;
        double max = 0.0;
        for (int c = 0; c < convLen; c++) {
          int idx = convStart + c; // index into the full convolution of a[0..alen) and pwrs[0..ln2)
          double s = 0.0;
          int lo = Math.max(0, idx - (ln2 - 1));
          int hi = Math.min(alen - 1, idx);
          for (int a = lo; a <= hi; a++) {
            s += v0[start + a] * pwrs[idx - a];
          }
          v1[c] = s;
          max = Math.max(max, s);
        }
        if (max > 0 && max < EM128) {
          for (int c = 0; c < npwrs; c++) {
            v1[c] *= EP128;
          }
          expnt -= E128;
        }
        v1s = v0s + j[0] - k1;
      }
    }
    double ans = v1[n - v1s];
    for (int m = 1; m <= n; m++) {
      if (Math.abs(ans) > EP128) {
        ans *= EM128;
        expnt += E128;
      }
      ans *= m;
    }
    if (expnt != 0) {
      ans = Math.scalb(ans, expnt);
    }
    return clip(ans);
  }

  private static int[] pomeranzRange(int i, int n, int ll, int ceilf, int roundf) {
    int j1;
    int j2;
    if (i == 0) {
      j1 = -ll - ceilf - 1;
      j2 = ll + ceilf - 1;
    } else {
      int half = (i + 1) / 2;
      if ((i + 1) % 2 == 0) {
        if (half == n + 1) {
          j1 = n - ll - ceilf - 1;
          j2 = n + ll + ceilf - 1;
        } else {
          j1 = half - 1 - ll - roundf - 1;
          j2 = half + ll - 1 + ceilf - 1;
        }
      } else {
        j1 = half - 1 - ll - 1;
        j2 = half + ll + roundf - 1;
      }
    }
    return new int[] {Math.max(j1 + 2, 0), Math.min(j2, n)};
  }

  /** The Pelz–Good (1976) approximation of P(Dₙ ≤ x), for small x·√n. Not clipped. */
  static double pelzGood(int n, double x) {
    if (x <= 0.0) {
      return 0.0;
    }
    if (x >= 1.0) {
      return 1.0;
    }
    double z = Math.sqrt(n) * x;
    double z2 = z * z;
    double z3 = z2 * z;
    double z4 = z2 * z2;
    double z6 = z4 * z2;
    double qlog = -PI2 / 8 / z2;
    if (qlog < MIN_LOG) {
      return 0.0;
    }
    double q = Math.exp(qlog);
    double k1a = -z2;
    double k1b = PI2 / 4;
    double k2a = 6 * z6 + 2 * z4;
    double k2b = (2 * z4 - 5 * z2) * PI2 / 4;
    double k2c = PI4 * (1 - 2 * z2) / 16;
    double k3d = PI6 * (5 - 30 * z2) / 64;
    double k3c = PI4 * (-60 * z2 + 212 * z4) / 16;
    double k3b = PI2 * (135 * z4 - 96 * z6) / 4;
    double k3a = -30 * z6 - 90 * Math.pow(z, 8);
    double[] k = new double[4];
    int maxk = (int) Math.ceil(16 * z / Math.PI);
    for (int kk = maxk; kk > 0; kk--) {
      double m = 2 * kk - 1;
      double m2 = m * m;
      double m4 = m2 * m2;
      double m6 = m4 * m2;
      double qp = Math.pow(q, 8 * kk);
      double[] c = {
        1.0, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4, k3a + k3b * m2 + k3c * m4 + k3d * m6
      };
      for (int i = 0; i < 4; i++) {
        k[i] = k[i] * qp + c[i];
      }
    }
    double[] div = {z, 6 * z4, 72 * Math.pow(z, 7), 6480 * Math.pow(z, 10)};
    for (int i = 0; i < 4; i++) {
      k[i] = k[i] * q * SQRT_2PI / div[i];
    }
    double q2 = Math.exp(-PI2 / 2 / z2);
    double k2extra = 0.0;
    double k3extra = 0.0;
    double sqrt3z = Math.sqrt(3) * z;
    for (int kk = maxk; kk > 0; kk--) {
      double ks2 = (double) kk * kk;
      double qp = Math.pow(q2, ks2);
      double kspi = Math.PI * kk;
      k2extra += ks2 * qp;
      k3extra += (sqrt3z + kspi) * (sqrt3z - kspi) * ks2 * qp;
    }
    k[2] += k2extra * PI2 * SQRT_2PI / (-36 * z3);
    k[3] += k3extra * PI2 * SQRT_2PI / (216 * z6);
    double sum = 0.0;
    for (int i = 0; i < 4; i++) {
      sum += k[i] / Math.pow(n, i / 2.0);
    }
    return sum;
  }
}
