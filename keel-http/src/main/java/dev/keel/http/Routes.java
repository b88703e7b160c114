package dev.keel.http;

import dev.keel.core.Principal;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.router.Endpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Registers endpoints, each with the {@link Access} it needs and the {@link Dialect} of its path.
 * The only way Keel adds routes, so a route without an access declaration cannot be written by
 * accident. Modules declare the dialect of the path prefixes they serve ({@link #dialect}) before
 * adding routes under them; a path under no declared prefix speaks {@link Dialect#KEEL}.
 */
public final class Routes {
  private final RoutesConfig routes;
  private final List<RouteGuard> guards;
  private final Map<String, Dialect> prefixes = new ConcurrentHashMap<>();
  private final List<Endpoint> added = new ArrayList<>();

  /** Routes whose requests are all made by {@link Principal#LOCAL} (no authentication). */
  public Routes(RoutesConfig routes) {
    this(routes, List.of((ctx, access) -> Caller.set(ctx, Principal.LOCAL)));
  }

  /**
   * Routes that run {@code guards}, in order, before every handler (see {@link RouteGuard}); one of
   * them must set the {@link Caller}.
   */
  public Routes(RoutesConfig routes, List<RouteGuard> guards) {
    this.routes = Objects.requireNonNull(routes, "routes");
    this.guards = List.copyOf(guards);
  }

  /**
   * Declares that paths under {@code prefix} (the prefix itself, or it followed by {@code /}) speak
   * {@code dialect}. Declaring the same prefix twice with the same dialect is allowed (several
   * modules share Unity Catalog's prefix); with another dialect it is a programming error.
   */
  public Routes dialect(String prefix, Dialect dialect) {
    Dialect before = prefixes.putIfAbsent(prefix, dialect);
    if (before != null && before != dialect) {
      throw new IllegalStateException(
          prefix + " is declared as " + before + " and as " + dialect + " by another module");
    }
    return this;
  }

  /** The dialect of {@code path}: that of the longest declared prefix it is under. */
  public Dialect dialectOf(String path) {
    Dialect best = Dialect.KEEL;
    int bestLength = -1;
    for (Map.Entry<String, Dialect> e : prefixes.entrySet()) {
      String p = e.getKey();
      boolean under =
          path.equals(p)
              || (path.startsWith(p) && (p.endsWith("/") || path.charAt(p.length()) == '/'));
      if (under && p.length() > bestLength) {
        best = e.getValue();
        bestLength = p.length();
      }
    }
    return best;
  }

  /** Adds {@code handler} for {@code method} on each of {@code paths}; it reads JSON bodies. */
  public Routes add(HandlerType method, List<String> paths, Access access, Handler handler) {
    return add(method, paths, access, Accepts.JSON, handler);
  }

  /**
   * Adds {@code handler} for {@code method} on each of {@code paths}, reading bodies of the media
   * types {@code accepts} names (a state-changing request with another type is refused, see {@link
   * BrowserGuard}).
   *
   * @throws IllegalArgumentException for a POST route that takes a type a web page can send without
   *     a preflight (see {@link Accepts})
   */
  public synchronized Routes add(
      HandlerType method, List<String> paths, Access access, Accepts accepts, Handler handler) {
    Objects.requireNonNull(access, "access");
    Objects.requireNonNull(accepts, "accepts");
    if (method == HandlerType.POST && accepts.takesSimpleTypes()) {
      throw new IllegalArgumentException(
          "POST "
              + paths
              + " takes "
              + accepts
              + ": a web page on any site could send that; POST routes take other types");
    }
    Handler guarded =
        ctx -> {
          for (RouteGuard g : guards) {
            g.check(ctx, access);
          }
          refuseNul(ctx);
          handler.handle(ctx);
        };
    for (String path : paths) {
      Endpoint e =
          new Endpoint(method, path, guarded)
              .withMetadata(access)
              .withMetadata(accepts)
              .withMetadata(dialectOf(path));
      routes.addEndpoint(e);
      added.add(e);
      if (method == HandlerType.GET) {
        // HEAD is GET without a body: the same guards run. Without this, Javalin answers HEAD on
        // a GET route with an empty 200 and runs neither the guards nor the handler.
        routes.addEndpoint(
            new Endpoint(HandlerType.HEAD, path, guarded)
                .withMetadata(access)
                .withMetadata(dialectOf(path)));
      }
    }
    return this;
  }

  public Routes add(HandlerType method, String path, Access access, Handler handler) {
    return add(method, List.of(path), access, handler);
  }

  /** Adds {@code handler} for {@code method} on {@code path}, reading {@code accepts} bodies. */
  public Routes add(
      HandlerType method, String path, Access access, Accepts accepts, Handler handler) {
    return add(method, List.of(path), access, accepts, handler);
  }

  /** Every route added so far, in order, with its access and dialect. */
  public synchronized List<HttpServer.Route> table() {
    return added.stream()
        .map(
            e ->
                new HttpServer.Route(
                    e.method.name(),
                    e.path,
                    e.metadata(Access.class),
                    e.metadata(Dialect.class),
                    e.metadata(Accepts.class)))
        .toList();
  }

  /**
   * Refuses a request whose decoded path parameters or query parameters hold a NUL character, with
   * a 400 naming the parameter, for every route (bodies are checked where they are parsed, {@link
   * Json#readBody}); PostgreSQL cannot store NUL and SQLite would, so no store ever sees one.
   */
  private static void refuseNul(Context ctx) {
    for (Map.Entry<String, String> p : ctx.pathParamMap().entrySet()) {
      if (Json.hasNul(p.getValue())) {
        throw Json.nulRefused(p.getKey());
      }
    }
    if (ctx.queryString() != null) {
      for (Map.Entry<String, List<String>> q : ctx.queryParamMap().entrySet()) {
        if (Json.hasNul(q.getKey())) {
          throw Json.nulRefused("query parameter name");
        }
        for (String v : q.getValue()) {
          if (Json.hasNul(v)) {
            throw Json.nulRefused(q.getKey());
          }
        }
      }
    }
  }

  /** Whether a route is registered for {@code path} (any method). */
  public synchronized boolean has(String path) {
    return added.stream().anyMatch(e -> e.path.equals(path));
  }
}
