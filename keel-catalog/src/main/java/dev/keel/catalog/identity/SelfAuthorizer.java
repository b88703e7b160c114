package dev.keel.catalog.identity;

import dev.keel.core.Authorizer;
import dev.keel.core.Principal;
import dev.keel.core.Privilege;
import dev.keel.core.SecurableType;

/**
 * Decides on {@link SecurableType#PRINCIPAL} routes that name an identity: a caller may act on
 * itself (read its user, manage its own tokens); every other identity is for administrators, who
 * pass before any authorizer is asked.
 */
public final class SelfAuthorizer implements Authorizer {
  @Override
  public Decision decide(Principal caller, SecurableType type, String name, Privilege privilege) {
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
