package dev.keel.serving;

/**
 * Limits {@link ScoringInput#parse} enforces on one request. The body size is the caller's to limit
 * (the HTTP server refuses large bodies before they are read).
 *
 * @param maxRows the most rows in one request
 * @param maxDepth the deepest JSON nesting accepted (objects and arrays)
 * @param maxValues the most values (rows × columns, or tensor elements) in one request
 */
public record ScoringLimits(int maxRows, int maxDepth, long maxValues) {

  /** 100,000 rows, nesting depth 32, 10,000,000 values. */
  public static final ScoringLimits DEFAULT = new ScoringLimits(100_000, 32, 10_000_000L);

  /** Checks that every limit is positive. */
  public ScoringLimits {
    if (maxRows < 1 || maxDepth < 1 || maxValues < 1) {
      throw new IllegalArgumentException("scoring limits must be positive");
    }
  }
}
