package dev.keel.monitoring.stats;

/**
 * Profile statistics of one numeric column in one window, as the profile metrics table reports
 * them.
 *
 * @param count the number of non-NULL values, NaN included
 * @param numNulls the number of NULLs (given by the caller, who excluded them)
 * @param numNan the number of NaN values
 * @param avg the mean of the non-NaN values ({@code np.mean}); NaN when there are none
 * @param stddev the sample standard deviation of the non-NaN values, ddof = 1 ({@code np.std(x,
 *     ddof=1)}, Spark's {@code stddev}); NaN for fewer than 2 values
 * @param min the smallest non-NaN value; NaN when there are none
 * @param max the largest non-NaN value; NaN when there are none
 * @param quantiles the quantiles of the non-NaN values at {@code probabilities}, numpy's linear
 *     method ({@code np.quantile(x, probabilities)}); NaN each when there are no values
 * @param probabilities the probabilities the quantiles were taken at
 * @param numZeros the number of values equal to 0 (0.0 and −0.0)
 * @param distinctCount the number of distinct non-NaN values ({@code len(np.unique(x))}, −0.0 =
 *     0.0)
 */
public record NumericProfile(
    long count,
    long numNulls,
    long numNan,
    double avg,
    double stddev,
    double min,
    double max,
    double[] quantiles,
    double[] probabilities,
    long numZeros,
    long distinctCount) {

  /**
   * Profiles {@code sample} (the non-NULL values; NaN dropped and counted by the sample) with
   * {@code numNulls} NULLs, taking quantiles at {@code probabilities}. Sums are compensated
   * (Neumaier), so the mean and standard deviation are exact to a few ulps whatever the order of
   * the rows.
   *
   * @throws IllegalArgumentException naming {@code sample}, {@code numNulls} or {@code
   *     probabilities} when null, negative or outside [0, 1]
   */
  public static NumericProfile of(SortedSample sample, long numNulls, double[] probabilities) {
    if (sample == null) {
      throw new IllegalArgumentException("sample must not be null");
    }
    if (numNulls < 0) {
      throw new IllegalArgumentException("numNulls must be >= 0, got " + numNulls);
    }
    if (probabilities == null) {
      throw new IllegalArgumentException("probabilities must not be null");
    }
    for (double p : probabilities) {
      if (!(p >= 0 && p <= 1)) {
        throw new IllegalArgumentException("probabilities must be in [0, 1], got " + p);
      }
    }
    double[] x = sample.values();
    int n = x.length;
    double[] quantiles = new double[probabilities.length];
    if (n == 0) {
      java.util.Arrays.fill(quantiles, Double.NaN);
      return new NumericProfile(
          sample.nanCount(),
          numNulls,
          sample.nanCount(),
          Double.NaN,
          Double.NaN,
          Double.NaN,
          Double.NaN,
          quantiles,
          probabilities.clone(),
          0,
          0);
    }
    double sum = 0.0;
    double comp = 0.0;
    long zeros = 0;
    long distinct = 0;
    for (int i = 0; i < n; i++) {
      double v = x[i];
      double t = sum + v;
      comp += Math.abs(sum) >= Math.abs(v) ? (sum - t) + v : (v - t) + sum;
      sum = t;
      if (v == 0.0) {
        zeros++;
      }
      if (i == 0 || v != x[i - 1]) {
        distinct++;
      }
    }
    double avg = (sum + comp) / n;
    double stddev = Double.NaN;
    if (n >= 2) {
      double ss = 0.0;
      double c2 = 0.0;
      for (double v : x) {
        double d = (v - avg) * (v - avg);
        double t = ss + d;
        c2 += Math.abs(ss) >= Math.abs(d) ? (ss - t) + d : (d - t) + ss;
        ss = t;
      }
      stddev = Math.sqrt((ss + c2) / (n - 1));
    }
    for (int k = 0; k < probabilities.length; k++) {
      quantiles[k] = sample.quantile(probabilities[k]);
    }
    return new NumericProfile(
        (long) n + sample.nanCount(),
        numNulls,
        sample.nanCount(),
        avg,
        stddev,
        x[0],
        x[n - 1],
        quantiles,
        probabilities.clone(),
        zeros,
        distinct);
  }
}
