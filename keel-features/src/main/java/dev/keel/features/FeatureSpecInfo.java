package dev.keel.features;

import dev.keel.features.training.FeatureLookup;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A feature spec: a named set of feature lookups (like a Feast FeatureService), stored in the
 * catalog as {@code catalog.schema.name}. A model trained on a training set can carry its spec, so
 * serving looks its features up from the keys alone.
 *
 * @param catalogName its catalog
 * @param schemaName its schema
 * @param name its name
 * @param lookups the lookups, in order
 * @param comment free text, when set
 * @param owner owning principal
 * @param createdAt ms since the epoch
 * @param createdBy creating principal
 */
public record FeatureSpecInfo(
    String catalogName,
    String schemaName,
    String name,
    List<FeatureLookup> lookups,
    Optional<String> comment,
    String owner,
    long createdAt,
    String createdBy) {
  public FeatureSpecInfo {
    lookups = List.copyOf(lookups);
    Objects.requireNonNull(comment, "comment");
  }

  /** {@code catalog.schema.name}. */
  public String fullName() {
    return catalogName + "." + schemaName + "." + name;
  }
}
