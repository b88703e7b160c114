package dev.keel.catalog.permissions;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Storage contract for object permissions: each object's owner and direct access control entries.
 * Writes are atomic and, once committed, seen by every later read on every server sharing the
 * database. Inputs are already validated by {@link ObjectPermissions}. Thread-safe.
 */
public interface ObjectPermissionStore {
  /** The owner and entries of one object; {@link Acl#EMPTY} when it has none. */
  Acl get(ObjectType type, String objectId);

  /** Makes {@code owner} the object's only owner. */
  void setOwner(ObjectType type, String objectId, Grantee owner);

  /**
   * Replaces every direct entry of the object with {@code entries} (one per grantee), then, when
   * {@code newOwner} is given, makes it the owner (see {@link #update}); otherwise the owner stays.
   * One transaction.
   */
  void replace(
      ObjectType type, String objectId, List<AccessControl> entries, Optional<Grantee> newOwner);

  /**
   * Sets the level of each grantee in {@code entries} (one per grantee), replacing its earlier
   * direct level; other grantees keep theirs. When {@code newOwner} is given it becomes the only
   * owner (its other entries dropped) and the previous owner keeps {@code CAN_MANAGE}, as
   * Databricks does when a job changes hands. One transaction.
   */
  void update(
      ObjectType type, String objectId, List<AccessControl> entries, Optional<Grantee> newOwner);

  /** Forgets the owner and entries of an object that no longer exists. */
  void forget(ObjectType type, String objectId);

  /**
   * Makes every entry naming {@code from} (ownership included) name {@code to}, after dropping
   * those an earlier principal named {@code to} left (a principal renamed).
   */
  void renamePrincipal(String from, String to);

  /** The ids of the objects of {@code type} that {@code principal} owns, at most {@code limit}. */
  List<String> ownedBy(ObjectType type, String principal, int limit);

  /** Removes every entry naming {@code name}, ownership included (a principal deleted). */
  void forgetPrincipal(String name);

  /**
   * The ids of the objects of {@code type} on which any of {@code principals} (a principal's name
   * and its groups) is owner or has any level.
   */
  Set<String> visible(ObjectType type, Collection<String> principals);
}
