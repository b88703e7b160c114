package dev.keel.registry;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One version of a registered model.
 *
 * @param id UUID
 * @param catalogName lower-case catalog name
 * @param schemaName lower-case schema name
 * @param modelName lower-case model name
 * @param version version number, 1, 2, ... per model, never reused
 * @param source where the files came from, as given ({@code runs:/...} or {@code
 *     mlflow-artifacts:/...})
 * @param runId the run it came from, when known
 * @param status registration status
 * @param statusMessage why registration failed, when it did
 * @param storageLocation {@code mlflow-artifacts:/models/<catalog>/<schema>/<model>/<version>}
 * @param comment free text ({@code description} in MLflow), when set
 * @param createdAt ms since the epoch
 * @param createdBy the principal that created it
 * @param updatedAt ms since the epoch of the last change
 * @param updatedBy the principal of the last change
 * @param tags string key-value pairs
 * @param aliases the aliases pointing at this version, sorted
 */
public record ModelVersion(
    String id,
    String catalogName,
    String schemaName,
    String modelName,
    long version,
    String source,
    Optional<String> runId,
    ModelVersionStatus status,
    Optional<String> statusMessage,
    String storageLocation,
    Optional<String> comment,
    long createdAt,
    String createdBy,
    long updatedAt,
    String updatedBy,
    Map<String, String> tags,
    List<String> aliases) {
  public ModelVersion {
    Objects.requireNonNull(id, "id");
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
    tags = Collections.unmodifiableMap(new TreeMap<>(tags));
    aliases = List.copyOf(aliases);
  }

  /** {@code catalog.schema.model} of the model this version belongs to. */
  public String modelFullName() {
    return catalogName + "." + schemaName + "." + modelName;
  }
}
