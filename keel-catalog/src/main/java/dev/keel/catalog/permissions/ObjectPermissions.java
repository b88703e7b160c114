package dev.keel.catalog.permissions;

import dev.keel.core.Authorizer;
import dev.keel.core.KeelException;
import dev.keel.core.Principal;
import dev.keel.core.Privilege;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Databricks object permissions: who owns an object, which levels principals hold on it, whether a
 * principal may do something to it, and which objects a principal may see. Administrators hold
 * {@code CAN_MANAGE} on everything. Thread-safe.
 */
public final class ObjectPermissions {
  /** Most entries one request may set. */
  public static final int MAX_ENTRIES = 1000;

  private final ObjectPermissionStore store;

  public ObjectPermissions(ObjectPermissionStore store) {
    this.store = Objects.requireNonNull(store, "store");
  }

  /**
   * Whether {@code caller} has the level {@code privilege} needs on the object.
   *
   * @param type the object's type
   * @param objectId its id in the permissions API
   * @param objectName how messages name it (an endpoint's name; an experiment's id)
   * @param privilege what the route needs, mapped by {@link ObjectType#levelFor}
   */
  public Authorizer.Decision decide(
      Principal caller, ObjectType type, String objectId, String objectName, Privilege privilege) {
    PermissionLevel needed = type.levelFor(privilege);
    if (caller.admin()) {
      return new Authorizer.Decision(
          true, type.path(), objectName, needed.name(), "administrators hold CAN_MANAGE");
    }
    Optional<PermissionLevel> held = levelOf(caller, type, objectId);
    if (held.isPresent() && held.get().includes(needed)) {
      return new Authorizer.Decision(
          true, type.path(), objectName, needed.name(), "holds " + held.get().name());
    }
    return new Authorizer.Decision(
        false,
        type.path(),
        objectName,
        needed.name(),
        noun(caller)
            + " "
            + caller.name()
            + " does not have "
            + needed.name()
            + " on "
            + type.noun()
            + " "
            + objectName
            + ".");
  }

  /** How messages name a principal's kind: {@code User}, {@code Service principal}. */
  public static String noun(Principal p) {
    return p.kind() == Principal.Kind.SERVICE_PRINCIPAL ? "Service principal" : "User";
  }

  /** The highest level {@code caller} holds on the object (administrators: CAN_MANAGE). */
  public Optional<PermissionLevel> levelOf(Principal caller, ObjectType type, String objectId) {
    if (caller.admin()) {
      return Optional.of(PermissionLevel.CAN_MANAGE);
    }
    return store.get(type, objectId).levelOf(caller);
  }

  /**
   * The principal names whose entries make objects visible to {@code caller} (its name and its
   * groups), for filters in list and search queries; empty for an administrator, who sees
   * everything.
   */
  public static Optional<List<String>> readers(Principal caller) {
    if (caller.admin()) {
      return Optional.empty();
    }
    List<String> names = new ArrayList<>();
    names.add(caller.name());
    caller.groups().stream().sorted().forEach(names::add);
    return Optional.of(List.copyOf(names));
  }

  /** The ids of the objects of {@code type} visible to the non-administrator {@code readers}. */
  public Set<String> visible(ObjectType type, List<String> readers) {
    return store.visible(type, readers);
  }

  /** The owner and direct entries of an object. */
  public Acl get(ObjectType type, String objectId) {
    return store.get(type, objectId);
  }

  /** Records the creator of a new object as its owner. */
  public void setOwner(ObjectType type, String objectId, Grantee owner) {
    store.setOwner(type, objectId, owner);
  }

  /**
   * Replaces the object's direct entries (PUT). The owner stays, unless an {@code IS_OWNER} entry
   * names another (see {@link #check}). Returns the new list.
   */
  public Acl set(Principal caller, ObjectType type, String objectId, List<AccessControl> entries) {
    Optional<Grantee> owner = check(caller, type, store.get(type, objectId).owner(), entries);
    store.replace(type, objectId, withoutOwner(entries), owner);
    return store.get(type, objectId);
  }

