package dev.keel.core;

import java.util.Optional;

/**
 * Decides whether a principal may do something to one securable. Capabilities implement it for the
 * securable types they own (Unity Catalog grants for catalogs, schemas, tables and models; object
 * permissions for experiments and endpoints); the HTTP edge asks it before a route runs.
 * Administrators are let through before any authorizer is asked.
 */
@FunctionalInterface
public interface Authorizer {
  /**
   * Whether {@code caller} has {@code privilege} on the securable of type {@code type} named {@code
   * name} (a full name or an id, as the route names it).
   *
   * @throws KeelException {@link ErrorCode#NOT_FOUND} when the securable does not exist
   */
  Decision decide(Principal caller, SecurableType type, String name, Privilege privilege);

  /**
   * Whether {@code caller} has {@code privilege} on the securable, as {@link #decide} says; empty
   * when there is no such securable (or {@code name} is not a name of its type). For responses that
   * show only what a caller may see.
   */
  default Optional<Boolean> may(
      Principal caller, SecurableType type, String name, Privilege privilege) {
    try {
      return Optional.of(decide(caller, type, name, privilege).allowed());
    } catch (KeelException e) {
      if (e.code() == ErrorCode.NOT_FOUND || e.code() == ErrorCode.INVALID_ARGUMENT) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /**
   * An authorization decision, in the words of the API that protects the securable.
   *
   * @param allowed whether the caller may go on
   * @param securableType the securable's type as its API names it ({@code TABLE}, {@code
   *     experiments})
   * @param securable its full name or id
   * @param privilege the privilege that was checked, as its API names it ({@code SELECT}, {@code
   *     CAN_QUERY})
   * @param reason for a refusal, what is missing ({@code User alice does not have SELECT on table
   *     main.sales.orders}); for a grant, where it came from
   */
  record Decision(
      boolean allowed, String securableType, String securable, String privilege, String reason) {}
}
