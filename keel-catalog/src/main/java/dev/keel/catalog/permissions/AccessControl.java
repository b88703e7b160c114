package dev.keel.catalog.permissions;

import java.util.Objects;

/**
 * One direct access control entry: {@code grantee} has {@code level} on an object.
 *
 * @param grantee who
 * @param level what
 */
public record AccessControl(Grantee grantee, PermissionLevel level) {
  /** Checks for nulls. */
  public AccessControl {
    Objects.requireNonNull(grantee, "grantee");
    Objects.requireNonNull(level, "level");
  }
}
