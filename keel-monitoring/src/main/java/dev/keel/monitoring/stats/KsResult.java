package dev.keel.monitoring.stats;

/**
 * The two-sided two-sample Kolmogorov–Smirnov test: the statistic D, its p-value and which method
 * gave the p-value.
 *
 * @param statistic D = sup |F₁(x) − F₂(x)|, in [0, 1]
 * @param pValue P(D ≥ observed) under the hypothesis that both samples come from one continuous
 *     distribution
 * @param method {@link Method#EXACT} or {@link Method#ASYMPTOTIC}, as scipy's {@code method='auto'}
 *     chooses
 */
public record KsResult(double statistic, double pValue, Method method) {
  /** How the p-value was computed. */
  public enum Method {
    /** The exact distribution of D for these two sample sizes (Hodges' lattice-path counts). */
    EXACT,
    /** {@code kstwo.sf(D, round(n₁n₂/(n₁+n₂)))}: the one-sample distribution at the effective n. */
    ASYMPTOTIC
  }
}
