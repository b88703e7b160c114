package dev.keel.client.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Metric values checked against hand counts and a brute-force pair count. */
class EvalMetricTest {

  @Test
  void classification_metrics_match_hand_counts() {
    double[] y = {1, 0, 1, 1, 0, 0};
    double[] p = {0.9, 0.6, 0.4, 0.8, 0.1, 0.5};
    // predicted classes at 0.5: 1 1 0 1 0 1 → right: rows 0, 3, 4 → 3/6
    assertThat(EvalMetric.ACCURACY.compute(y, p)).isEqualTo(0.5);
    // tp = 2 (rows 0, 3), fp = 2 (rows 1, 5), fn = 1 (row 2): f1 = 4 / (4 + 3)
    assertThat(EvalMetric.F1.compute(y, p)).isCloseTo(4.0 / 7, within(1e-12));
    // pairs (pos, neg) ranked right: 0.9 > all 3; 0.4 > 0.1 only; 0.8 > all 3 → 7 of 9
    assertThat(EvalMetric.AUC.compute(y, p)).isCloseTo(7.0 / 9, within(1e-12));
  }

  @Test
  void auc_counts_ties_as_half_like_a_brute_force_pair_count() {
    Random r = new Random(3);
    double[] y = new double[400];
    double[] p = new double[400];
    for (int i = 0; i < y.length; i++) {
      y[i] = r.nextInt(2);
      p[i] = Math.round((r.nextDouble() + y[i] * 0.3) * 20) / 20.0; // many ties
    }
    double right = 0;
    long pairs = 0;
    for (int i = 0; i < y.length; i++) {
      for (int j = 0; j < y.length; j++) {
        if (y[i] == 1 && y[j] == 0) {
          pairs++;
          right += p[i] > p[j] ? 1 : p[i] == p[j] ? 0.5 : 0;
        }
      }
    }
    assertThat(EvalMetric.AUC.compute(y, p)).isCloseTo(right / pairs, within(1e-12));
  }

  @Test
  void regression_metrics_match_hand_computation() {
    double[] y = {3, -0.5, 2, 7};
    double[] p = {2.5, 0.0, 2, 8};
    assertThat(EvalMetric.MAE.compute(y, p)).isCloseTo((0.5 + 0.5 + 0 + 1) / 4, within(1e-12));
    assertThat(EvalMetric.RMSE.compute(y, p))
        .isCloseTo(Math.sqrt((0.25 + 0.25 + 0 + 1) / 4), within(1e-12));
    // mean 2.875; total sum of squares 29.1875; residual 1.5
    assertThat(EvalMetric.R2.compute(y, p)).isCloseTo(1 - 1.5 / 29.1875, within(1e-12));
  }

  @Test
  void comparisons_follow_the_metric_direction() {
    assertThat(EvalMetric.AUC.improves(0.81, 0.80, 0.005)).isTrue();
    assertThat(EvalMetric.AUC.improves(0.803, 0.80, 0.005)).isFalse();
    assertThat(EvalMetric.RMSE.improves(1.0, 1.2, 0.1)).isTrue();
    assertThat(EvalMetric.RMSE.improves(1.2, 1.0, 0)).isFalse();
    assertThat(EvalMetric.AUC.improves(0.8, 0.8, 0)).isFalse(); // a tie is not better
    assertThat(EvalMetric.AUC.improves(0.8000001, 0.8, 0)).isTrue();
    assertThat(EvalMetric.RMSE.meets(0.9, 1.0)).isTrue();
    assertThat(EvalMetric.AUC.meets(0.9, 1.0)).isFalse();
  }

  @Test
  void bad_input_is_refused_naming_the_problem() {
    assertThatThrownBy(() -> EvalMetric.parse("logloss"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("metric: 'logloss'");
    assertThatThrownBy(() -> EvalMetric.AUC.compute(new double[] {1, 1}, new double[] {0.2, 0.3}))
        .hasMessageContaining("needs both classes");
    assertThatThrownBy(() -> EvalMetric.ACCURACY.compute(new double[] {2}, new double[] {0.2}))
        .hasMessageContaining("labels must be 0 or 1");
    assertThatThrownBy(() -> EvalMetric.AUC.improves(0.9, 0.8, -0.1))
        .hasMessageContaining("min_improvement");
  }
}
