package dev.keel.server.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.router.Endpoint;
import java.util.List;

/**
 * Registers endpoints, each with the {@link Access} it needs. The only way Keel adds routes, so a
 * route without an access declaration cannot be written by accident.
 */
public final class Routes {
  private final RoutesConfig routes;

  public Routes(RoutesConfig routes) {
    this.routes = routes;
  }

  /** Adds {@code handler} for {@code method} on each of {@code paths}. */
  public Routes add(HandlerType method, List<String> paths, Access access, Handler handler) {
    for (String path : paths) {
      routes.addEndpoint(new Endpoint(method, path, handler).withMetadata(access));
    }
    return this;
  }

  public Routes add(HandlerType method, String path, Access access, Handler handler) {
    return add(method, List.of(path), access, handler);
  }
}
