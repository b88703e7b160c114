package dev.keel.catalog;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An update to a catalog or schema, as Unity Catalog's {@code UpdateCatalog} / {@code
 * UpdateSchema}. Absent fields stay as they are.
 *
 * @param newName a new (valid, lower-cased) name
 * @param comment a new comment; an empty string clears it
 * @param properties replaces every property when not empty; an empty map changes nothing (UC's Java
 *     client always sends {@code "properties": {}})
 * @param owner a new owner (a user, service principal or group name)
 */
public record Changes(
    Optional<String> newName,
    Optional<String> comment,
    Map<String, String> properties,
    Optional<String> owner) {
  public Changes {
    Objects.requireNonNull(newName, "newName");
    Objects.requireNonNull(comment, "comment");
    properties = Map.copyOf(properties);
    Objects.requireNonNull(owner, "owner");
  }

  /** Changes that leave the owner as it is. */
  public Changes(
      Optional<String> newName, Optional<String> comment, Map<String, String> properties) {
    this(newName, comment, properties, Optional.empty());
  }

  /** True when nothing would change. */
  public boolean isEmpty() {
    return newName.isEmpty() && comment.isEmpty() && properties.isEmpty() && owner.isEmpty();
  }
}
