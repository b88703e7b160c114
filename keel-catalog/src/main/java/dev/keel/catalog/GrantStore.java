package dev.keel.catalog;

import dev.keel.core.SecurableType;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Storage contract for Unity Catalog grants, and for the owners of tables (whose other metadata is
 * not in the database). Securables are named by type and lower-case full name; callers check names
 * and privileges before. Thread-safe.
 */
public interface GrantStore {
  /** Every grant on one securable, ordered by principal then privilege. */
  List<Grant> grantsOn(SecurableType type, String name);

  /**
   * The grants on any of {@code securables} (type and full name) to any of {@code principals}; all
   * principals when {@code principals} is empty.
   */
  List<Grant> grantsOn(Collection<Securable> securables, Set<String> principals);

  /**
   * Applies {@code changes} to one securable in one transaction and tells other servers sharing the
   * database ({@link #CHANNEL}).
   *
   * @param now ms since the epoch, recorded with new grants
   * @param by who grants
   */
  void update(SecurableType type, String name, List<GrantChange> changes, long now, String by);

  /**
   * Tells other servers sharing the database that decisions may have changed (an owner changed, an
   * object was dropped or created), so they empty their caches.
   */
  void announce();

  /** Deletes every grant on one securable (a deleted table or model). */
  void deleteGrants(SecurableType type, String name);

  /** Moves the grants of a renamed table or model to its new name. */
  void renameGrants(SecurableType type, String name, String newName);

  /** Records who owns a table (replacing any earlier owner). */
  void setTableOwner(String fullName, String owner);

  /** Forgets the owner of a dropped table. */
  void deleteTableOwner(String fullName);

  /** The owner recorded for a table. */
  Optional<String> tableOwner(String fullName);

  /**
   * Keeps grants in step with catalog and schema renames and deletes (grants on the catalog or
   * schema and on everything under it move or go in the same transaction).
   */
  SchemaContents contents();

  /** The change-announcement channel grant changes are announced on. */
  String CHANNEL = "keel_grants";

  /**
   * A securable: type and lower-case full name.
   *
   * @param type its type
   * @param name its full name
   */
  record Securable(SecurableType type, String name) {}
}
