package dev.keel.features;

import dev.keel.tables.ColumnType;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A feature: a column of a feature table that is neither a primary key, the timeseries key nor
 * {@code _ingested_at}.
 *
 * @param name the column name
 * @param type its type
 * @param description free text, when set
 * @param maxAge the online max age in force for it (its own, else the table's), when any
 */
public record Feature(
    String name, ColumnType type, Optional<String> description, Optional<Duration> maxAge) {
  public Feature {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(maxAge, "maxAge");
  }
}
