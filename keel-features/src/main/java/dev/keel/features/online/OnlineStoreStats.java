package dev.keel.features.online;

import java.util.List;
import java.util.Objects;

/**
 * What the online store holds.
 *
 * @param backend {@code embedded} or {@code redis}
 * @param location the SQLite file or the Redis address (without credentials) and key prefix
 * @param tables the feature tables, sorted by name
 */
public record OnlineStoreStats(String backend, String location, List<OnlineTableStats> tables) {
  /** Copies the list. */
  public OnlineStoreStats {
    Objects.requireNonNull(backend, "backend");
    Objects.requireNonNull(location, "location");
    tables = List.copyOf(tables);
  }

  /** Entity rows over all tables. */
  public long entities() {
    return tables.stream().mapToLong(OnlineTableStats::entities).sum();
  }
}
