package dev.keel.registry;

import java.util.Objects;

/**
 * A checked sort order.
 *
 * @param column {@code name}, {@code version_number}, {@code creation_timestamp} or {@code
 *     last_updated_timestamp}
 * @param ascending direction
 */
public record SortOrder(String column, boolean ascending) {
  public SortOrder {
    Objects.requireNonNull(column, "column");
  }

  public static SortOrder byName() {
    return new SortOrder("name", true);
  }
}
