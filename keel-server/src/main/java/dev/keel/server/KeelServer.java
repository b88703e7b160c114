package dev.keel.server;

import dev.keel.core.KeelConfig;
import dev.keel.server.catalog.CatalogRoutes;
import dev.keel.server.features.FeatureRoutes;
import dev.keel.server.http.ErrorTranslator;
import dev.keel.server.http.HttpMetrics;
import dev.keel.server.http.JettyErrorHandler;
import dev.keel.server.http.Json;
import dev.keel.server.http.Routes;
import dev.keel.server.registry.MlflowRegistryRoutes;
import dev.keel.server.registry.UcModelRoutes;
import dev.keel.server.serving.ServingRoutes;
import dev.keel.server.tables.TableRoutes;
import dev.keel.server.tracking.ArtifactRoutes;
import dev.keel.server.tracking.TrackingRoutes;
import io.javalin.Javalin;
import io.javalin.router.ParsedEndpoint;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Keel server: the composition root. {@link #start} opens the {@link Services} (database,
 * stores, services), registers the routes, and starts Javalin (Jetty 12, platform threads). {@link
 * #close} stops taking requests, drains the ones in flight, then closes the services. Thread-safe.
 */
public final class KeelServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KeelServer.class);

  /** Most requests served at once; more wait in Jetty's queue. */
  private static final int HTTP_MAX_THREADS = 200;

  private final KeelConfig config;
  private final Services services;
  private final Javalin app;
  private final AtomicBoolean draining;
  private final CountDownLatch stopped = new CountDownLatch(1);

  private KeelServer(KeelConfig config, Services services, Javalin app, AtomicBoolean draining) {
    this.config = config;
    this.services = services;
    this.app = app;
    this.draining = draining;
  }

  /** Starts a server; port 0 picks a free port (see {@link #port()}). */
  public static KeelServer start(KeelConfig config) {
    Services s = Services.open(config);
    try {
      HttpMetrics metrics = new HttpMetrics();
      AtomicBoolean draining = new AtomicBoolean();
      Javalin app =
          Javalin.create(
              cfg -> {
                // Platform threads: Jetty's selector can then run a request on its own thread
                // and hand selecting to a reserved one, where a virtual-thread pool adds a hand-off
                // (and a carrier wake-up) per request: p99 of a single-row scoring request went
                // from 1.3-1.5 ms to 0.7-0.9 ms at 1,000 requests/s on 2 cores
                // (docs/benchmarks.md).
                QueuedThreadPool pool = new QueuedThreadPool(HTTP_MAX_THREADS, 8, 60_000);
                pool.setName("keel-http");
                cfg.jetty.threadPool = pool;
                cfg.startup.showJavalinBanner = false;
                cfg.startup.startupWatcherEnabled = false;
                cfg.http.maxRequestSize = Json.MAX_BODY_BYTES;
                cfg.http.prefer405over404 = false;
                cfg.jetty.host = config.host();
                cfg.jetty.port = config.port();
                // Paths are checked by Keel after full decoding; let odd encodings reach it.
                cfg.jetty.modifyHttpConfiguration(h -> h.setUriCompliance(UriCompliance.UNSAFE));
                cfg.jetty.modifyServer(
                    srv -> {
                      srv.setStopTimeout(10_000);
                      srv.setErrorHandler(new JettyErrorHandler());
                    });
                cfg.requestLogger.http(metrics::record);
                ErrorTranslator.install(cfg.routes);
                Routes routes = new Routes(cfg.routes);
                new SystemRoutes(s.db, metrics, draining::get).register(routes);
                new CatalogRoutes(s.catalog).register(routes);
                new TrackingRoutes(s.tracking).register(routes);
                new ArtifactRoutes(s.artifacts, s.tracking).register(routes);
                new MlflowRegistryRoutes(s.registry).register(routes);
                new UcModelRoutes(s.registry).register(routes);
                new TableRoutes(s.tables, config.dataDir().resolve("tmp").resolve("uploads"))
                    .register(routes);
                new FeatureRoutes(s.features).register(routes);
                new ServingRoutes(s.endpoints, s.inferenceLog, metrics.registry(), draining::get)
                    .register(routes);
              });
      app.start();
      KeelServer server = new KeelServer(config, s, app, draining);
      LOG.info("Keel {} listening on {} (data dir {})", version(), server.url(), config.dataDir());
      return server;
    } catch (RuntimeException e) {
      s.close();
      throw e;
    }
  }

  /** The bound port. */
  public int port() {
    return app.port();
  }

  /** The base URL clients use, e.g. {@code http://127.0.0.1:8080}. */
  public String url() {
    String host = config.host();
    if (host.contains(":")) {
      host = "[" + host + "]";
    } else if (host.equals("0.0.0.0")) {
      host = "127.0.0.1";
    }
    return "http://" + host + ":" + port();
  }

  /** The data directory in use. */
  public Path dataDir() {
    return config.dataDir();
  }

  /** Every registered HTTP endpoint (used by the route access check). */
  public List<ParsedEndpoint> endpoints() {
    return app.unsafe.internalRouter.allHttpHandlers();
  }

  /** Blocks until {@link #close()} has finished. */
  public void awaitStop() throws InterruptedException {
    stopped.await();
  }

  @Override
  public void close() {
    if (draining.getAndSet(true)) {
      return;
    }
    try {
      app.stop(); // Jetty stops accepting, lets in-flight requests finish (stop timeout)
    } finally {
      services.close();
      stopped.countDown();
    }
  }

  /**
   * Runs a server configured only from {@code KEEL_*} environment variables and the config file
   * (for containers and process-level tests; people use {@code keel server}). Prints {@code Keel
   * listening on <url>} on standard output once it accepts requests.
   */
  public static void main(String[] args) throws InterruptedException {
    KeelServer server = start(KeelConfig.resolve(java.util.Map.of(), System.getenv()));
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "keel-shutdown"));
    System.out.println("Keel listening on " + server.url());
    System.out.flush();
    server.awaitStop();
  }

  /** Keel's version (read once from the build's {@code version.properties}). */
  public static String version() {
    return VERSION;
  }

  private static final String VERSION = readVersion();

  private static String readVersion() {
    Properties p = new Properties();
    try (InputStream in = KeelServer.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // fall through to "unknown"
    }
    return p.getProperty("version", "unknown");
  }
}
