package dev.keel.server;

import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.core.Principal;
import dev.keel.core.Privilege;
import dev.keel.http.Caller;
import dev.keel.http.RouteGuard;
import java.util.Arrays;
import java.util.Set;

/**
 * Test authentication that names the caller in the bearer token: {@code as:alice} is the user
 * alice, {@code as:bob:analysts,admins} is bob in the groups analysts and admins (members of {@code
 * admins} are administrators). A request without one is refused with 401, except on open routes.
 * Lets authorization tests speak of principals without tokens; {@link TestServer#as} creates the
 * user and groups a token names, since grants may name only principals that exist.
 */
public final class TestPrincipals {
  private TestPrincipals() {}

  /** The guard {@link TestServer#startWithPrincipals} authenticates with. */
  public static final RouteGuard GUARD =
      (ctx, access) -> {
        String h = ctx.header("Authorization");
        if (h == null || !h.startsWith("Bearer as:")) {
          if (access.privilege() == Privilege.NONE) {
            return;
          }
          throw new KeelException(ErrorCode.UNAUTHENTICATED, "No credentials.");
        }
        Caller.set(ctx, parse(h.substring("Bearer as:".length())));
      };

  /** The principal a token {@code name[:group,group]} names. */
  public static Principal parse(String spec) {
    String[] parts = spec.split(":", 2);
    Set<String> groups =
        parts.length > 1 && !parts[1].isEmpty()
            ? Set.copyOf(Arrays.asList(parts[1].split(",")))
            : Set.of();
    return new Principal(
        parts[0], parts[0], Principal.Kind.USER, groups.contains("admins"), groups);
  }

  /** The header value naming {@code name} in {@code groups}. */
  public static String bearer(String name, String... groups) {
    return "Bearer as:" + name + (groups.length == 0 ? "" : ":" + String.join(",", groups));
  }
}
