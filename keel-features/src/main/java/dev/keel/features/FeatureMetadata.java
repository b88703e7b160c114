package dev.keel.features;

import dev.keel.core.KeelException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What Keel records about a feature table beyond the table itself.
 *
 * @param description free text about the table
 * @param tags key → value labels
 * @param maxAge how old an online value may be before a lookup reports {@code OUTSIDE_MAX_AGE}; no
 *     limit when empty
 * @param featureDescriptions feature name → description
 * @param featureMaxAges feature name → max age overriding {@code maxAge}
 */
public record FeatureMetadata(
    Optional<String> description,
    Map<String, String> tags,
    Optional<Duration> maxAge,
    Map<String, String> featureDescriptions,
    Map<String, Duration> featureMaxAges) {
  public FeatureMetadata {
    Objects.requireNonNull(description, "description");
    tags = Map.copyOf(tags);
    Objects.requireNonNull(maxAge, "maxAge");
    featureDescriptions = Map.copyOf(featureDescriptions);
    featureMaxAges = Map.copyOf(featureMaxAges);
    maxAge.ifPresent(a -> checkAge("max_age", a));
    featureMaxAges.forEach((f, a) -> checkAge("feature_max_ages." + f, a));
    tags.forEach(
        (k, v) -> {
          if (k.isBlank() || k.length() > 255) {
            throw KeelException.invalid("tags: a tag key must be 1 to 255 characters");
          }
          if (v.length() > 5000) {
            throw KeelException.invalid("tags." + k + ": a tag value is at most 5000 characters");
          }
        });
  }

  /** No description, tags or max ages. */
  public static FeatureMetadata none() {
    return new FeatureMetadata(Optional.empty(), Map.of(), Optional.empty(), Map.of(), Map.of());
  }

  private static void checkAge(String field, Duration a) {
    if (a.isNegative() || a.isZero()) {
      throw KeelException.invalid(field + ": must be positive (got " + a + ")");
    }
  }
}
