package dev.keel.tracking.search;

import java.util.Objects;

/**
 * One parsed {@code order_by} entry: {@code "<identifier> [ASC|DESC]"}, ascending by default, the
 * direction in any case.
 *
 * @param entity what the key names (never {@link Entity#DATASET})
 * @param key the key with quotes removed and aliases resolved
 * @param ascending true for {@code ASC}
 */
public record OrderBy(Entity entity, String key, boolean ascending) {
  /** Rejects nulls. */
  public OrderBy {
    Objects.requireNonNull(entity, "entity");
    Objects.requireNonNull(key, "key");
  }

  /**
   * Parses a run {@code order_by} entry. Identifiers use the filter's prefixes minus datasets;
   * orderable attributes are {@code start_time} (alias {@code created}), {@code end_time}, {@code
   * run_name}, {@code run_id}, {@code status}, {@code user_id}, {@code artifact_uri} and {@code
   * experiment_id}.
   *
   * @throws dev.keel.core.KeelException 400 INVALID_ARGUMENT quoting the entry
   */
  public static OrderBy parseRuns(String clause) {
    Objects.requireNonNull(clause, "clause");
    return FilterParser.parseOrderBy(clause, Grammar.RUNS);
  }

  /**
   * Parses an experiment {@code order_by} entry: attributes {@code name}, {@code experiment_id},
   * {@code creation_time} or {@code last_update_time} only.
   *
   * @throws dev.keel.core.KeelException 400 INVALID_ARGUMENT quoting the entry
   */
  public static OrderBy parseExperiments(String clause) {
    Objects.requireNonNull(clause, "clause");
    OrderBy o = FilterParser.parseOrderBy(clause, Grammar.EXPERIMENTS);
    if (o.entity() != Entity.ATTRIBUTE) {
      throw dev.keel.core.KeelException.invalid(
          "Invalid order_by clause '"
              + clause
              + "': experiments can only be ordered by name, experiment_id, creation_time or"
              + " last_update_time.");
    }
    return o;
  }
}
