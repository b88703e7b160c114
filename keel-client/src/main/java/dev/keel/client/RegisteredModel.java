package dev.keel.client;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A registered model of the Unity Catalog API, named {@code catalog.schema.model}.
 *
 * @param name the model's own name, lower-case
 * @param catalogName its catalog
 * @param schemaName its schema
 * @param fullName {@code catalog.schema.model}
 * @param comment free text; {@code ""} when there is none
 * @param owner the owning principal
 * @param storageLocation where its versions' files live ({@code mlflow-artifacts:/models/...})
 * @param createdAt milliseconds since the epoch
 * @param createdBy the principal that created it
 * @param updatedAt milliseconds since the epoch
 * @param updatedBy the principal that last changed it
 * @param id the server's id
 * @param aliases alias → version number, ordered by alias
 */
public record RegisteredModel(
    String name,
    String catalogName,
    String schemaName,
    String fullName,
    String comment,
    String owner,
    String storageLocation,
    long createdAt,
    String createdBy,
    long updatedAt,
    String updatedBy,
    String id,
    Map<String, Long> aliases) {
  public RegisteredModel {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(catalogName, "catalogName");
    Objects.requireNonNull(schemaName, "schemaName");
    Objects.requireNonNull(fullName, "fullName");
    Objects.requireNonNull(comment, "comment");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(storageLocation, "storageLocation");
    Objects.requireNonNull(createdBy, "createdBy");
    Objects.requireNonNull(updatedBy, "updatedBy");
    Objects.requireNonNull(id, "id");
    aliases = Collections.unmodifiableMap(new TreeMap<>(aliases));
  }
}
