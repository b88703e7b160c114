package dev.keel.catalog.permissions;

import dev.keel.catalog.identity.Identity;
import dev.keel.core.Principal;
import java.util.Objects;

/**
 * A principal an access control entry names.
 *
 * @param name a user's {@code userName}, a group's name or a service principal's {@code
 *     applicationId}
 * @param type which kind of principal
 */
public record Grantee(String name, Identity.Kind type) {
  /** Checks for nulls. */
  public Grantee {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
  }

  /** The grantee that is {@code p} itself (its creations are owned by it). */
  public static Grantee of(Principal p) {
    return new Grantee(
        p.name(),
        p.kind() == Principal.Kind.SERVICE_PRINCIPAL
            ? Identity.Kind.SERVICE_PRINCIPAL
            : Identity.Kind.USER);
  }
}
