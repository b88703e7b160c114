package dev.keel.client;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A Unity Catalog schema: the second level of Keel's three-level namespace, inside a {@link
 * Catalog}.
 *
 * @param name name, unique in its catalog, lower-case
 * @param catalogName the catalog holding it
 * @param comment free text; {@code ""} when there is none
 * @param properties string key-value properties, ordered by key
 * @param fullName {@code catalog.schema}
 * @param owner the owning principal
 * @param createdAt milliseconds since the epoch
 * @param createdBy the principal that created it
 * @param updatedAt milliseconds since the epoch
 * @param updatedBy the principal that last changed it
 * @param schemaId the server's id (a UUID)
 */
public record Schema(
    String name,
    String catalogName,
    String comment,
    Map<String, String> properties,
    String fullName,
    String owner,
    long createdAt,
    String createdBy,
    long updatedAt,
    String updatedBy,
    String schemaId) {
  public Schema {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(catalogName, "catalogName");
    Objects.requireNonNull(comment, "comment");
    properties = Collections.unmodifiableMap(new TreeMap<>(properties));
    Objects.requireNonNull(fullName, "fullName");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(createdBy, "createdBy");
    Objects.requireNonNull(updatedBy, "updatedBy");
    Objects.requireNonNull(schemaId, "schemaId");
  }
}
