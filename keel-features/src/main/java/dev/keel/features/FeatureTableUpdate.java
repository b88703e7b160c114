package dev.keel.features;

import dev.keel.core.KeelException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A change to a feature table's metadata that names what changes; everything it does not name stays
 * as it is (see {@link FeatureStore#updateFeatureTable(String, FeatureTableUpdate)}).
 *
 * <p>Each field is an {@code Optional}: empty leaves the value alone. For values that may be unset
 * (descriptions, max ages) the inner {@code Optional} is the new value, and an empty inner value
 * removes it: {@code Optional.of(Optional.empty())} as {@code maxAge} removes the table's max age.
 * The {@code with...} methods build updates without spelling that out.
 *
 * @param description the table's new description, or none
 * @param tags the table's new tags, replacing all of them
 * @param maxAge the table's new online max age (features without their own use it), or none
 * @param features feature name → what changes for that feature; features not named keep their
 *     description and max age
 */
public record FeatureTableUpdate(
    Optional<Optional<String>> description,
    Optional<Map<String, String>> tags,
    Optional<Optional<Duration>> maxAge,
    Map<String, FeatureUpdate> features) {

  /** Copies the collections and checks that max ages are positive. */
  public FeatureTableUpdate {
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(maxAge, "maxAge");
    description.ifPresent(d -> Objects.requireNonNull(d, "description"));
    tags = tags.map(Map::copyOf);
    maxAge.ifPresent(a -> a.ifPresent(d -> checkAge("max_age", d)));
    features = Map.copyOf(features);
    features.forEach(
        (name, f) -> {
          if (name.isBlank()) {
            throw KeelException.invalid("features: a feature name must not be blank");
          }
          f.maxAge().ifPresent(a -> a.ifPresent(d -> checkAge("features." + name + ".max_age", d)));
        });
  }

  /**
   * What changes for one feature.
   *
   * @param description the feature's new description, or none
   * @param maxAge the feature's own max age, or none (it then uses the table's)
   */
  public record FeatureUpdate(
      Optional<Optional<String>> description, Optional<Optional<Duration>> maxAge) {
    /** Checks for nulls. */
    public FeatureUpdate {
      Objects.requireNonNull(description, "description");
      Objects.requireNonNull(maxAge, "maxAge");
    }

    /** Changes nothing. */
    public static FeatureUpdate none() {
      return new FeatureUpdate(Optional.empty(), Optional.empty());
    }

    /** This change, also setting the feature's description. */
    public FeatureUpdate withDescription(String d) {
      return new FeatureUpdate(Optional.of(Optional.of(d)), maxAge);
    }

    /** This change, also removing the feature's description. */
    public FeatureUpdate withoutDescription() {
      return new FeatureUpdate(Optional.of(Optional.empty()), maxAge);
    }

    /** This change, also setting the feature's own max age. */
    public FeatureUpdate withMaxAge(Duration a) {
      return new FeatureUpdate(description, Optional.of(Optional.of(a)));
    }

    /** This change, also removing the feature's own max age (it falls back to the table's). */
    public FeatureUpdate withoutMaxAge() {
      return new FeatureUpdate(description, Optional.of(Optional.empty()));
    }
  }

  /** Changes nothing. */
  public static FeatureTableUpdate none() {
    return new FeatureTableUpdate(Optional.empty(), Optional.empty(), Optional.empty(), Map.of());
  }

  /** This update, also setting the table's description. */
  public FeatureTableUpdate withDescription(String d) {
    return new FeatureTableUpdate(Optional.of(Optional.of(d)), tags, maxAge, features);
  }

  /** This update, also removing the table's description. */
  public FeatureTableUpdate withoutDescription() {
    return new FeatureTableUpdate(Optional.of(Optional.empty()), tags, maxAge, features);
  }

  /** This update, also replacing the table's tags. */
  public FeatureTableUpdate withTags(Map<String, String> t) {
    return new FeatureTableUpdate(description, Optional.of(t), maxAge, features);
  }

  /** This update, also setting the table's max age. */
  public FeatureTableUpdate withMaxAge(Duration a) {
    return new FeatureTableUpdate(description, tags, Optional.of(Optional.of(a)), features);
  }

  /** This update, also removing the table's max age. */
  public FeatureTableUpdate withoutMaxAge() {
    return new FeatureTableUpdate(description, tags, Optional.of(Optional.empty()), features);
  }

  /** This update, also applying {@code change} to feature {@code name} (replacing any before). */
  public FeatureTableUpdate withFeature(String name, FeatureUpdate change) {
    Map<String, FeatureUpdate> f = new LinkedHashMap<>(features);
    f.put(name, change);
    return new FeatureTableUpdate(description, tags, maxAge, f);
  }

  /**
   * {@code current} with this update applied. Per-feature entries for names outside {@code
   * featureNames} (columns no longer features) are dropped; an update naming such a feature is
   * refused.
   */
  FeatureMetadata applyTo(FeatureMetadata current, Set<String> featureNames) {
    for (String n : features.keySet()) {
      if (!featureNames.contains(n)) {
        throw KeelException.invalid(
            "features: '" + n + "' is not a feature of the table (features: " + featureNames + ")");
      }
    }
    Map<String, String> descriptions = new LinkedHashMap<>();
    Map<String, Duration> ages = new LinkedHashMap<>();
    current.featureDescriptions().forEach((f, d) -> keep(featureNames, descriptions, f, d));
    current.featureMaxAges().forEach((f, a) -> keep(featureNames, ages, f, a));
    features.forEach(
        (f, change) -> {
          change.description().ifPresent(d -> set(descriptions, f, d));
          change.maxAge().ifPresent(a -> set(ages, f, a));
        });
    return new FeatureMetadata(
        description.orElse(current.description()),
        tags.orElse(current.tags()),
        maxAge.orElse(current.maxAge()),
        descriptions,
        ages);
  }

  private static <T> void keep(Set<String> names, Map<String, T> out, String f, T v) {
    if (names.contains(f)) {
      out.put(f, v);
    }
  }

  private static <T> void set(Map<String, T> out, String f, Optional<T> v) {
    if (v.isPresent()) {
      out.put(f, v.get());
    } else {
      out.remove(f);
    }
  }

  private static void checkAge(String field, Duration a) {
    if (a.isNegative() || a.isZero()) {
      throw KeelException.invalid(field + ": must be positive (got " + a + ")");
    }
  }
}
