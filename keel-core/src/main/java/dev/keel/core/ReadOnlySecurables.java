package dev.keel.core;

import java.util.Optional;

/**
 * Securables that nobody may change, administrators included: Keel's {@code system} catalog, whose
 * tables only the server writes. The HTTP edge asks it before any authorizer and before letting an
 * administrator through; a capability that owns such securables implements it.
 */
@FunctionalInterface
public interface ReadOnlySecurables {
  /** No securable is read-only. */
  ReadOnlySecurables NONE = (type, name, privilege) -> Optional.empty();

  /**
   * Why {@code privilege} on the securable of type {@code type} named {@code name} is refused to
   * everyone; empty when it is not (a read, or a securable anyone with the right may change).
   */
  Optional<String> refusal(SecurableType type, String name, Privilege privilege);

  /**
   * Whether securables of {@code type} can be read-only at all: when not, the edge does not look up
   * the name a request gives (which may cost a parse or a query). All types unless overridden.
   */
  default boolean covers(SecurableType type) {
    return true;
  }
}
