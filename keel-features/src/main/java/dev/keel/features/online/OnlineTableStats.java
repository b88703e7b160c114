package dev.keel.features.online;

import java.util.List;
import java.util.Objects;

/**
 * One feature table in the online store.
 *
 * @param featureTable its name
 * @param keyColumns its entity key columns, sorted by name
 * @param keyTypes the type of each key column ({@code long}, {@code int}, {@code string}, {@code
 *     boolean}), in the order of {@code keyColumns}
 * @param featureColumns its feature columns, in stored order
 * @param entities entity keys with a stored row
 */
public record OnlineTableStats(
    String featureTable,
    List<String> keyColumns,
    List<String> keyTypes,
    List<String> featureColumns,
    long entities) {
  /** Copies the lists. */
  public OnlineTableStats {
    Objects.requireNonNull(featureTable, "featureTable");
    keyColumns = List.copyOf(keyColumns);
    keyTypes = List.copyOf(keyTypes);
    featureColumns = List.copyOf(featureColumns);
  }
}
