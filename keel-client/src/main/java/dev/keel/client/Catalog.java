package dev.keel.client;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A Unity Catalog catalog: the first level of Keel's three-level namespace ({@code
 * catalog.schema.object}).
 *
 * @param name unique name, lower-case
 * @param comment free text; {@code ""} when there is none
 * @param properties string key-value properties, ordered by key
 * @param owner the owning principal
 * @param createdAt milliseconds since the epoch
 * @param createdBy the principal that created it
 * @param updatedAt milliseconds since the epoch
 * @param updatedBy the principal that last changed it
 * @param id the server's id (a UUID)
 */
public record Catalog(
    String name,
    String comment,
    Map<String, String> properties,
    String owner,
    long createdAt,
    String createdBy,
    long updatedAt,
    String updatedBy,
    String id) {
  public Catalog {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(comment, "comment");
    properties = Collections.unmodifiableMap(new TreeMap<>(properties));
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(createdBy, "createdBy");
    Objects.requireNonNull(updatedBy, "updatedBy");
    Objects.requireNonNull(id, "id");
  }
}
