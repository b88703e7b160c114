package dev.keel.http;

import dev.keel.core.Privilege;
import dev.keel.core.SecurableType;
import io.javalin.http.Context;
import io.javalin.router.EndpointMetadata;
import java.util.Objects;
import java.util.Optional;

/**
 * The securable and privilege a route needs, attached to every endpoint as metadata, and how to
 * find the securable a request names ({@link #on}). A route without one fails {@code
 * RouteAccessTest}. {@link AuthorizationGuard} enforces it before the route runs: a route whose
 * securable is not named is open to administrators only (deny by default).
 */
public final class Access implements EndpointMetadata {
  /** Finds the name (or id) of the securable a request acts on: a path parameter, a body field. */
  @FunctionalInterface
  public interface Resource {
    /**
     * The securable's full name or id as the request gives it.
     *
     * @throws Exception when the request does not name it (a missing field: answered 400)
     */
    String name(Context ctx) throws Exception;
  }

  private final SecurableType securable;
  private final Privilege privilege;
  private final Resource resource;

  private Access(SecurableType securable, Privilege privilege, Resource resource) {
    this.securable = Objects.requireNonNull(securable, "securable");
    this.privilege = Objects.requireNonNull(privilege, "privilege");
    this.resource = resource;
  }

  public static Access of(SecurableType securable, Privilege privilege) {
    return new Access(securable, privilege, null);
  }

  /** Open to everyone (liveness and readiness probes). */
  public static Access open() {
    return new Access(SecurableType.SERVER, Privilege.NONE, null);
  }

  /** This access, on the securable {@code resource} finds in each request. */
  public Access on(Resource resource) {
    return new Access(securable, privilege, Objects.requireNonNull(resource, "resource"));
  }

  /** The kind of object the route acts on. */
  public SecurableType securable() {
    return securable;
  }

  /** The privilege it needs on that object. */
  public Privilege privilege() {
    return privilege;
  }

  /** How a request names its securable; empty when only administrators may call the route. */
  public Optional<Resource> resource() {
    return Optional.ofNullable(resource);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Access a
        && a.securable == securable
        && a.privilege == privilege
        && Objects.equals(a.resource, resource);
  }

  @Override
  public int hashCode() {
    return Objects.hash(securable, privilege, resource);
  }

  @Override
  public String toString() {
    return "Access[" + securable + ", " + privilege + (resource == null ? "" : ", named") + "]";
  }
}
