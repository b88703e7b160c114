package dev.keel.server;

import dev.keel.catalog.GrantService;
import dev.keel.catalog.JdbcPrincipalReferences;
import dev.keel.catalog.SystemCatalog;
import dev.keel.catalog.audit.AuditLog;
import dev.keel.catalog.audit.AuditSettings;
import dev.keel.catalog.audit.http.AuditListener;
import dev.keel.catalog.audit.http.AuditRoutes;
import dev.keel.catalog.http.CatalogRoutes;
import dev.keel.catalog.http.GrantRoutes;
import dev.keel.catalog.http.LineageRoutes;
import dev.keel.catalog.http.ObjectPermissionRoutes;
import dev.keel.catalog.identity.AuthSettings;
import dev.keel.catalog.identity.IdentityBootstrap;
import dev.keel.catalog.identity.IdentityService;
import dev.keel.catalog.identity.SelfAuthorizer;
import dev.keel.catalog.identity.http.AuthenticationGuard;
import dev.keel.catalog.identity.http.ScimRoutes;
import dev.keel.catalog.identity.http.TokenRoutes;
import dev.keel.catalog.lineage.LineageAuthorizer;
import dev.keel.catalog.lineage.LineageService;
import dev.keel.catalog.permissions.JdbcObjectPermissionStore;
import dev.keel.catalog.permissions.ObjectPermissions;
import dev.keel.catalog.permissions.ObjectType;
import dev.keel.core.Authorizer;
import dev.keel.core.ConfigSection;
import dev.keel.core.KeelConfig;
import dev.keel.core.KeelVersion;
import dev.keel.core.SecurableType;
import dev.keel.core.Setting;
import dev.keel.features.FeatureSettings;
import dev.keel.features.http.FeatureSpecRoutes;
import dev.keel.features.http.FeatureTableRoutes;
import dev.keel.features.http.TrainingSetRoutes;
import dev.keel.http.ApiDocsRoutes;
import dev.keel.http.ApiModule;
import dev.keel.http.AuthorizationGuard;
import dev.keel.http.BrowserGuard;
import dev.keel.http.BrowserSettings;
import dev.keel.http.HttpMetrics;
import dev.keel.http.HttpServer;
import dev.keel.http.Json;
import dev.keel.http.RequestListener;
import dev.keel.http.RouteGuard;
import dev.keel.jobs.JobAccess;
import dev.keel.jobs.Jobs;
import dev.keel.monitoring.MonitorSettings;
import dev.keel.monitoring.Monitoring;
import dev.keel.monitoring.engine.DuckDbMetricsEngine;
import dev.keel.registry.RegistryPrincipalReferences;
import dev.keel.registry.http.MlflowRegistryRoutes;
import dev.keel.registry.http.UcModelRoutes;
import dev.keel.server.http.SystemRoutes;
import dev.keel.serving.ModelLoader;
import dev.keel.serving.ServingSettings;
import dev.keel.serving.endpoints.EndpointAccess;
import dev.keel.serving.http.ServingRoutes;
import dev.keel.tables.audit.AuditTableExporter;
import dev.keel.tables.http.TableRoutes;
import dev.keel.tracking.ExperimentAccess;
import dev.keel.tracking.http.ArtifactRoutes;
import dev.keel.tracking.http.TrackingRoutes;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Keel server: the composition root. {@link #start} opens the {@link Services} (database,
 * stores, services), lists every capability's {@link ApiModule} and starts the HTTP server (Jetty
 * 12, platform threads). {@link #close} stops taking requests, drains the ones in flight, then
 * closes the services. Thread-safe.
 */
public final class KeelServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KeelServer.class);

  /** Most requests served at once; more wait in Jetty's queue. */
  public static final Setting<Integer> HTTP_MAX_THREADS =
      Setting.integer(
          "http.max-threads",
          "Most HTTP requests served at once; more wait in the server's queue",
          200,
          8,
          10_000);

  /**
   * How long a connection may send nothing (headers, body, between requests) before it is closed.
   */
  public static final Setting<Integer> HTTP_IDLE_TIMEOUT_MS =
      Setting.integer(
          "http.idle-timeout-ms",
          "Milliseconds a connection may send nothing (headers, body or between requests) before"
              + " the server closes it",
          (int) HttpServer.DEFAULT_IDLE_TIMEOUT_MILLIS,
          1_000,
          3_600_000);

  /** The slowest a request body may arrive before the request is cut with a 408. */
  public static final Setting<Integer> HTTP_MIN_REQUEST_DATA_RATE =
      Setting.integer(
          "http.min-request-data-rate",
          "Bytes per second a request body must average over the time the server waits for it"
              + " (for the first 256 KiB, read before a thread is taken: since the headers, after"
              + " 2 s), or it is cut with 408; 0 for no limit",
          (int) HttpServer.DEFAULT_MIN_REQUEST_DATA_RATE,
          0,
          1_000_000_000);

  /**
   * Every module's settings: what {@code keel server} accepts ({@code --conf key=value}, {@code
   * KEEL_*}, the config file). A module with settings adds its section here.
   */
  public static final List<ConfigSection> SETTINGS =
      List.of(
          new ConfigSection(
              "server",
              List.of(HTTP_MAX_THREADS, HTTP_IDLE_TIMEOUT_MS, HTTP_MIN_REQUEST_DATA_RATE)),
          BrowserSettings.SECTION,
          FeatureSettings.SECTION,
          ServingSettings.SECTION,
          AuthSettings.SECTION,
          AuditSettings.SECTION,
          Jobs.SECTION,
          MonitorSettings.SECTION);

  private final KeelConfig config;
  private final Services services;
  private final HttpServer http;
  private final AtomicBoolean draining;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean authenticated; // requests need a token
  private volatile Optional<Path> adminTokenFile = Optional.empty(); // written at this start

  private KeelServer(
      KeelConfig config, Services services, HttpServer http, AtomicBoolean draining) {
    this.config = config;
    this.services = services;
    this.http = http;
    this.draining = draining;
  }

  /** Starts a server; port 0 picks a free port (see {@link #port()}). */
  public static KeelServer start(KeelConfig config) {
    return start(config, new ModelLoader());
  }

  /** Starts a server whose endpoints load models with {@code loader} (a seam for tests). */
  static KeelServer start(KeelConfig config, ModelLoader loader) {
    return start(config, loader, null);
  }

  /**
   * Starts a server whose requests are authenticated by {@code authentication} instead of Keel's
   * own (a seam for authorization tests, which name their principals directly); null for Keel's.
   */
  static KeelServer start(KeelConfig config, ModelLoader loader, RouteGuard authentication) {
    boolean auth = AuthSettings.enabled(config); // refuses auth=false on a non-loopback address
    Services s = Services.open(config, loader);
    try {
      IdentityService identities = s.identities;
      HttpMetrics metrics = new HttpMetrics();
      AtomicBoolean draining = new AtomicBoolean();
      AuditLog audit = AuditLog.open(s.db, config, metrics.registry());
      try {
        // closed after the audit log (which writes what is queued first), then exports the rest
        s.own(
            new AuditTableExporter(
                audit,
                s.tables,
                Clock.systemUTC(),
                config.get(AuditSettings.RETENTION_DAYS),
                config.get(AuditSettings.TABLE_INTERVAL_MS)));
      } finally {
        s.own(audit);
      }
      JdbcObjectPermissionStore permissionStore = new JdbcObjectPermissionStore(s.db);
      ObjectPermissions permissions = new ObjectPermissions(permissionStore);
      // Renaming or deleting an identity moves or removes what names it, so no name keeps rights
      identities.references(
          List.of(
              new RegistryPrincipalReferences(s.db),
              new dev.keel.jobs.JobPrincipalReferences(s.db, permissions, Clock.systemUTC()),
              new JdbcPrincipalReferences(s.db, s.grants, permissionStore)));
      LineageService lineage = RunLineageSource.lineage(s);
      AtomicReference<String> url = new AtomicReference<>("");
      Jobs jobs =
          s.own(
              Jobs.open(
                  s.db,
                  config,
                  Jobs.processTaskTypes(config, s.db),
                  auth && authentication == null
                      ? new JobTokenMinter(identities)
                      : dev.keel.jobs.engine.JobTokens.NONE,
                  url::get,
                  Clock.systemUTC()));
      Monitoring monitoring =
          s.own(
              Monitoring.open(
                  s.db,
                  config,
                  s.tables,
                  new DuckDbMetricsEngine(config.dataDir().resolve("duckdb").resolve("tmp"), 4),
                  new MonitorCalendar(),
                  new MonitorAlertJobs(jobs, permissions, identities),
                  Clock.systemUTC()));
      List<ApiModule> capabilities =
          List.of(
              new SystemRoutes(s.db, metrics, draining::get),
              new CatalogRoutes(s.catalog, s.principals),
              new ScimRoutes(identities),
              new TokenRoutes(identities),
              new GrantRoutes(s.grants),
              new TrackingRoutes(s.tracking, permissions),
              new ArtifactRoutes(s.artifacts, s.tracking, s.registry.artifactWriteGuard()),
              new MlflowRegistryRoutes(s.registry),
              new UcModelRoutes(s.registry, s.principals),
              new TableRoutes(s.tables, config.dataDir().resolve("tmp").resolve("uploads")),
              new FeatureTableRoutes(s.features),
              new TrainingSetRoutes(s.features),
              new FeatureSpecRoutes(s.features),
              new ServingRoutes(
                  s.endpoints, permissions, s.inferenceCapture, metrics.registry(), draining::get),
              jobs.routes(permissions, s.principals),
              monitoring.monitorRoutes(),
              monitoring.alertRoutes(),
              new ObjectPermissionRoutes(
                  permissions,
                  s.principals,
                  Map.of(
                      ObjectType.EXPERIMENTS,
                      id -> s.tracking.getExperiment(id).experimentId(),
                      ObjectType.SERVING_ENDPOINTS,
                      s.endpoints::nameOfId,
                      ObjectType.JOBS,
                      jobs.jobs()::securableName)),
              new LineageRoutes(lineage),
              new AuditRoutes(audit));
      List<ApiModule> modules = new ArrayList<>(capabilities);
      modules.add(new ApiDocsRoutes(version(), capabilities)); // last: documents every route

      // Governance at the edge: who calls (authentication), then may they (authorization, by the
      // authorizer of each securable type), then what happened (listeners: the audit log).
      Map<SecurableType, Authorizer> authorizers = new EnumMap<>(SecurableType.class);
      authorizers.put(SecurableType.PRINCIPAL, new SelfAuthorizer());
      GrantService.TYPES.forEach(type -> authorizers.put(type, s.grants)); // Unity Catalog grants
      ExperimentAccess experiments = new ExperimentAccess(s.tracking, permissions, authorizers);
      authorizers.put(SecurableType.EXPERIMENT, experiments); // Databricks object permissions
      authorizers.put(SecurableType.RUN, experiments);
      authorizers.put(SecurableType.ARTIFACT, experiments);
      authorizers.put(SecurableType.SERVING_ENDPOINT, new EndpointAccess(s.endpoints, permissions));
      authorizers.put(SecurableType.JOB, new JobAccess(permissions));
      authorizers.put(SecurableType.LINEAGE, new LineageAuthorizer(lineage, authorizers));
      List<RouteGuard> guards = new ArrayList<>();
      guards.add(BrowserGuard.of(config.host(), config)); // Host, Origin, Content-Type: first
      guards.add(
          authentication != null
              ? authentication
              : new AuthenticationGuard(
                  identities,
                  auth,
                  config.get(AuthSettings.FAILED_PER_SECOND),
                  config.get(AuthSettings.FAILED_BURST)));
      guards.add(new AuthorizationGuard(authorizers, new SystemCatalog()));
      List<RequestListener> listeners = new ArrayList<>();
      listeners.add(new AuditListener(audit, Clock.systemUTC()));
      listeners.add(GrantRoutes.invalidator(s.grants));
      Optional<Path> adminToken =
          IdentityBootstrap.start(identities, config.dataDir(), auth && authentication == null);
      HttpServer http =
          HttpServer.start(
              new HttpServer.Options(
                  config.host(),
                  config.port(),
                  Json.MAX_BODY_BYTES,
                  "keel-http",
                  config.get(HTTP_MAX_THREADS),
                  config.get(HTTP_IDLE_TIMEOUT_MS),
                  config.get(HTTP_MIN_REQUEST_DATA_RATE)),
              modules,
              metrics,
              new HttpServer.Edge(guards, listeners));
      url.set(http.url());
      jobs.start();
      jobs.startTriggers(s.jobEvents);
      monitoring.start();
      KeelServer server = new KeelServer(config, s, http, draining);
      server.authenticated = auth && authentication == null;
      server.adminTokenFile = adminToken;
      LOG.info(
          "Keel {} listening on {} (data dir {})", version(), http.listening(), config.dataDir());
      return server;
    } catch (RuntimeException e) {
      s.close();
      throw e;
    }
  }

  /** The services this server composed (for tests in this package). */
  Services services() {
    return services;
  }

  /** The bound port. */
  public int port() {
    return http.port();
  }

  /** The base URL clients use, e.g. {@code http://127.0.0.1:8080}. */
  public String url() {
    return http.url();
  }

  /**
   * Where the server listens, for people: the URL, or for a server bound to all interfaces which
   * ones and a usable URL (see {@link HttpServer#listening()}).
   */
  public String listening() {
    return http.listening();
  }

  /** True when other machines can reach the server (it is not bound to a loopback address). */
  public boolean exposed() {
    return http.exposed();
  }

  /** True when requests must carry a bearer token ({@code auth} setting). */
  public boolean authenticated() {
    return authenticated;
  }

  /** The file the first administrator's token was written to, when this start created it. */
  public Optional<Path> adminTokenFile() {
    return adminTokenFile;
  }

  /** The data directory in use. */
  public Path dataDir() {
    return config.dataDir();
  }

  /** Every registered HTTP route with its access and dialect. */
  public List<HttpServer.Route> routes() {
    return http.routes();
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
      http.close(); // Jetty stops accepting, lets in-flight requests finish (stop timeout)
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
    KeelServer server = start(KeelConfig.resolve(Map.of(), System.getenv(), SETTINGS));
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "keel-shutdown"));
    System.out.println("Keel listening on " + server.url());
    System.out.flush();
    server.awaitStop();
  }

  /** Keel's version. */
  public static String version() {
    return KeelVersion.get();
  }
}
