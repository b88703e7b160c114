package dev.keel.core;

import java.util.Objects;
import java.util.Set;

/**
 * Who makes a request: a user or a service principal, as authentication found it. Grants name
 * principals by {@link #name} (a user's {@code userName}, a service principal's {@code
 * applicationId}) and by the groups they belong to, directly or through nested groups.
 *
 * @param id the identity's stable id (SCIM {@code id})
 * @param name the name grants and owners use
 * @param kind a user or a service principal
 * @param admin whether the principal is a Keel administrator (member of {@code admins}): it may do
 *     everything, as a metastore admin in Unity Catalog
 * @param groups the names of every group the principal belongs to, nested groups resolved
 */
public record Principal(String id, String name, Kind kind, boolean admin, Set<String> groups) {
  /** What kind of identity a principal is. */
  public enum Kind {
    USER,
    SERVICE_PRINCIPAL
  }

  /**
   * The single user of a server that runs without authentication (bound to loopback, auth not
   * turned on): an administrator named {@code keel}, the owner of what such a server creates.
   */
  public static final Principal LOCAL = new Principal("0", "keel", Kind.USER, true, Set.of());

  public Principal {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    groups = Set.copyOf(groups);
  }

  /** True when grants to {@code principal} (a principal or group name) apply to this principal. */
  public boolean is(String principal) {
    return name.equals(principal) || groups.contains(principal);
  }
}
