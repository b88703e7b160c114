package dev.keel.catalog.identity.http;

import dev.keel.catalog.identity.IdentityService;
import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.core.Principal;
import dev.keel.core.Privilege;
import dev.keel.http.Access;
import dev.keel.http.Authenticator;
import dev.keel.http.Caller;
import io.javalin.http.Context;
import java.util.Optional;

/**
 * Authentication, before every route. With authentication on, {@code Authorization: Bearer <token>}
 * must name a valid, unexpired, unrevoked token of an active identity, which becomes the {@link
 * Caller}; otherwise the request is refused with 401 {@code UNAUTHENTICATED} and {@code
 * WWW-Authenticate: Bearer}, except on open routes ({@link Access#open()}: health, readiness,
 * version, metrics, the API docs), which pass without a caller. A source address that keeps
 * presenting bad credentials is answered 429 {@code RESOURCE_EXHAUSTED} with {@code Retry-After}
 * once it has used up its failed attempts; requests with a valid token are never limited.
 *
 * <p>With authentication off (a loopback server started without {@code --auth}) every request is
 * made by {@link Principal#LOCAL}, the single local administrator, and tokens are not read.
 */
public final class AuthenticationGuard implements Authenticator {
  private final IdentityService identities;
  private final boolean enabled;
  private final FailedAuthLimiter limiter;

  /**
   * A guard over {@code identities}.
   *
   * @param enabled whether requests must authenticate
   * @param failedPerSecond failed authentications per second one source may make on average
   * @param failedBurst failed authentications one source may make at once
   */
  public AuthenticationGuard(
      IdentityService identities, boolean enabled, int failedPerSecond, int failedBurst) {
    this.identities = identities;
    this.enabled = enabled;
    this.limiter = new FailedAuthLimiter(failedPerSecond, failedBurst, System::nanoTime);
  }

  /** Whether requests must authenticate. */
  @Override
  public boolean authenticates() {
    return enabled;
  }

  @Override
  public void check(Context ctx, Access access) {
    if (!enabled) {
      Caller.set(ctx, Principal.LOCAL);
      return;
    }
    boolean open = access.privilege() == Privilege.NONE;
    String header = ctx.header("Authorization");
    if (header == null || header.isBlank()) {
      if (open) {
        return;
      }
      ctx.header("WWW-Authenticate", "Bearer realm=\"keel\"");
      throw new KeelException(
          ErrorCode.UNAUTHENTICATED,
          "Authentication required: send 'Authorization: Bearer <token>' (a personal access"
              + " token; see /api/2.0/token/create).");
    }
    Optional<Principal> p = bearer(header).flatMap(identities::authenticate);
    if (p.isPresent()) {
      Caller.set(ctx, p.get());
      return;
    }
    if (open) {
      return;
    }
    long wait = limiter.fail(ctx.req().getRemoteAddr());
    if (wait > 0) {
      ctx.header("Retry-After", Long.toString(wait));
      throw new KeelException(
          ErrorCode.RESOURCE_EXHAUSTED,
          "Too many failed authentications from "
              + ctx.req().getRemoteAddr()
              + "; retry after "
              + wait
              + " s with a valid token.");
    }
    ctx.header("WWW-Authenticate", "Bearer realm=\"keel\", error=\"invalid_token\"");
    throw new KeelException(
        ErrorCode.UNAUTHENTICATED,
        bearer(header).isEmpty()
            ? "Unsupported credentials: send 'Authorization: Bearer <token>'."
            : "Invalid access token: it is unknown, expired or revoked, or its user is inactive.");
  }

  private static Optional<String> bearer(String header) {
    String h = header.strip();
    if (h.length() > 7 && h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.of(h.substring(7).strip());
    }
    return Optional.empty();
  }
}
