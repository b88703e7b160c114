package dev.keel.registry;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * One move of an alias: set for the first time (no {@code fromVersion}), re-pointed, or deleted (no
 * {@code toVersion}).
 *
 * @param alias the alias name
 * @param fromVersion the version it pointed at before, if any
 * @param toVersion the version it points at after, if any
 * @param movedBy the principal that moved it
 * @param movedAt ms since the epoch
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
