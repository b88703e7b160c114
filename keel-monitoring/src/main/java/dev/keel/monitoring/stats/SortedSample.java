package dev.keel.monitoring.stats;

import java.util.Arrays;

/**
 * One numeric sample, sorted once and reused by every statistic that needs order (KS, Wasserstein,
 * quantiles, PSI bins, min, max, distinct count).
 *
 * <p>NULLs are the caller's business: they are never in the array and are counted by the caller.
 * NaN values are removed here and counted in {@link #nanCount()}: every distribution statistic is
 * computed over the non-NaN values, as scipy does with {@code nan_policy='omit'} (or on {@code
 * x[~np.isnan(x)]}). Infinities are ordinary values, ordered at the ends (KS, PSI and quantiles
 * stay defined; sums that meet them follow IEEE arithmetic, as numpy does). {@code -0.0} and {@code
 * 0.0} are the same value.
 */
public final class SortedSample {
  private final double[] sorted;
  private final int nanCount;

  private SortedSample(double[] sorted, int nanCount) {
    this.sorted = sorted;
    this.nanCount = nanCount;
  }

  /**
   * Copies {@code values}, drops NaN (counting them) and sorts the rest ascending. {@code values}
   * is not modified. The result is the array {@link Arrays#sort(double[])} gives on the non-NaN
   * values with {@code -0.0} replaced by {@code 0.0}; from 4096 values on it is computed by a radix
   * sort, which is several times faster on large samples.
   *
   * @throws IllegalArgumentException if {@code values} is null
   */
  public static SortedSample of(double[] values) {
    if (values == null) {
      throw new IllegalArgumentException("values must not be null");
    }
    return of(values, values.length);
  }

  /**
   * {@link #of(double[])} of the first {@code length} values of {@code values} (a buffer filled up
   * to {@code length}: no copy of the prefix is needed).
   *
   * @throws IllegalArgumentException if {@code values} is null or {@code length} is outside [0,
   *     values.length]
   */
  public static SortedSample of(double[] values, int length) {
    if (values == null) {
      throw new IllegalArgumentException("values must not be null");
    }
    if (length < 0 || length > values.length) {
      throw new IllegalArgumentException(
          "length must be in [0, " + values.length + "], got " + length);
    }
    if (length < RADIX_MIN) {
      return ofByComparisonSort(values, length);
    }
    double[] sorted = bucketSortDropNaN(values, length);
    return new SortedSample(sorted, length - sorted.length);
  }

  /**
   * The fewest buckets of the first level of {@link #bucketSortDropNaN}; from 2²⁰ values on there
   * are about one per {@value #VALUES_PER_BUCKET} values (a power of two).
   */
  private static final int MIN_BUCKETS = 512;

  private static final int VALUES_PER_BUCKET = 1024;

  /** A first-level bucket above this size is sorted by {@link #radixSortDropNaN}. */
  private static final int SMALL_BUCKET_MAX = 8192;

  /** A second-level bucket above this size is sorted by {@link Arrays#sort(double[], int, int)}. */
  private static final int INSERTION_MAX = 16;

  /**
   * The non-NaN values of {@code values} in ascending order, {@code -0.0} turned into {@code 0.0}:
   * the same array as {@link #ofByComparisonSort}, by a two-level bucket sort on the value itself.
   *
   * <p>With m and M the smallest and largest finite values, value v goes to bucket ⌊(v − m)·s⌋ of B
   * (B = {@value #MIN_BUCKETS} or more for large samples, s = B/(M − m), the index clamped to the
   * buckets; infinities land in the end buckets). Each step, v − m, the product and the truncation,
   * is monotone in v (rounding is monotone), so a smaller value never lands in a later bucket and
   * sorting each bucket in place sorts the array. Three streaming passes (range, counts, scatter)
   * replace the radix sort's eight, and each bucket (about a thousand values on spread-out data) is
   * sorted in cache the same way again: its values spread over as many sub-buckets by its own
   * range, then each sub-bucket (one or two values on average) by insertion. Skewed data are
   * bounded: a bucket above {@value #SMALL_BUCKET_MAX} values goes to {@link #radixSortDropNaN}, a
   * sub-bucket above {@value #INSERTION_MAX} to {@link Arrays#sort(double[], int, int)}; no finite
   * range (all values equal, or infinite M − m) sends the whole array to the radix sort.
   */
  static double[] bucketSortDropNaN(double[] values, int len) {
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    int n = 0;
    for (int q = 0; q < len; q++) {
      double v = values[q];
      if (v != v) {
        continue; // NaN
      }
      n++;
      if (Math.abs(v) < Double.POSITIVE_INFINITY) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
    }
    int buckets = Math.max(MIN_BUCKETS, Integer.highestOneBit(n / VALUES_PER_BUCKET));
    double scale = buckets / (max - min);
    if (!(scale > 0.0 && scale < Double.POSITIVE_INFINITY)) {
      return radixSortDropNaN(values, len);
    }
    int last = buckets - 1;
    int[] start = new int[buckets + 1]; // bucket b is [start[b], start[b + 1])
    for (int q = 0; q < len; q++) {
      double v = values[q];
      if (v != v) {
        continue;
      }
      start[Math.max(0, Math.min((int) ((v + 0.0 - min) * scale), last)) + 1]++;
    }
    for (int b = 0; b < buckets; b++) {
      start[b + 1] += start[b];
    }
    int[] next = Arrays.copyOf(start, buckets);
    double[] sorted = new double[n];
    for (int q = 0; q < len; q++) {
      double v = values[q] + 0.0; // -0.0 + 0.0 is 0.0
      if (v != v) {
        continue;
      }
      sorted[next[Math.max(0, Math.min((int) ((v - min) * scale), last))]++] = v;
    }
    double[] tmp = new double[SMALL_BUCKET_MAX];
    int[] ends = new int[SMALL_BUCKET_MAX];
    for (int b = 0; b < buckets; b++) {
      int lo = start[b];
      int hi = start[b + 1];
      if (hi - lo > SMALL_BUCKET_MAX) {
        double[] part = radixSortDropNaN(Arrays.copyOfRange(sorted, lo, hi), hi - lo);
        System.arraycopy(part, 0, sorted, lo, part.length);
      } else if (hi - lo > 1) {
        sortSmallBucket(sorted, lo, hi, tmp, ends);
      }
    }
    return sorted;
  }

