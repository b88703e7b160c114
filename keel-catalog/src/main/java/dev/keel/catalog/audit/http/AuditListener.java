package dev.keel.catalog.audit.http;

import dev.keel.catalog.audit.AuditEntry;
import dev.keel.catalog.audit.AuditLog;
import dev.keel.core.Principal;
import dev.keel.core.Privilege;
import dev.keel.http.Access;
import dev.keel.http.Caller;
import dev.keel.http.Dialect;
import dev.keel.http.RequestIds;
import dev.keel.http.RequestListener;
import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records every audited request in the {@link AuditLog}: every request made by an authenticated
 * principal to a route that needs a privilege, and every denied request (401, 403, 429), whoever
 * made it. Requests to open routes ({@code /health}, {@code /metrics}, the API docs) that were not
 * refused are not audited, nor are requests for paths no route serves, nor the requests of a server
 * without authentication (made by {@link Principal#LOCAL}, whom nothing authenticated): such a
 * server records only its refusals.
 *
 * <p>An entry holds the principal, the action ({@link AuditActions}), the route's method and path
 * template (never the raw path's query string), the authorization check ({@link Caller#checks}: the
 * first denied one, else the last; for an administrator, who passes without a check, the route's
 * securable type and privilege and the securable the request names), the result and status, the TCP
 * peer's address, the {@code User-Agent} and the request id. Never the body, the query string or
 * any other header: credentials cannot reach the log.
 *
 * <p>Runs on the request thread: it builds the entry and queues it ({@link AuditLog#record}).
 */
public final class AuditListener implements RequestListener {
  private static final Logger LOG = LoggerFactory.getLogger(AuditListener.class);

  private final AuditLog log;
  private final Clock clock;

  /** A listener recording into {@code log}, timing entries on {@code clock}. */
  public AuditListener(AuditLog log, Clock clock) {
    this.log = Objects.requireNonNull(log, "log");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public void answered(Context ctx, float millis) {
    try {
      record(ctx, millis);
    } catch (RuntimeException e) {
      // never disturb the server: the request is answered; say what went wrong
      LOG.warn("Could not audit {} {}: {}", ctx.method(), ctx.path(), e.toString());
    }
  }

  private void record(Context ctx, float millis) {
    int status = ctx.statusCode();
    boolean refused = status == 401 || status == 403 || status == 429;
    Endpoint endpoint = endpoint(ctx);
    Access access = endpoint == null ? null : endpoint.metadata(Access.class);
    Optional<Principal> principal = Caller.find(ctx);
    if (!refused
        && (principal.isEmpty()
            || principal.get().equals(Principal.LOCAL)
            || access == null
            || access.privilege() == Privilege.NONE)) {
      return;
    }
    String method = ctx.method().name();
    String path = endpoint == null ? "unmatched" : endpoint.path;
    Dialect dialect = endpoint == null ? null : endpoint.metadata(Dialect.class);
    AuditActions.Action action =
        endpoint == null
            ? new AuditActions.Action("server", "server.unmatched")
            : AuditActions.of(method, path, dialect == null ? Dialect.KEEL : dialect);

    List<Caller.Check> checks = Caller.checks(ctx);
    Caller.Check check =
        checks.stream()
            .filter(c -> !c.allowed())
            .findFirst()
            .orElse(checks.isEmpty() ? null : checks.get(checks.size() - 1));
    Optional<String> securableType;
    Optional<String> securableName;
    Optional<String> privilege;
    if (check != null) {
      securableType = Optional.of(check.securableType());
      securableName = nonEmpty(check.securable());
      privilege = Optional.of(check.privilege());
    } else if (access != null && access.privilege() != Privilege.NONE) {
      securableType = Optional.of(access.securable().name());
      // only for a caller authentication found: an unauthenticated or throttled request's body is
      // not read for the log
      securableName =
          principal.isPresent() && !refused ? securableNamed(ctx, access) : Optional.empty();
      privilege = Optional.of(access.privilege().name());
    } else {
      securableType = Optional.empty();
      securableName = Optional.empty();
      privilege = Optional.empty();
    }
    boolean denied = refused || checks.stream().anyMatch(c -> !c.allowed());
    long now = clock.millis();
    log.record(
        new AuditEntry(
            newId(),
            now - (long) millis,
            principal.map(Principal::id),
            principal.map(Principal::name),
            action.service(),
            action.name(),
            method,
            path,
            securableType,
            securableName,
            privilege,
            denied ? AuditEntry.Result.DENIED : AuditEntry.Result.ALLOWED,
            status,
            Optional.ofNullable(ctx.req().getRemoteAddr()),
            Optional.ofNullable(ctx.userAgent()),
            RequestIds.of(ctx),
            Math.round(millis)));
  }

  private static Endpoint endpoint(Context ctx) {
    try {
      return ctx.endpoints().matchedHttpEndpoint();
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** The securable the request names, when the route says how to find it and it is there. */
  private static Optional<String> securableNamed(Context ctx, Access access) {
    if (access.resource().isEmpty()) {
      return Optional.empty();
    }
    try {
      return nonEmpty(access.resource().get().name(ctx));
    } catch (Exception e) {
      return Optional.empty(); // the request did not name it (it was answered 400)
    }
  }

  private static Optional<String> nonEmpty(String s) {
    return s == null || s.isEmpty() ? Optional.empty() : Optional.of(s);
  }

  /** A random UUID (not a secret: no secure random on the request thread). */
  private static String newId() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return new UUID(
            (r.nextLong() & ~0xF000L) | 0x4000L,
            (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L)
        .toString();
  }
}