  /**
   * Adds or changes the given grantees' levels (PATCH); an {@code IS_OWNER} entry moves ownership
   * (see {@link #check}). Returns the new list.
   */
  public Acl update(
      Principal caller, ObjectType type, String objectId, List<AccessControl> entries) {
    Optional<Grantee> owner = check(caller, type, store.get(type, objectId).owner(), entries);
    store.update(type, objectId, withoutOwner(entries), owner);
    return store.get(type, objectId);
  }

  /**
   * Records {@code caller}, who just created the object, as its owner and applies the access
   * control list given with the create (entries already {@link #check checked} against the caller
   * as owner, before the object was created).
   */
  public Acl created(
      Principal caller, ObjectType type, String objectId, List<AccessControl> entries) {
    Grantee creator = Grantee.of(caller);
    Optional<Grantee> owner = check(caller, type, Optional.of(creator), entries);
    store.setOwner(type, objectId, creator);
    if (!entries.isEmpty()) {
      store.update(type, objectId, withoutOwner(entries), owner);
    }
    return store.get(type, objectId);
  }

  /**
   * Checks a request's entries against the rules of ownership and returns the owner they move the
   * object to, if any. An object has one owner: at most one {@code IS_OWNER} entry (a level only
   * the types that have owners list, such as jobs), naming a user or service principal, never a
   * group. Naming the current owner changes nothing; naming another is for administrators only, as
   * in Databricks, since an owner's identity is what a job runs as by default.
   *
   * @param current the object's owner now (the caller itself for an object being created)
   * @throws KeelException INVALID_PARAMETER_VALUE for two owners, a group owner or too many
   *     entries; PERMISSION_DENIED when a non-administrator moves ownership
   */
  public static Optional<Grantee> check(
      Principal caller, ObjectType type, Optional<Grantee> current, List<AccessControl> entries) {
    check(entries);
    List<AccessControl> owners =
        entries.stream().filter(e -> e.level() == PermissionLevel.IS_OWNER).toList();
    if (owners.isEmpty()) {
      return Optional.empty();
    }
    if (owners.size() > 1) {
      throw KeelException.invalid(
          "Invalid 'access_control_list': a "
              + type.noun()
              + " has exactly one owner; IS_OWNER is given "
              + owners.size()
              + " times.");
    }
    Grantee to = owners.get(0).grantee();
    if (to.type() == dev.keel.catalog.identity.Identity.Kind.GROUP) {
      throw KeelException.invalid(
          "Invalid 'access_control_list': a group cannot own a "
              + type.noun()
              + "; give IS_OWNER to a user or service principal.");
    }
    if (current.isPresent() && current.get().name().equals(to.name())) {
      return Optional.empty();
    }
    if (!caller.admin()) {
      throw new KeelException(
          dev.keel.core.ErrorCode.PERMISSION_DENIED,
          "Only an administrator changes the owner (IS_OWNER) of a " + type.noun() + ".");
    }
    return Optional.of(to);
  }

  private static List<AccessControl> withoutOwner(List<AccessControl> entries) {
    return entries.stream().filter(e -> e.level() != PermissionLevel.IS_OWNER).toList();
  }

  /** The ids of the objects of {@code type} that {@code principal} owns, at most {@code limit}. */
  public List<String> ownedBy(ObjectType type, String principal, int limit) {
    return store.ownedBy(type, principal, limit);
  }

  /** Forgets the permissions of a deleted object. */
  public void forget(ObjectType type, String objectId) {
    store.forget(type, objectId);
  }

  private static void check(List<AccessControl> entries) {
    if (entries.size() > MAX_ENTRIES) {
      throw KeelException.invalid(
          "Invalid 'access_control_list': at most " + MAX_ENTRIES + " entries per request.");
    }
    Set<String> seen = new HashSet<>();
    for (AccessControl e : entries) {
      if (!seen.add(e.grantee().name())) {
        throw KeelException.invalid(
            "Invalid 'access_control_list': "
                + e.grantee().type().noun().toLowerCase(java.util.Locale.ROOT)
                + " '"
                + e.grantee().name()
                + "' is named more than once; give one level per principal.");
      }
    }
  }
}
