package dev.keel.http;

import dev.keel.core.Authorizer;
import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.core.Principal;
import dev.keel.core.Privilege;
import dev.keel.core.ReadOnlySecurables;
import dev.keel.core.SecurableType;
import io.javalin.http.Context;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * Enforces every route's {@link Access} before it runs, after authentication set the {@link
 * Caller}: open routes pass; a change to a {@link ReadOnlySecurables read-only securable} is
 * refused to everyone; administrators pass; otherwise the {@link Authorizer} of the route's
 * securable type decides on the securable the request names. A route that names no securable, or a
 * securable type no authorizer covers, is refused (deny by default). Every decision is recorded for
 * the audit log ({@link Caller#recordCheck}). Routes that show only what the caller may see ask it
 * through {@link Caller#may}, which neither refuses nor records.
 */
public final class AuthorizationGuard implements RouteGuard {
  private final Map<SecurableType, Authorizer> authorizers;
  private final ReadOnlySecurables readOnly;

  /** A guard asking {@code authorizers} for the securable types they cover. */
  public AuthorizationGuard(Map<SecurableType, Authorizer> authorizers) {
    this(authorizers, ReadOnlySecurables.NONE);
  }

  /**
   * A guard asking {@code authorizers} for the securable types they cover, after {@code readOnly}
   * (which holds for administrators too).
   */
  public AuthorizationGuard(
      Map<SecurableType, Authorizer> authorizers, ReadOnlySecurables readOnly) {
    this.authorizers =
        authorizers.isEmpty() ? new EnumMap<>(SecurableType.class) : new EnumMap<>(authorizers);
    this.readOnly = java.util.Objects.requireNonNull(readOnly, "readOnly");
  }

  @Override
  public void check(Context ctx, Access access) throws Exception {
    if (access.privilege() == Privilege.NONE) {
      return;
    }
    Caller.setAuthorization(ctx, (type, name, privilege) -> require(ctx, type, name, privilege));
    Caller.setDecider(ctx, (type, name, privilege) -> may(ctx, type, name, privilege));
    Principal caller = Caller.get(ctx);
    if (access.privilege() != Privilege.READ
        && readOnly.covers(access.securable())
        && access.resource().isPresent()) {
      refuseReadOnly(
          ctx, access.securable(), access.resource().get().name(ctx), access.privilege());
    }
    if (caller.admin()) {
      return;
    }
    Authorizer authorizer = authorizers.get(access.securable());
    if (authorizer == null || access.resource().isEmpty()) {
      String type = access.securable().name();
      Caller.recordCheck(ctx, new Caller.Check(type, "", access.privilege().name(), false));
      throw new KeelException(
          ErrorCode.PERMISSION_DENIED,
          "Only administrators may call " + ctx.method() + " " + ctx.endpoint().path + ".");
    }
    require(ctx, access.securable(), access.resource().get().name(ctx), access.privilege());
  }

  /** Decides on one securable for the caller of {@code ctx}; empty when it does not exist. */
  private Optional<Boolean> may(Context ctx, SecurableType type, String name, Privilege privilege) {
    Principal caller = Caller.get(ctx);
    if (caller.admin()) {
      return Optional.of(true);
    }
    Authorizer authorizer = authorizers.get(type);
    return authorizer == null ? Optional.of(false) : authorizer.may(caller, type, name, privilege);
  }

  /** Decides on one securable for the caller of {@code ctx}; throws when refused. */
  private void require(Context ctx, SecurableType type, String name, Privilege privilege) {
    refuseReadOnly(ctx, type, name, privilege);
    Principal caller = Caller.get(ctx);
    if (caller.admin()) {
      return;
    }
    Authorizer authorizer = authorizers.get(type);
    if (authorizer == null) {
      Caller.recordCheck(ctx, new Caller.Check(type.name(), name, privilege.name(), false));
      throw new KeelException(
          ErrorCode.PERMISSION_DENIED, "Only administrators may act on " + type + " " + name + ".");
    }
    Authorizer.Decision d = authorizer.decide(caller, type, name, privilege);
    Caller.recordCheck(
        ctx, new Caller.Check(d.securableType(), d.securable(), d.privilege(), d.allowed()));
    if (!d.allowed()) {
      throw new KeelException(ErrorCode.PERMISSION_DENIED, d.reason());
    }
  }

  /** Refuses (and records) a change to a read-only securable, whoever asks. */
  private void refuseReadOnly(Context ctx, SecurableType type, String name, Privilege privilege) {
    if (!readOnly.covers(type)) {
      return;
    }
    java.util.Optional<String> refusal = readOnly.refusal(type, name, privilege);
    if (refusal.isPresent()) {
      Caller.recordCheck(ctx, new Caller.Check(type.name(), name, privilege.name(), false));
      throw new KeelException(ErrorCode.PERMISSION_DENIED, refusal.get());
    }
  }
}
