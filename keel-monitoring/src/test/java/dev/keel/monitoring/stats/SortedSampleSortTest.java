package dev.keel.monitoring.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

/**
 * {@link SortedSample#of} (a radix sort from {@value SortedSample#RADIX_MIN} values on) gives
 * exactly the array that dropping NaN, turning -0.0 into 0.0 and {@link Arrays#sort(double[])}
 * give, bit for bit, on every kind of input around and far above the threshold.
 */
class SortedSampleSortTest {
  private static final int[] SIZES = {
    0,
    1,
    2,
    17,
    SortedSample.RADIX_MIN - 1,
    SortedSample.RADIX_MIN,
    SortedSample.RADIX_MIN + 1,
    5000,
    70_000
  };

  private static final double[] SPECIAL = {
    0.0,
    -0.0,
    Double.POSITIVE_INFINITY,
    Double.NEGATIVE_INFINITY,
    Double.NaN,
    Double.longBitsToDouble(0x7ff0000000000001L), // signalling-style NaN payload
    Double.longBitsToDouble(0xfff8000000000000L), // NaN with the sign bit set
    Double.MIN_VALUE,
    -Double.MIN_VALUE,
    Double.MIN_NORMAL,
    -Double.MIN_NORMAL,
    Double.MIN_NORMAL / 3, // subnormal
    -Double.MIN_NORMAL / 7,
    Double.MAX_VALUE,
    -Double.MAX_VALUE,
    1.0,
    -1.0,
    Math.nextUp(1.0),
    Math.nextDown(-1.0)
  };

  /** The definition: what {@link SortedSample#of} did with Arrays.sort. */
  private static double[] expected(double[] values) {
    double[] copy =
        Arrays.stream(values).filter(v -> !Double.isNaN(v)).map(v -> v == 0.0 ? 0.0 : v).toArray();
    Arrays.sort(copy);
    return copy;
  }

  private static void check(String what, double[] values) {
    double[] before = values.clone();
    SortedSample s = SortedSample.of(values);
    double[] want = expected(values);
    assertArrayEquals(want, s.toArray(), what + " (n=" + values.length + ")");
    assertThat(s.nanCount()).as(what).isEqualTo(values.length - want.length);
    for (int i = 0; i < values.length; i++) { // the input is left alone, bit for bit
      assertThat(Double.doubleToRawLongBits(values[i]))
          .as(what + " input[" + i + "]")
          .isEqualTo(Double.doubleToRawLongBits(before[i]));
    }
    // the comparison-sort path is the same definition
    assertArrayEquals(want, SortedSample.ofByComparisonSort(values, values.length).toArray(), what);
  }

  private static double[] fill(int n, DoubleSupplier g) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = g.getAsDouble();
    }
    return v;
  }

  @Test
  void radix_sort_gives_exactly_the_comparison_sort_result() {
    Random r = new Random(20261207);
    for (int n : SIZES) {
      List<Object[]> cases = new ArrayList<>();
      cases.add(new Object[] {"gaussian", fill(n, () -> r.nextGaussian() * 1e3)});
      cases.add(new Object[] {"uniform [0,1)", fill(n, r::nextDouble)});
      cases.add(new Object[] {"random bits", fill(n, () -> Double.longBitsToDouble(r.nextLong()))});
      cases.add(new Object[] {"few distinct", fill(n, () -> r.nextInt(7) - 3)});
      cases.add(
          new Object[] {
            "special values mixed in",
            fill(
                n,
                () ->
                    r.nextInt(4) == 0
                        ? SPECIAL[r.nextInt(SPECIAL.length)]
                        : r.nextGaussian() * Math.pow(10, r.nextInt(41) - 20))
          });
      cases.add(
          new Object[] {
            "subnormals only", fill(n, () -> (r.nextDouble() - 0.5) * Double.MIN_NORMAL)
          });
      cases.add(
          new Object[] {
            "one ulp apart",
            fill(n, () -> Double.longBitsToDouble(0x3ff0000000000000L + r.nextInt(64)))
          });
      cases.add(
          new Object[] {
            "sum of two uniforms on a grid",
            fill(n, () -> (r.nextInt(1_000_003) + r.nextInt(1_000_003)) / 1_000_003.0)
          });
      // most values in the first bucket of the range: the big-bucket and big-sub-bucket paths
      cases.add(new Object[] {"heavy tail", fill(n, () -> Math.exp(r.nextGaussian() * 6))});
      cases.add(
          new Object[] {
            "a tight cluster and two outliers",
            fill(n, () -> r.nextInt(1000) == 0 ? (r.nextBoolean() ? -1e6 : 1e6) : r.nextGaussian())
          });
      cases.add(
          new Object[] {
            "finite range with infinities",
            fill(
                n,
                () ->
                    r.nextInt(50) == 0
                        ? (r.nextBoolean() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY)
                        : r.nextDouble())
          });
      cases.add(new Object[] {"all equal", fill(n, () -> 2.5)});
      cases.add(new Object[] {"all -0.0", fill(n, () -> -0.0)});
      cases.add(new Object[] {"all zero, both signs", fill(n, () -> r.nextBoolean() ? 0.0 : -0.0)});
      cases.add(new Object[] {"all NaN", fill(n, () -> Double.NaN)});
      cases.add(new Object[] {"all -Infinity", fill(n, () -> Double.NEGATIVE_INFINITY)});
      double[] sorted = fill(n, () -> r.nextGaussian());
      Arrays.sort(sorted);
      cases.add(new Object[] {"already sorted", sorted});
      double[] reversed = new double[n];
      for (int i = 0; i < n; i++) {
        reversed[i] = sorted[n - 1 - i];
      }
      cases.add(new Object[] {"reverse sorted", reversed});
      for (Object[] c : cases) {
        check((String) c[0], (double[]) c[1]);
      }
    }
  }
}
