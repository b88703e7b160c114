package dev.keel.catalog;

import java.util.Objects;
import java.util.Set;

/**
 * One entry of a permissions update ({@code changes[]}): privileges to add and remove for one
 * principal.
 *
 * @param principal the user, service principal or group
 * @param add privileges to grant (granting one already held changes nothing)
 * @param remove privileges to revoke (revoking one not held changes nothing)
 */
public record GrantChange(String principal, Set<UcPrivilege> add, Set<UcPrivilege> remove) {
  public GrantChange {
    Objects.requireNonNull(principal, "principal");
    add = Set.copyOf(add);
    remove = Set.copyOf(remove);
  }
}
