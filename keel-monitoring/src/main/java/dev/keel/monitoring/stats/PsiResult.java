package dev.keel.monitoring.stats;

/**
 * The population stability index with the bins it was computed on.
 *
 * @param psi Σᵢ (cᵢ − bᵢ)·ln(cᵢ/bᵢ) over the 10 bins
 * @param edges the 9 inner bin edges: the baseline's quantiles at 0.1, 0.2, …, 0.9
 * @param baselineShares bᵢ: the baseline's share of each bin, 0 replaced by 1e-4
 * @param currentShares cᵢ: the current sample's share of each bin, 0 replaced by 1e-4
 */
public record PsiResult(
    double psi, double[] edges, double[] baselineShares, double[] currentShares) {}
