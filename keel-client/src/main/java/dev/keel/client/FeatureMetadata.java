package dev.keel.client;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Descriptive metadata of a feature table. In {@link FeatureStoreClient#update} only what is set
 * here changes: an absent description or max age, and empty maps, leave the current values.
 *
 * @param description the table's description
 * @param tags tags (replace all tags when not empty)
 * @param maxAge default max age of its features online
 * @param featureDescriptions feature name → description
 * @param featureMaxAges feature name → max age
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
  }

  /** No metadata. */
  public static FeatureMetadata none() {
    return new FeatureMetadata(Optional.empty(), Map.of(), Optional.empty(), Map.of(), Map.of());
  }

  /** With this description. */
  public FeatureMetadata withDescription(String text) {
    return new FeatureMetadata(
        Optional.of(text), tags, maxAge, featureDescriptions, featureMaxAges);
  }

  /** With these tags. */
  public FeatureMetadata withTags(Map<String, String> t) {
    return new FeatureMetadata(description, t, maxAge, featureDescriptions, featureMaxAges);
  }

  /** With this default max age (whole seconds, at least one). */
  public FeatureMetadata withMaxAge(Duration age) {
    return new FeatureMetadata(
        description, tags, Optional.of(age), featureDescriptions, featureMaxAges);
  }

  /** With a description for one feature. */
  public FeatureMetadata withFeatureDescription(String feature, String text) {
    Map<String, String> d = new LinkedHashMap<>(featureDescriptions);
    d.put(feature, text);
    return new FeatureMetadata(description, tags, maxAge, d, featureMaxAges);
  }

  /** With a max age for one feature. */
  public FeatureMetadata withFeatureMaxAge(String feature, Duration age) {
    Map<String, Duration> a = new LinkedHashMap<>(featureMaxAges);
    a.put(feature, age);
    return new FeatureMetadata(description, tags, maxAge, featureDescriptions, a);
  }
}
