package dev.keel.monitoring.stats;

/**
 * A test statistic with its p-value and degrees of freedom (the chi-squared test of a contingency
 * table).
 *
 * @param statistic the test statistic
 * @param pValue the upper-tail probability of the statistic under the null hypothesis
 * @param degreesOfFreedom the degrees of freedom of the reference distribution
 */
public record TestResult(double statistic, double pValue, int degreesOfFreedom) {}
