package dev.keel.http;

import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.core.Principal;
import dev.keel.core.Privilege;
import dev.keel.core.SecurableType;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The request-scoped facts governance needs: who is calling (set by authentication before the route
 * runs) and which access checks the request went through (read by the audit log).
 */
public final class Caller {
  private static final String PRINCIPAL = "keel.principal";
  private static final String CHECKS = "keel.access-checks";
  private static final String AUTHORIZATION = "keel.authorization";
  private static final String DECIDER = "keel.decider";

  /**
   * Decides on a further securable a request acts on, as the route's own was decided: for routes
   * that act on several (a training set reads a spine table and every feature table it looks up).
   */
  @FunctionalInterface
  public interface Authorization {
    /**
     * Returns when the caller has {@code privilege} on the securable.
     *
     * @throws dev.keel.core.KeelException {@code PERMISSION_DENIED} naming what is missing, {@code
     *     NOT_FOUND} when the securable does not exist
     */
    void require(SecurableType type, String name, Privilege privilege);
  }

  /** Sets how {@link #require} decides; the authorization guard does this for every request. */
  public static void setAuthorization(Context ctx, Authorization authorization) {
    ctx.attribute(AUTHORIZATION, authorization);
  }

  /**
   * Requires {@code privilege} on one more securable the request acts on, beyond the one its route
   * declares. Without an authorization guard only administrators pass (deny by default).
   */
  public static void require(Context ctx, SecurableType type, String name, Privilege privilege) {
    Authorization a = ctx.attribute(AUTHORIZATION);
    if (a != null) {
      a.require(type, name, privilege);
    } else if (!get(ctx).admin()) {
      throw new KeelException(
          ErrorCode.PERMISSION_DENIED, "Only administrators may act on " + type + " " + name + ".");
    }
  }

  /**
   * Decides on a securable without refusing or recording: for responses that show only what the
   * caller may see (the nodes of a lineage graph).
   */
  @FunctionalInterface
  public interface Decider {
    /**
     * Whether the caller has {@code privilege} on the securable; empty when no such securable
     * exists (or its name is not one of its type).
     */
    Optional<Boolean> may(SecurableType type, String name, Privilege privilege);
  }

  /** Sets how {@link #may} decides; the authorization guard does this for every request. */
  public static void setDecider(Context ctx, Decider decider) {
    ctx.attribute(DECIDER, decider);
  }

  /**
   * Whether the caller has {@code privilege} on a securable, empty when it does not exist; neither
   * refuses nor records the decision. Without an authorization guard only administrators may.
   */
  public static Optional<Boolean> may(
      Context ctx, SecurableType type, String name, Privilege privilege) {
    Decider d = ctx.attribute(DECIDER);
    return d != null ? d.may(type, name, privilege) : Optional.of(get(ctx).admin());
  }

  private Caller() {}

  /**
   * One authorization decision made for a request.
   *
   * @param securableType the kind of object, as the API names it ({@code TABLE}, {@code
   *     experiments})
   * @param securable the object's full name or id
   * @param privilege the privilege checked
   * @param allowed whether the caller had it
   */
  public record Check(String securableType, String securable, String privilege, boolean allowed) {}

  /** Sets who is calling; authentication does this before the route runs. */
  public static void set(Context ctx, Principal principal) {
    ctx.attribute(PRINCIPAL, principal);
  }

  /** Who is calling, if authentication ran and found someone. */
  public static Optional<Principal> find(Context ctx) {
    return Optional.ofNullable(ctx.attribute(PRINCIPAL));
  }

  /**
   * Who is calling. A route runs only after authentication set it (a server without authentication
   * calls everyone {@link Principal#LOCAL}).
   *
   * @throws IllegalStateException if nothing authenticated the request: a bug
   */
  public static Principal get(Context ctx) {
    return find(ctx)
        .orElseThrow(() -> new IllegalStateException("no caller: authentication did not run"));
  }

  /** Records an authorization decision for the audit log. */
  public static void recordCheck(Context ctx, Check check) {
    List<Check> checks = ctx.attribute(CHECKS);
    if (checks == null) {
      checks = new ArrayList<>(2);
      ctx.attribute(CHECKS, checks);
    }
    checks.add(check);
  }

  /** The authorization decisions made for this request, in order. */
  public static List<Check> checks(Context ctx) {
    List<Check> checks = ctx.attribute(CHECKS);
    return checks == null ? List.of() : List.copyOf(checks);
  }
}
