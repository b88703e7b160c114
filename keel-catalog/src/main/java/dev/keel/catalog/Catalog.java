package dev.keel.catalog;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A catalog: the first level of the three-level namespace.
 *
 * @param id UUID
 * @param name unique, lower-case name
 * @param comment free text, when set
 * @param properties string key-value pairs
 * @param owner the principal that owns it
 * @param createdAt ms since the epoch
 * @param createdBy the principal that created it
 * @param updatedAt ms since the epoch of the last change (the creation time until changed)
 * @param updatedBy the principal of the last change
 */
public record Catalog(
    String id,
    String name,
    Optional<String> comment,
    Map<String, String> properties,
    String owner,
    long createdAt,
    String createdBy,
    long updatedAt,
    String updatedBy) {
  public Catalog {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(comment, "comment");
    properties = Collections.unmodifiableMap(new TreeMap<>(properties));
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(createdBy, "createdBy");
    Objects.requireNonNull(updatedBy, "updatedBy");
  }
}
