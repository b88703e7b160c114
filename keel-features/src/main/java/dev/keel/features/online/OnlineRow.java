package dev.keel.features.online;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One row to publish: the entity key values (in the order of the write's key columns), the event
 * time of the row and the feature values (in the order of the write's feature columns).
 *
 * <p>Key values are {@code Long}, {@code Integer}, {@code String} or {@code Boolean} and never
 * null. Feature values are {@code Boolean}, {@code Integer}, {@code Long}, {@code Float}, {@code
 * Double}, {@code String}, {@code Instant}, {@code byte[]} or {@code null} (a missing value, read
 * back with status {@link FeatureStatus#NULL_VALUE}); types are checked by {@link
 * OnlineStore#write}.
 *
 * @param key entity key values, one per key column
 * @param eventTime when the feature values were true; stored with microsecond precision
 * @param values feature values, one per feature column; elements may be null
 */
public record OnlineRow(List<Object> key, Instant eventTime, List<Object> values) {
  /** Copies both lists; {@code values} may hold nulls, the lists themselves may not be null. */
  public OnlineRow {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(eventTime, "eventTime");
    Objects.requireNonNull(values, "values");
    key = Collections.unmodifiableList(new ArrayList<>(key));
    values = Collections.unmodifiableList(new ArrayList<>(values));
  }
}
