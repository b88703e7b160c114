package dev.keel.client;

import java.util.List;
import java.util.Objects;

/**
 * A model version that names a run as its origin ({@link RegistryClient#runLineage}).
 *
 * @param catalogName the model's catalog
 * @param schemaName the model's schema
 * @param modelName the model's own name
 * @param version the version number
 * @param status its state
 * @param createdAt when it was created, ms since the epoch
 * @param aliases the aliases pointing at it
 */
public record RunModelVersion(
    String catalogName,
    String schemaName,
    String modelName,
    long version,
    ModelVersionStatus status,
    long createdAt,
    List<String> aliases) {
  /** Checks for nulls and copies the aliases. */
  public RunModelVersion {
    Objects.requireNonNull(catalogName, "catalogName");
    Objects.requireNonNull(schemaName, "schemaName");
    Objects.requireNonNull(modelName, "modelName");
    Objects.requireNonNull(status, "status");
    aliases = List.copyOf(aliases);
  }

  /** The model's {@code catalog.schema.model}. */
  public String modelFullName() {
    return catalogName + "." + schemaName + "." + modelName;
  }

  /** This version's URI, {@code models:/catalog.schema.model/N}. */
  public String uri() {
    return ModelUri.ofVersion(modelFullName(), version).toString();
  }
}