  /**
   * Sorts a[lo, hi) (at most {@value #SMALL_BUCKET_MAX} values, no NaN): spread over hi − lo
   * sub-buckets by the bucket's own range as in {@link #bucketSortDropNaN}, each sub-bucket then
   * sorted by insertion (or {@link Arrays#sort(double[], int, int)} if large).
   */
  private static void sortSmallBucket(double[] a, int lo, int hi, double[] tmp, int[] ends) {
    int m = hi - lo;
    if (m <= INSERTION_MAX) {
      insertionSort(a, lo, hi);
      return;
    }
    double mn = a[lo];
    double mx = mn;
    for (int i = lo + 1; i < hi; i++) {
      double v = a[i];
      mn = Math.min(mn, v);
      mx = Math.max(mx, v);
    }
    double sc = m / (mx - mn);
    if (mn == mx) {
      return; // all equal
    }
    if (!(sc > 0.0 && sc < Double.POSITIVE_INFINITY)) {
      Arrays.sort(a, lo, hi); // an infinity, or a range too narrow to divide by
      return;
    }
    int last = m - 1;
    Arrays.fill(ends, 0, m, 0);
    for (int i = lo; i < hi; i++) {
      ends[Math.min((int) ((a[i] - mn) * sc), last)]++;
    }
    int sum = 0;
    for (int k = 0; k < m; k++) {
      int c = ends[k];
      ends[k] = sum; // the sub-bucket's start for now, its end after the scatter
      sum += c;
    }
    for (int i = lo; i < hi; i++) {
      double v = a[i];
      tmp[ends[Math.min((int) ((v - mn) * sc), last)]++] = v;
    }
    System.arraycopy(tmp, 0, a, lo, m);
    int from = lo;
    for (int k = 0; k < m; k++) {
      int to = lo + ends[k];
      if (to - from > INSERTION_MAX) {
        Arrays.sort(a, from, to);
      } else if (to - from > 1) {
        insertionSort(a, from, to);
      }
      from = to;
    }
  }

  private static void insertionSort(double[] a, int lo, int hi) {
    for (int i = lo + 1; i < hi; i++) {
      double v = a[i];
      int j = i - 1;
      while (j >= lo && a[j] > v) {
        a[j + 1] = a[j];
        j--;
      }
      a[j + 1] = v;
    }
  }

  /** Below this many values {@link #of} sorts with {@link Arrays#sort(double[])}. */
  static final int RADIX_MIN = 4096;

  private static final int DIGIT_BITS = 11;
  private static final int RADIX = 1 << DIGIT_BITS;
  private static final int PASSES = 6; // ⌈64/11⌉: the key pass below counts all six digits

  /**
   * {@link #of} by {@link Arrays#sort(double[])}: the definition that the radix sort reproduces.
   */
  static SortedSample ofByComparisonSort(double[] values, int length) {
    double[] copy = new double[length];
    int n = 0;
    for (int i = 0; i < length; i++) {
      double v = values[i];
      if (!Double.isNaN(v)) {
        copy[n++] = v == 0.0 ? 0.0 : v; // one zero: -0.0 sorts before 0.0 in Arrays.sort
      }
    }
    double[] sorted = n == copy.length ? copy : Arrays.copyOf(copy, n);
    Arrays.sort(sorted);
    return new SortedSample(sorted, length - n);
  }

