package dev.keel.client;

import java.util.List;
import java.util.Objects;

/**
 * A version of a registered model, as the Unity Catalog API describes it.
 *
 * @param catalogName the model's catalog
 * @param schemaName the model's schema
 * @param modelName the model's own name
 * @param version the version number (from 1, never reused)
 * @param source where the version came from ({@code runs:/...} or {@code mlflow-artifacts:/...})
 * @param runId the run it came from; {@code ""} when none
 * @param status its lifecycle state
 * @param statusMessage why registration failed; {@code ""} when there is nothing to say
 * @param storageLocation where its files live ({@code mlflow-artifacts:/models/...})
 * @param comment free text; {@code ""} when there is none
 * @param createdAt milliseconds since the epoch
 * @param createdBy the principal that created it
 * @param updatedAt milliseconds since the epoch
 * @param updatedBy the principal that last changed it
 * @param id the server's id
 * @param aliases the aliases pointing at this version
 */
public record ModelVersion(
    String catalogName,
    String schemaName,
    String modelName,
    long version,
    String source,
    String runId,
    ModelVersionStatus status,
    String statusMessage,
    String storageLocation,
    String comment,
    long createdAt,
    String createdBy,
    long updatedAt,
    String updatedBy,
    String id,
    List<String> aliases) {
  public ModelVersion {
    Objects.requireNonNull(catalogName, "catalogName");
    Objects.requireNonNull(schemaName, "schemaName");
    Objects.requireNonNull(modelName, "modelName");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(statusMessage, "statusMessage");
    Objects.requireNonNull(storageLocation, "storageLocation");
    Objects.requireNonNull(comment, "comment");
    Objects.requireNonNull(createdBy, "createdBy");
    Objects.requireNonNull(updatedBy, "updatedBy");
    Objects.requireNonNull(id, "id");
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
