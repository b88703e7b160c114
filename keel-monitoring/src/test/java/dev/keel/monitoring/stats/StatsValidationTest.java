package dev.keel.monitoring.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bad input names the argument; NaN is dropped and counted; results do not depend on order. */
class StatsValidationTest {
  private static final SortedSample ONE = SortedSample.of(new double[] {1.0});
  private static final SortedSample EMPTY = SortedSample.of(new double[0]);
  private static final SortedSample ALL_NAN =
      SortedSample.of(new double[] {Double.NaN, Double.NaN});

  @Test
  void empty_numeric_samples_are_refused_naming_the_argument() {
    assertThatThrownBy(() -> NumericDrift.ks(EMPTY, ONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("baseline is empty");
    assertThatThrownBy(() -> NumericDrift.ks(ONE, EMPTY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("current is empty");
    assertThatThrownBy(() -> NumericDrift.wasserstein(ALL_NAN, ONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("baseline is empty");
    assertThatThrownBy(() -> NumericDrift.psi(ONE, ALL_NAN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("current is empty");
    assertThatThrownBy(() -> NumericDrift.psi(null, ONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("baseline must not be null");
    assertThatThrownBy(() -> SortedSample.of(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("values");
  }

  @Test
  void empty_or_bad_category_counts_are_refused_naming_the_argument() {
    Map<String, Long> ok = Map.of("a", 3L);
    assertThatThrownBy(() -> CategoricalDrift.chiSquared(Map.of(), ok))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("baseline is empty");
    assertThatThrownBy(() -> CategoricalDrift.jensenShannon(ok, Map.of("a", 0L)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("current is empty");
    assertThatThrownBy(() -> CategoricalDrift.totalVariation(ok, Map.of("a", -1L, "b", 2L)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("current has a missing or negative count for category 'a'");
    Map<String, Long> nullKey = new HashMap<>();
    nullKey.put(null, 2L);
    assertThatThrownBy(() -> CategoricalDrift.lInfinity(nullKey, ok))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("baseline has a null category");
    assertThatThrownBy(() -> CategoricalDrift.lInfinity(ok, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("current must not be null");
  }

  @Test
  void bad_profile_arguments_are_refused_naming_the_argument() {
    assertThatThrownBy(() -> NumericProfile.of(ONE, -1, new double[] {0.5}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("numNulls");
    assertThatThrownBy(() -> NumericProfile.of(ONE, 0, new double[] {1.5}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("probabilities must be in [0, 1]");
    assertThatThrownBy(() -> NumericProfile.of(ONE, 0, new double[] {Double.NaN}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("probabilities must be in [0, 1]");
    assertThatThrownBy(() -> StringProfile.of(new String[] {"a", null}, 0, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("values must not hold null");
    assertThatThrownBy(() -> StringProfile.of(new String[] {"a"}, 0, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("k must be >= 0");
  }

  @Test
  void nan_is_dropped_from_distributions_and_counted() {
    SortedSample withNan = SortedSample.of(new double[] {3, Double.NaN, 1, 2, Double.NaN});
    SortedSample without = SortedSample.of(new double[] {1, 2, 3});
    assertThat(withNan.size()).isEqualTo(3);
    assertThat(withNan.nanCount()).isEqualTo(2);
    assertThat(withNan.toArray()).containsExactly(1, 2, 3);
    SortedSample other = SortedSample.of(new double[] {2.5, 4, 0.5, 7});
    assertThat(NumericDrift.ks(withNan, other)).isEqualTo(NumericDrift.ks(without, other));
    assertThat(NumericDrift.wasserstein(withNan, other))
        .isEqualTo(NumericDrift.wasserstein(without, other));
    assertThat(NumericDrift.psi(withNan, other).psi())
        .isEqualTo(NumericDrift.psi(without, other).psi());

    NumericProfile p = NumericProfile.of(withNan, 4, new double[] {0.5});
    assertThat(p.count()).isEqualTo(5); // non-NULL values, NaN included
    assertThat(p.numNan()).isEqualTo(2);
    assertThat(p.numNulls()).isEqualTo(4);
    assertThat(p.avg()).isEqualTo(2.0);
    assertThat(p.stddev()).isEqualTo(1.0);
    assertThat(p.quantiles()).containsExactly(2.0);

    NumericProfile onlyNan = NumericProfile.of(ALL_NAN, 0, new double[] {0.5});
    assertThat(onlyNan.count()).isEqualTo(2);
    assertThat(onlyNan.avg()).isNaN();
    assertThat(onlyNan.quantiles()[0]).isNaN();
    assertThat(onlyNan.distinctCount()).isZero();
  }

  @Test
  void negative_zero_is_zero_and_the_input_is_not_modified() {
    double[] in = {0.0, -0.0, 2.0, 1.0};
    SortedSample s = SortedSample.of(in);
    assertThat(in).containsExactly(0.0, -0.0, 2.0, 1.0);
    NumericProfile p = NumericProfile.of(s, 0, new double[0]);
    assertThat(p.numZeros()).isEqualTo(2);
    assertThat(p.distinctCount()).isEqualTo(3);
  }

  @Test
  void ks_is_symmetric_in_the_two_samples() {
    SortedSample a = SortedSample.of(new double[] {0.1, 0.4, 0.4, 0.9, 1.3, 2.0, 2.2});
    SortedSample b = SortedSample.of(new double[] {0.3, 0.4, 1.0, 1.1, 2.5});
    KsResult ab = NumericDrift.ks(a, b);
    KsResult ba = NumericDrift.ks(b, a);
    assertThat(ab.statistic()).isEqualTo(ba.statistic());
    assertThat(ab.pValue()).isEqualTo(ba.pValue());
    assertThat(ab.method()).isEqualTo(KsResult.Method.EXACT);
  }
}
