package dev.keel.client;

import java.util.List;
import java.util.Optional;

/**
 * A feature spec: a named set of lookups (like a Feast FeatureService) stored in a schema.
 *
 * @param name {@code catalog.schema.spec}
 * @param catalogName its catalog
 * @param schemaName its schema
 * @param lookups its lookups
 * @param comment its comment
 * @param owner its owner
 * @param createdAt creation time, epoch ms
 * @param createdBy who created it
 */
public record FeatureSpecInfo(
    String name,
    String catalogName,
    String schemaName,
    List<FeatureLookup> lookups,
    Optional<String> comment,
    String owner,
    long createdAt,
    String createdBy) {
  public FeatureSpecInfo {
    lookups = List.copyOf(lookups);
  }
}
