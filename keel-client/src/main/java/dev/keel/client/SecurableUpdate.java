package dev.keel.client;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The changes {@link CatalogClient#updateCatalog} and {@link CatalogClient#updateSchema} make;
 * empty ones are left as they are. Start from {@link #none()}:
 *
 * <pre>{@code
 * client.updateCatalog("sales", SecurableUpdate.none().withComment("Sales data"));
 * }</pre>
 *
 * @param newName rename to this name
 * @param comment new comment; {@code ""} clears it
 * @param properties replaces all properties when non-empty; an empty map changes nothing (the
 *     server cannot clear properties)
 */
public record SecurableUpdate(
    Optional<String> newName, Optional<String> comment, Map<String, String> properties) {
  public SecurableUpdate {
    Objects.requireNonNull(newName, "newName");
    Objects.requireNonNull(comment, "comment");
    properties = Map.copyOf(properties);
  }

  /** An update that changes nothing. */
  public static SecurableUpdate none() {
    return new SecurableUpdate(Optional.empty(), Optional.empty(), Map.of());
  }

  /** This update, also renaming. */
  public SecurableUpdate withNewName(String newName) {
    return new SecurableUpdate(Optional.of(newName), comment, properties);
  }

  /** This update, also setting the comment ({@code ""} clears it). */
  public SecurableUpdate withComment(String comment) {
    return new SecurableUpdate(newName, Optional.of(comment), properties);
  }

  /** This update, also replacing all properties (an empty map changes nothing). */
  public SecurableUpdate withProperties(Map<String, String> properties) {
    return new SecurableUpdate(newName, comment, properties);
  }

  /** Whether this update changes nothing. */
  public boolean isEmpty() {
    return newName.isEmpty() && comment.isEmpty() && properties.isEmpty();
  }
}