  /**
   * The non-NaN values of {@code values} in ascending order, {@code -0.0} turned into {@code 0.0}:
   * the same array as {@link #ofByComparisonSort}. An LSD radix sort on the order-preserving key of
   * each double (its bits with the sign bit flipped if it is positive, all bits flipped if it is
   * negative: then unsigned key order is numeric order), 11-bit digits, least significant first; a
   * digit that is the same for every value is skipped. Every digit's histogram is counted in the
   * single pass that builds the keys.
   */
  private static double[] radixSortDropNaN(double[] values, int len) {
    long[] keys = new long[len];
    int[] counts = new int[PASSES * RADIX]; // pass p's histogram at [p·RADIX, (p+1)·RADIX)
    int mask = RADIX - 1;
    int n = 0;
    for (int q = 0; q < len; q++) {
      double v = values[q];
      if (v != v) {
        continue; // NaN
      }
      long bits = Double.doubleToRawLongBits(v + 0.0); // -0.0 + 0.0 is 0.0
      long key = bits ^ ((bits >> 63) | Long.MIN_VALUE);
      keys[n++] = key;
      counts[(int) key & mask]++;
      counts[RADIX + ((int) (key >>> DIGIT_BITS) & mask)]++;
      counts[2 * RADIX + ((int) (key >>> (2 * DIGIT_BITS)) & mask)]++;
      counts[3 * RADIX + ((int) (key >>> (3 * DIGIT_BITS)) & mask)]++;
      counts[4 * RADIX + ((int) (key >>> (4 * DIGIT_BITS)) & mask)]++;
      counts[5 * RADIX + ((int) (key >>> (5 * DIGIT_BITS)) & mask)]++;
    }
    long[] src = keys;
    long[] dst = new long[n];
    int[] offsets = new int[RADIX];
    for (int p = 0; p < PASSES; p++) {
      int base = p * RADIX;
      int shift = p * DIGIT_BITS;
      if (n == 0 || counts[base + ((int) (src[0] >>> shift) & mask)] == n) {
        continue; // one digit value for all: this pass would not move anything
      }
      int sum = 0;
      for (int d = 0; d < RADIX; d++) {
        offsets[d] = sum;
        sum += counts[base + d];
      }
      for (int k = 0; k < n; k++) {
        long key = src[k];
        dst[offsets[(int) (key >>> shift) & mask]++] = key;
      }
      long[] t = src;
      src = dst;
      dst = t;
    }
    double[] sorted = new double[n];
    for (int k = 0; k < n; k++) {
      long key = src[k];
      sorted[k] = Double.longBitsToDouble(key ^ (~(key >> 63) | Long.MIN_VALUE));
    }
    return sorted;
  }

  /** The number of non-NaN values. */
  public int size() {
    return sorted.length;
  }

  /** How many NaN values {@link #of} dropped. */
  public int nanCount() {
    return nanCount;
  }

  /** The {@code i}-th smallest non-NaN value (0-based). */
  public double get(int i) {
    return sorted[i];
  }

  /** A copy of the sorted non-NaN values. */
  public double[] toArray() {
    return sorted.clone();
  }

  /** The sorted values themselves, for this package's statistics; never modified. */
  double[] values() {
    return sorted;
  }

  /** How many values are {@code <= x} (the number of values in the right-closed ray up to x). */
  int countAtMost(double x) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] <= x) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /**
   * The quantile at probability {@code q} by numpy's default method ({@code np.quantile(x, q,
   * method='linear')}): with h = (n − 1)·q, i = ⌊h⌋ and t = h − i, the value x₍ᵢ₎ + (x₍ᵢ₊₁₎ −
   * x₍ᵢ₎)·t, evaluated as x₍ᵢ₊₁₎ − (x₍ᵢ₊₁₎ − x₍ᵢ₎)·(1 − t) when t ≥ 0.5 (numpy's rounding-safe
   * form), x₍ᵢ₊₁₎ clamped to the last value.
   *
   * @throws IllegalArgumentException if q is outside [0, 1] or NaN, or the sample is empty
   */
  public double quantile(double q) {
    if (!(q >= 0.0 && q <= 1.0)) {
      throw new IllegalArgumentException("quantile probability must be in [0, 1], got " + q);
    }
    int n = sorted.length;
    if (n == 0) {
      throw new IllegalArgumentException("sample is empty: no quantile");
    }
    double h = (n - 1) * q;
    double floor = Math.floor(h);
    int i = (int) floor;
    int next = Math.min(i + 1, n - 1);
    double t = h - floor;
    double a = sorted[i];
    double b = sorted[next];
    double diff = b - a;
    return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
  }
}
