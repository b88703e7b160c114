package dev.keel.features.online;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One feature to read: {@code featureTable:feature}, with an optional maximum age. A stored value
 * whose age ({@code now - eventTime}) is greater than {@code maxAge} is returned as {@link
 * FeatureStatus#OUTSIDE_MAX_AGE}; an age equal to {@code maxAge} is still {@link
 * FeatureStatus#PRESENT}.
 *
 * @param featureTable the feature table the feature was published from
 * @param feature the feature (column) name
 * @param maxAge the oldest acceptable value, empty for no limit; must not be negative
 */
public record FeatureRef(String featureTable, String feature, Optional<Duration> maxAge) {
  /** Checks for nulls and a negative max age. */
  public FeatureRef {
    Objects.requireNonNull(featureTable, "featureTable");
    Objects.requireNonNull(feature, "feature");
    Objects.requireNonNull(maxAge, "maxAge");
    if (maxAge.isPresent() && maxAge.get().isNegative()) {
      throw dev.keel.core.KeelException.invalid(
          "features: max age of '" + featureTable + ":" + feature + "' must not be negative");
    }
  }

  /** A feature without a max age. */
  public static FeatureRef of(String featureTable, String feature) {
    return new FeatureRef(featureTable, feature, Optional.empty());
  }

  /** A feature with a max age. */
  public static FeatureRef of(String featureTable, String feature, Duration maxAge) {
    return new FeatureRef(featureTable, feature, Optional.of(maxAge));
  }

  /** {@code featureTable:feature}, Feast's feature reference syntax. */
  public String name() {
    return featureTable + ":" + feature;
  }
}
