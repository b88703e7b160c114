package dev.keel.http;

import io.javalin.Javalin;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.EagerContentHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One of Keel's HTTP servers (the platform server, {@code keel serve}), built the same way: Jetty
 * 12 on platform threads, an {@code X-Request-Id} on every answer ({@link RequestIds}), Keel's
 * error translation in each route's {@link Dialect}, Jetty's own refusals in Keel's error shape,
 * request metrics, and the routes of each {@link ApiModule}.
 *
 * <p>Slow clients cannot hold the request threads: a request body of up to {@value
 * #EAGER_BODY_BYTES} bytes is read without a thread (Jetty's {@code EagerContentHandler}) before
 * the request is handed to one, and must arrive at {@link Options#minRequestDataRate} bytes per
 * second since its headers (judged after two seconds, {@link EagerBodyRate}) or it is cut with a
 * 408 and the connection closed; a connection that sends nothing for {@link
 * Options#idleTimeoutMillis} is closed, and a body read on a request thread that arrives slower
 * than {@link Options#minRequestDataRate} bytes per second is cut (408 when an answer can still be
 * written). The rate counts only the time the server waited for body bytes that had not arrived
 * ({@link ClientDataRate}): a body the client sent promptly is never cut, whatever the server did
 * before reading it. Headers are always read without a thread. Thread-safe.
 */
public final class HttpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);

  /** Bodies up to this size are read before a request thread is taken. */
  public static final int EAGER_BODY_BYTES = 256 * 1024;

  /** Default {@link Options#idleTimeoutMillis}. */
  public static final long DEFAULT_IDLE_TIMEOUT_MILLIS = 30_000;

  /** Default {@link Options#minRequestDataRate}, bytes per second. */
  public static final long DEFAULT_MIN_REQUEST_DATA_RATE = 1024;

  /**
   * Server settings.
   *
   * @param host the address to bind
   * @param port the port; 0 picks a free one
   * @param maxBodyBytes the largest request body Jetty lets through
   * @param threadName the name prefix of the request threads
   * @param maxThreads the most requests served at once; more wait in Jetty's queue
   * @param idleTimeoutMillis how long a connection may send and receive nothing before it is closed
   *     (headers, body or between requests)
   * @param minRequestDataRate the slowest a request body may arrive, in bytes per second averaged
   *     over the time the server waited for it ({@link ClientDataRate}); 0 for no limit
   */
  public record Options(
      String host,
      int port,
      long maxBodyBytes,
      String threadName,
      int maxThreads,
      long idleTimeoutMillis,
      long minRequestDataRate) {
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
      if (idleTimeoutMillis < 1 || minRequestDataRate < 0) {
        throw new IllegalArgumentException(
            "idleTimeoutMillis must be positive and minRequestDataRate not negative");
      }
    }

    /** Settings with the default idle timeout and minimum request data rate. */
    public Options(String host, int port, long maxBodyBytes, String threadName, int maxThreads) {
      this(
          host,
          port,
          maxBodyBytes,
          threadName,
          maxThreads,
          DEFAULT_IDLE_TIMEOUT_MILLIS,
          DEFAULT_MIN_REQUEST_DATA_RATE);
    }
  }

  /**
   * A registered route.
   *
   * @param method the HTTP method
   * @param path the path template ({@code {name}} and {@code <path>} parameters)
   * @param access the securable and privilege it needs
   * @param dialect the error dialect it answers in
   * @param accepts the media types it reads from a request body
   */
  public record Route(
      String method, String path, Access access, Dialect dialect, Accepts accepts) {}

  /**
   * What runs around every route besides Keel's own edge (request ids, errors, metrics).
   *
   * @param guards checks run before every handler, in order; one of them sets the {@link Caller}
   * @param listeners told about every answered request
   */
  public record Edge(List<RouteGuard> guards, List<RequestListener> listeners) {
    public Edge {
      guards = List.copyOf(guards);
      listeners = List.copyOf(listeners);
    }

    /** No authentication: every request is made by {@link dev.keel.core.Principal#LOCAL}. */
    public static Edge unauthenticated() {
      return new Edge(
          List.of((ctx, access) -> Caller.set(ctx, dev.keel.core.Principal.LOCAL)), List.of());
    }
  }

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
    return start(options, modules, metrics, Edge.unauthenticated());
  }

  /**
   * Starts a server serving {@code modules} behind {@code edge}'s guards and listeners.
   *
   * @throws RuntimeException if the port cannot be bound
   */
  public static HttpServer start(
      Options options, List<ApiModule> modules, HttpMetrics metrics, Edge edge) {
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
              Routes routes = new Routes(cfg.routes, edge.guards());
              registered[0] = routes;
              // Paths are checked by Keel after full decoding; let odd encodings reach it.
              cfg.jetty.modifyHttpConfiguration(
                  h -> {
                    h.setUriCompliance(UriCompliance.UNSAFE);
                    h.setIdleTimeout(options.idleTimeoutMillis());
                    // Jetty's check counts the handler's pauses as the client's slowness (it cut
                    // 5-byte uploads with a 500): ClientDataRate measures the client instead.
                    h.setMinRequestDataRate(0);
                  });
              cfg.jetty.modifyServer(
                  srv -> {
                    srv.setStopTimeout(10_000);
                    srv.setErrorHandler(new JettyErrorHandler(routes));
                    // Javalin puts its servlet handler inside this one: a body is read without a
                    // thread, so 250 clients sending a byte every 10 s cannot hold the pool.
                    // EagerBodyRate bounds that read: a small body trickled or stopped part-way
                    // is cut within seconds instead of holding its buffer until the idle timeout.
                    srv.setHandler(
                        new EagerBodyRate(
                            options.minRequestDataRate(),
                            new EagerContentHandler(
                                new ClientDataRate(options.minRequestDataRate()),
                                new EagerContentHandler.RetainedContentLoaderFactory(
                                    EAGER_BODY_BYTES, -1, false))));
                  });

              cfg.requestLogger.http(
                  (ctx, millis) -> {
                    metrics.record(ctx, millis);
                    for (RequestListener l : edge.listeners()) {
                      l.answered(ctx, millis);
                    }
                  });
              cfg.routes.before(ctx -> RequestIds.assign(ctx));
              for (RouteGuard g : edge.guards()) {
                if (g instanceof BrowserGuard b) {
                  cfg.routes.before(b::before); // CORS: preflights and allowed origins' headers
                }
              }
              ErrorTranslator.install(cfg.routes, routes);
              for (ApiModule m : modules) {
                m.routes(routes);
              }
            });
    app.start();
    for (Connector c : app.jettyServer().server().getConnectors()) {
      if (c instanceof ServerConnector sc) {
        sc.setIdleTimeout(
            options.idleTimeoutMillis()); // headers, bodies and kept-alive connections
      }
    }
    HttpServer server = new HttpServer(app, options, registered[0].table());
    boolean authenticated =
        edge.guards().stream().anyMatch(g -> g instanceof Authenticator a && a.authenticates());
    if (server.exposed() && !authenticated) {
      LOG.warn(server.noAuthenticationWarning());
    }
    return server;
  }

  /** The address and port the server is bound to. */
  public InetSocketAddress boundAddress() {
    for (Connector c : app.jettyServer().server().getConnectors()) {
      if (c instanceof ServerConnector sc && sc.getTransport() instanceof ServerSocketChannel ch) {
        try {
          if (ch.getLocalAddress() instanceof InetSocketAddress a) {
            return a;
          }
        } catch (IOException e) {
          // closed: fall back to the configured address
        }
      }
    }
    return new InetSocketAddress(options.host(), port());
  }

  /**
   * True when the server accepts connections from other machines (it is bound to a non-loopback
   * address or to all interfaces).
   */
  public boolean exposed() {
    return !boundAddress().getAddress().isLoopbackAddress();
  }

  /**
   * Where the server listens, for people: {@code http://127.0.0.1:8080}, or for a server bound to
   * all interfaces {@code all interfaces (0.0.0.0:8080): http://127.0.0.1:8080 on this machine,
   * http://192.0.2.7:8080 from the network}.
   */
  public String listening() {
    InetSocketAddress a = boundAddress();
    if (!a.getAddress().isAnyLocalAddress()) {
      return "http://" + hostPart(a.getAddress()) + ":" + a.getPort();
    }
    StringBuilder b =
        new StringBuilder("all interfaces (")
            // as asked: Java binds 0.0.0.0 as the dual-stack [::]
            .append(options.host().contains(":") ? "[::]" : "0.0.0.0")
            .append(':')
            .append(a.getPort())
            .append("): ")
            .append(url())
            .append(" on this machine");
    List<String> others = networkUrls(a.getPort());
    if (!others.isEmpty()) {
      b.append(", ").append(String.join(" or ", others)).append(" from the network");
    }
    return b.toString();
  }

  /**
   * The warning logged at start by a server that other machines can reach and that does not
   * authenticate requests (no {@link Authenticator} among its guards that {@link
   * Authenticator#authenticates()}).
   */
  public String noAuthenticationWarning() {
    return "SECURITY WARNING: this server does not authenticate requests (single local user, no"
        + " authentication) and is listening on "
        + listening()
        + ": anyone who can reach this address can use everything it serves. Bind to 127.0.0.1"
        + " (the default, --host) or put an authenticating proxy in front of it.";
  }

  private static String hostPart(InetAddress a) {
    String h = a.getHostAddress();
    int zone = h.indexOf('%');
    if (zone >= 0) {
      h = h.substring(0, zone);
    }
    return a instanceof java.net.Inet6Address ? "[" + h + "]" : h;
  }

  /** URLs on this machine's non-loopback IPv4 addresses (at most three). */
  private static List<String> networkUrls(int port) {
    List<String> urls = new ArrayList<>();
    try {
      for (NetworkInterface n : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!n.isUp() || n.isLoopback()) {
          continue;
        }
        for (InetAddress a : Collections.list(n.getInetAddresses())) {
          if (a instanceof java.net.Inet4Address && urls.size() < 3) {
            urls.add("http://" + a.getHostAddress() + ":" + port);
          }
        }
      }
    } catch (SocketException e) {
      // no interface list: the loopback URL is still usable
    }
    return urls;
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
