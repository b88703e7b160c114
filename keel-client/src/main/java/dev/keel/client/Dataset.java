package dev.keel.client;

import java.util.Objects;
import java.util.Optional;

/**
 * A dataset, identified by name and digest within an experiment.
 *
 * @param name dataset name
 * @param digest content digest (at most 36 characters)
 * @param sourceType where it comes from, e.g. {@code local}, {@code iceberg}, {@code http}
 * @param source the source, as JSON text (e.g. {@code {"uri": "..."}})
 * @param schema schema JSON, if known
 * @param profile profile JSON (e.g. row counts), if known
 */
public record Dataset(
    String name,
    String digest,
    String sourceType,
    String source,
    Optional<String> schema,
    Optional<String> profile) {
  public Dataset {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(sourceType, "sourceType");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(profile, "profile");
  }

  /** A dataset without schema or profile. */
  public Dataset(String name, String digest, String sourceType, String source) {
    this(name, digest, sourceType, source, Optional.empty(), Optional.empty());
  }

  /** This dataset with the given schema JSON. */
  public Dataset withSchema(String schemaJson) {
    return new Dataset(name, digest, sourceType, source, Optional.of(schemaJson), profile);
  }

  /** This dataset with the given profile JSON. */
  public Dataset withProfile(String profileJson) {
    return new Dataset(name, digest, sourceType, source, schema, Optional.of(profileJson));
  }
}
