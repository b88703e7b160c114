package dev.keel.client;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * One change of an alias: set (no {@code fromVersion}), moved, or deleted (no {@code toVersion}).
 *
 * @param alias the alias, lower-case
 * @param fromVersion the version it pointed at before
 * @param toVersion the version it points at afterwards
 * @param movedBy the principal that changed it
 * @param movedAt milliseconds since the epoch
 */
public record AliasMove(
    String alias, OptionalLong fromVersion, OptionalLong toVersion, String movedBy, long movedAt) {
  public AliasMove {
    Objects.requireNonNull(alias, "alias");
    Objects.requireNonNull(fromVersion, "fromVersion");
    Objects.requireNonNull(toVersion, "toVersion");
    Objects.requireNonNull(movedBy, "movedBy");
  }
}
