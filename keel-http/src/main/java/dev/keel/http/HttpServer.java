package dev.keel.http;

import io.javalin.Javalin;
import java.util.List;
import java.util.Objects;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * One of Keel's HTTP servers (the platform server, {@code keel serve}), built the same way: Jetty
 * 12 on platform threads, an {@code X-Request-Id} on every answer ({@link RequestIds}), Keel's
 * error translation in each route's {@link Dialect}, Jetty's own refusals in Keel's error shape,
 * request metrics, and the routes of each {@link ApiModule}. Thread-safe.
 */
public final class HttpServer implements AutoCloseable {
  /**
   * Server settings.
   *
   * @param host the address to bind
   * @param port the port; 0 picks a free one
   * @param maxBodyBytes the largest request body Jetty lets through
   * @param threadName the name prefix of the request threads
   * @param maxThreads the most requests served at once; more wait in Jetty's queue
   */
  public record Options(
      String host, int port, long maxBodyBytes, String threadName, int maxThreads) {
    /** Checks the values. */
    public Options {
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(threadName, "threadName");
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be in 0..65535, got " + port);
      }
      if (maxBodyBytes < 1 || maxThreads < 2) {
        throw new IllegalArgumentException("maxBodyBytes and maxThreads must be positive");
      }
    }
  }

  /**
   * A registered route.
   *
   * @param method the HTTP method
   * @param path the path template ({@code {name}} and {@code <path>} parameters)
   * @param access the securable and privilege it needs
   * @param dialect the error dialect it answers in
   */
  public record Route(String method, String path, Access access, Dialect dialect) {}

  private final Javalin app;
  private final Options options;
  private final List<Route> routes;

  private HttpServer(Javalin app, Options options, List<Route> routes) {
    this.app = app;
    this.options = options;
    this.routes = routes;
  }

  /**
   * Starts a server serving {@code modules}.
   *
   * @throws RuntimeException if the port cannot be bound
   */
  public static HttpServer start(Options options, List<ApiModule> modules, HttpMetrics metrics) {
    Routes[] registered = new Routes[1];
    Javalin app =
        Javalin.create(
            cfg -> {
              // Platform threads: Jetty's selector can then run a request on its own thread and
              // hand selecting to a reserved one, where a virtual-thread pool adds a hand-off (and
              // a carrier wake-up) per request: p99 of a single-row scoring request went from
              // 1.3-1.5 ms to 0.7-0.9 ms at 1,000 requests/s on 2 cores (docs/benchmarks.md).
              QueuedThreadPool pool = new QueuedThreadPool(options.maxThreads(), 8, 60_000);
              pool.setName(options.threadName());
              cfg.jetty.threadPool = pool;
              cfg.startup.showJavalinBanner = false;
              cfg.startup.startupWatcherEnabled = false;
              cfg.http.maxRequestSize = options.maxBodyBytes();
              cfg.http.prefer405over404 = false;
              cfg.jetty.host = options.host();
              cfg.jetty.port = options.port();
              Routes routes = new Routes(cfg.routes);
              registered[0] = routes;
              // Paths are checked by Keel after full decoding; let odd encodings reach it.
              cfg.jetty.modifyHttpConfiguration(h -> h.setUriCompliance(UriCompliance.UNSAFE));
              cfg.jetty.modifyServer(
                  srv -> {
                    srv.setStopTimeout(10_000);
                    srv.setErrorHandler(new JettyErrorHandler(routes));
                  });
              cfg.requestLogger.http(metrics::record);
              cfg.routes.before(ctx -> RequestIds.assign(ctx));
              ErrorTranslator.install(cfg.routes, routes);
              for (ApiModule m : modules) {
                m.routes(routes);
              }
            });
    app.start();
    return new HttpServer(app, options, registered[0].table());
  }

  /** The bound port. */
  public int port() {
    return app.port();
  }

  /**
   * The base URL clients on this machine use, e.g. {@code http://127.0.0.1:8080} (the loopback
   * address when bound to all interfaces).
   */
  public String url() {
    String host = options.host();
    if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
      host = "127.0.0.1";
    } else if (host.contains(":") && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    return "http://" + host + ":" + port();
  }

  /** Every registered route, in registration order. */
  public List<Route> routes() {
    return routes;
  }

  /** Stops taking requests and lets those in flight finish (up to Jetty's stop timeout). */
  @Override
  public void close() {
    app.stop();
  }
}
