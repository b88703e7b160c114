/**
 * The statistics of monitoring, each defined exactly and equal to a named numpy/scipy call (see
 * docs/monitoring.md): numeric drift between two {@link dev.keel.monitoring.stats.SortedSample}s
 * ({@link dev.keel.monitoring.stats.NumericDrift}: Kolmogorov–Smirnov, Wasserstein-1, PSI),
 * categorical drift between two count maps ({@link dev.keel.monitoring.stats.CategoricalDrift}:
 * chi-squared, Jensen–Shannon, total variation, L-infinity) and column profiles ({@link
 * dev.keel.monitoring.stats.NumericProfile}, {@link dev.keel.monitoring.stats.StringProfile}). Pure
 * functions over primitive arrays: no I/O, no state. The monitor service (windows, slices, output
 * tables) is to be built on them.
 */
package dev.keel.monitoring.stats;
