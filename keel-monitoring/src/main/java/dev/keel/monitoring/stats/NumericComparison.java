package dev.keel.monitoring.stats;

/**
 * The drift statistics of one current sample against a baseline, computed together by {@link
 * NumericDrift#compare}: each equals what its own method in {@link NumericDrift} gives.
 *
 * @param ks the two-sample Kolmogorov–Smirnov test, as {@link NumericDrift#ks}
 * @param wasserstein the Wasserstein-1 distance in data units, as {@link NumericDrift#wasserstein}
 *     (within floating-point rounding: a relative 1e-15 or so)
 * @param psi the population stability index with its bins, as {@link NumericDrift#psi}
 */
public record NumericComparison(KsResult ks, double wasserstein, PsiResult psi) {}
