package dev.keel.http;

import dev.keel.core.Privilege;
import dev.keel.core.SecurableType;
import io.javalin.router.EndpointMetadata;
import java.util.Objects;

/**
 * The securable and privilege a route needs, attached to every endpoint as metadata. A route
 * without one fails {@code RouteAccessTest}; the governance issue enforces them.
 *
 * @param securable the kind of object the route acts on
 * @param privilege the privilege it needs on that object
 */
public record Access(SecurableType securable, Privilege privilege) implements EndpointMetadata {
  public Access {
    Objects.requireNonNull(securable, "securable");
    Objects.requireNonNull(privilege, "privilege");
  }

  public static Access of(SecurableType securable, Privilege privilege) {
    return new Access(securable, privilege);
  }

  /** Open to everyone (liveness and readiness probes). */
  public static Access open() {
    return new Access(SecurableType.SERVER, Privilege.NONE);
  }
}
