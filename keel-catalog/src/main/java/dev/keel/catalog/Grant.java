package dev.keel.catalog;

import dev.keel.core.SecurableType;
import java.util.Objects;

/**
 * One privilege granted to a principal on a securable.
 *
 * @param type the securable's type
 * @param securable its lower-case full name ({@value GrantService#METASTORE} for the metastore)
 * @param principal a user, service principal or group name
 * @param privilege the privilege granted
 */
public record Grant(SecurableType type, String securable, String principal, UcPrivilege privilege) {
  public Grant {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(securable, "securable");
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(privilege, "privilege");
  }
}
