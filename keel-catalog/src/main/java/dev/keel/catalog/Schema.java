package dev.keel.catalog;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A schema: the second level of the namespace, inside a catalog.
 *
 * @param id UUID ({@code schema_id} on the wire)
 * @param catalogName the catalog it belongs to
 * @param name lower-case name, unique within its catalog
 * @param comment free text, when set
 * @param properties string key-value pairs
 * @param owner the principal that owns it
 * @param createdAt ms since the epoch
 * @param createdBy the principal that created it
 * @param updatedAt ms since the epoch of the last change (the creation time until changed)
 * @param updatedBy the principal of the last change
 */
public record Schema(
    String id,
    String catalogName,
    String name,
    Optional<String> comment,
    Map<String, String> properties,
    String owner,
    long createdAt,
    String createdBy,
    long updatedAt,
    String updatedBy) {
  public Schema {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(catalogName, "catalogName");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(comment, "comment");
    properties = Collections.unmodifiableMap(new TreeMap<>(properties));
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(createdBy, "createdBy");
    Objects.requireNonNull(updatedBy, "updatedBy");
  }

  /** {@code catalog.schema}. */
  public String fullName() {
    return catalogName + "." + name;
  }
}
