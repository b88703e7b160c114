package dev.keel.http;

import io.javalin.http.Context;

/**
 * A check that runs before every route's handler, in the order the guards were given to {@link
 * HttpServer#start}: the origin and content-type checks, then authentication (which sets the {@link
 * Caller}), then whatever else must hold. A guard refuses a request by throwing (a {@code
 * dev.keel.core.KeelException} answers in the route's dialect); returning lets it through.
 */
@FunctionalInterface
public interface RouteGuard {
  /**
   * Checks {@code ctx}, a request for a route declared with {@code access}.
   *
   * @throws Exception to refuse the request
   */
  void check(Context ctx, Access access) throws Exception;
}
