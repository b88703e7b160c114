package dev.keel.catalog.identity;

import dev.keel.core.Authorizer;
import dev.keel.core.Principal;
import dev.keel.core.Privilege;
import dev.keel.core.SecurableType;

/**
 * Decides on {@link SecurableType#PRINCIPAL} routes that name an identity: a caller may act on
 * itself (read its user, manage its own tokens); anyone may list identities (the empty name: the
 * lists show others' names only, as Databricks lets workspace users list users and groups); every
 * other identity is for administrators, who pass before any authorizer is asked.
 */
public final class SelfAuthorizer implements Authorizer {
  @Override
  public Decision decide(Principal caller, SecurableType type, String name, Privilege privilege) {
    if (name.isEmpty() && privilege == Privilege.READ) {
      return new Decision(
          true,
          "PRINCIPAL",
          "",
          privilege.name(),
          "any principal may list users, groups and service principals (names only)");
    }
    boolean self = caller.id().equals(name);
    return new Decision(
        self,
        "PRINCIPAL",
        name,
        privilege.name(),
        self
            ? caller.name() + " acts on itself"
            : "Only administrators may read or change other users, groups, service principals"
                + " and their tokens; "
                + caller.name()
                + " is not an administrator.");
  }
}
