package dev.keel.registry;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A registered model: the third level of the namespace, {@code catalog.schema.model}.
 *
 * @param id UUID
 * @param catalogName lower-case catalog name
 * @param schemaName lower-case schema name
 * @param name lower-case model name, unique within its schema
 * @param comment free text ({@code description} in MLflow), when set
 * @param owner the principal that owns it
 * @param createdAt ms since the epoch
 * @param createdBy the principal that created it
 * @param updatedAt ms since the epoch of the last change
 * @param updatedBy the principal of the last change
 * @param tags string key-value pairs
 * @param aliases alias name to version number
 */
public record RegisteredModel(
    String id,
    String catalogName,
    String schemaName,
    String name,
    Optional<String> comment,
    String owner,
    long createdAt,
    String createdBy,
    long updatedAt,
    String updatedBy,
    Map<String, String> tags,
    Map<String, Long> aliases) {
  public RegisteredModel {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(catalogName, "catalogName");
    Objects.requireNonNull(schemaName, "schemaName");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(comment, "comment");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(createdBy, "createdBy");
    Objects.requireNonNull(updatedBy, "updatedBy");
    tags = Collections.unmodifiableMap(new TreeMap<>(tags));
    aliases = Collections.unmodifiableMap(new TreeMap<>(aliases));
  }

  /** {@code catalog.schema.model}. */
  public String fullName() {
    return catalogName + "." + schemaName + "." + name;
  }
}
