package dev.keel.client;

import java.util.Objects;

/**
 * One served entity of a serving endpoint.
 *
 * @param name the entity's name in the endpoint; empty for the default {@code
 *     <model>-<version|alias>}
 * @param entityName the registered model, {@code catalog.schema.model}
 * @param entityVersion a version number such as {@code "3"}, or {@code "@champion"} to follow an
 *     alias
 */
public record ServedEntitySpec(String name, String entityName, String entityVersion) {
  /** Checks for nulls. */
  public ServedEntitySpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(entityName, "entityName");
    Objects.requireNonNull(entityVersion, "entityVersion");
  }

  /** An entity with the default name. */
  public static ServedEntitySpec of(String entityName, String entityVersion) {
    return new ServedEntitySpec("", entityName, entityVersion);
  }
}
