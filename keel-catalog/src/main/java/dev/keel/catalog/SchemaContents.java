package dev.keel.catalog;

import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Objects another capability stores under schemas (registered models), kept consistent with catalog
 * and schema deletes and renames. Every method runs inside the catalog store's write transaction on
 * {@code h}, so a refused delete changes nothing and a rename never leaves objects behind under the
 * old name.
 */
public interface SchemaContents {
  /** What the objects are called in messages, plural: {@code "registered models"}. */
  String kind();

  /** How many objects live in {@code catalog} (in one schema when {@code schema} is given). */
  long count(Handle h, String catalog, Optional<String> schema);

  /**
   * Deletes the objects in {@code catalog} (in one schema when given) and returns the work to run
   * once the transaction committed (removing their files); never null.
   */
  Runnable delete(Handle h, String catalog, Optional<String> schema);

  /**
   * Moves the objects of a renamed catalog ({@code schema} empty) or schema to the new name, so
   * they stay reachable under it.
   */
  void rename(Handle h, String catalog, Optional<String> schema, String newName);
}
