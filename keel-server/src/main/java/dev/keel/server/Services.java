package dev.keel.server;

import dev.keel.catalog.CatalogService;
import dev.keel.catalog.GrantService;
import dev.keel.catalog.JdbcCatalogStore;
import dev.keel.catalog.JdbcGrantStore;
import dev.keel.catalog.Principals;
import dev.keel.catalog.SystemCatalog;
import dev.keel.catalog.identity.AuthSettings;
import dev.keel.catalog.identity.IdentityService;
import dev.keel.catalog.identity.JdbcIdentityStore;
import dev.keel.core.KeelConfig;
import dev.keel.features.FeatureSettings;
import dev.keel.features.FeatureStore;
import dev.keel.features.JdbcFeatureMetadataStore;
import dev.keel.features.online.OnlineStore;
import dev.keel.features.online.OnlineStores;
import dev.keel.features.training.BuiltinFunctions;
import dev.keel.features.training.TrainingSetEngine;
import dev.keel.registry.JdbcRegistryStore;
import dev.keel.registry.RegisteredModelContents;
import dev.keel.registry.RegistryService;
import dev.keel.serving.ModelLoader;
import dev.keel.serving.ServingSettings;
import dev.keel.serving.endpoints.EndpointService;
import dev.keel.serving.endpoints.JdbcEndpointStore;
import dev.keel.serving.inference.InferenceCapture;
import dev.keel.serving.inference.InferenceLogger;
import dev.keel.store.Database;
import dev.keel.tables.TableService;
import dev.keel.tracking.JdbcTrackingStore;
import dev.keel.tracking.TrackingService;
import dev.keel.tracking.artifacts.LocalArtifactStore;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Every store and service of one Keel server, built with {@code new} from its configuration, and
 * closed in the reverse order of opening. The composition root's first half; {@link KeelServer}
 * adds the routes.
 */
final class Services implements AutoCloseable {
  final KeelConfig config;
  final Database db;
  final LocalArtifactStore artifacts;
  final CatalogService catalog;
  final TrackingService tracking;
  final RegistryService registry;
  final TableService tables;
  final OnlineStore online;
  final FeatureStore features;
  final InferenceCapture inferenceCapture;
  final EndpointService endpoints;
  final GrantService grants;
  final IdentityService identities;
  final Principals principals;

  /** Table and registry facts for the jobs module's trigger service. */
  final JobEvents jobEvents;

  private final Deque<AutoCloseable> closeables;

  private Services(
      KeelConfig config,
      Database db,
      LocalArtifactStore artifacts,
      CatalogService catalog,
      TrackingService tracking,
      RegistryService registry,
      TableService tables,
      OnlineStore online,
      FeatureStore features,
      InferenceCapture inferenceCapture,
      EndpointService endpoints,
      GrantService grants,
      IdentityService identities,
      Principals principals,
      Deque<AutoCloseable> closeables) {
    this.jobEvents = new JobEvents(tables, registry);
    this.config = config;
    this.db = db;
    this.artifacts = artifacts;
    this.catalog = catalog;
    this.tracking = tracking;
    this.registry = registry;
    this.tables = tables;
    this.online = online;
    this.features = features;
    this.inferenceCapture = inferenceCapture;
    this.endpoints = endpoints;
    this.grants = grants;
    this.identities = identities;
    this.principals = principals;
    this.closeables = closeables;
  }

  static Services open(KeelConfig config) {
    return open(config, new ModelLoader());
  }

  /** As {@link #open(KeelConfig)}, with endpoints loading models through {@code loader}. */
  static Services open(KeelConfig config, ModelLoader loader) {
    Deque<AutoCloseable> opened = new ArrayDeque<>();
    try {
      Clock clock = Clock.systemUTC();
      // Scratch files (uploads being written, training sets being built, serving copies) of a
      // process that was killed are never needed again: the data dir is this server's own.
      ScratchFiles.clean(config.dataDir().resolve("tmp"));
      ScratchFiles.clean(config.dataDir().resolve("duckdb").resolve("tmp"));
      Database db = push(opened, Database.open(config.databaseUrl(), config.dataDir()));
      LocalArtifactStore artifacts = new LocalArtifactStore(config.dataDir().resolve("artifacts"));
      JdbcRegistryStore registryStore = new JdbcRegistryStore(db);
      JdbcGrantStore grantStore = new JdbcGrantStore(db);
      JdbcCatalogStore catalogStore =
          new JdbcCatalogStore(
              db,
              List.of(
                  new RegisteredModelContents(artifacts, registryStore),
                  TableService.schemaContents(config.dataDir()),
                  JdbcFeatureMetadataStore.specContents(),
                  grantStore.contents()));
      CatalogService catalog = new CatalogService(catalogStore, clock);
      SystemCatalog.ensure(catalogStore, clock);
      TableService tables = push(opened, new TableService(db, catalog, config.dataDir(), clock));
      // Data files of writes killed before they committed: swept off the start path, so a server
      // with many tables is ready at once; stopped between tables when the server closes.
      Thread sweep =
          Thread.ofPlatform()
              .daemon()
              .name("keel-orphan-sweep")
              .start(tables::removeOrphansAtStart);
      push(
          opened,
          (AutoCloseable)
              () -> {
                sweep.interrupt();
                sweep.join(java.time.Duration.ofSeconds(5));
              });
      TrackingService tracking = new TrackingService(new JdbcTrackingStore(db), clock);
      RegistryService registry =
          new RegistryService(registryStore, catalog, tracking, artifacts, clock);
      push(opened, registry.startRegistrationRecovery());
      OnlineStore online =
          push(
              opened,
              OnlineStores.open(config.get(FeatureSettings.ONLINE_STORE), config.dataDir(), clock));
      FeatureStore features =
          push(
              opened,
              new FeatureStore(
                  tables,
                  new JdbcFeatureMetadataStore(db),
                  tracking,
                  artifacts,
                  online,
                  storeName(config.get(FeatureSettings.ONLINE_STORE)),
                  BuiltinFunctions.registry(),
                  TrainingSetEngine.Options.defaults()
                      .withTempDirectory(config.dataDir().resolve("tmp").resolve("training-sets")),
                  clock));
      InferenceLogger inferenceLog =
          push(
              opened,
              new InferenceLogger(
                  tables,
                  config.get(ServingSettings.INFERENCE_LOG_QUEUE),
                  config.get(ServingSettings.INFERENCE_LOG_BATCH_ROWS),
                  config.get(ServingSettings.INFERENCE_LOG_FLUSH_MILLIS)));
      EndpointService endpoints =
          push(
              opened,
              new EndpointService(
                  new JdbcEndpointStore(db),
                  registry,
                  artifacts,
                  loader,
                  EndpointService.Options.of(
                      config
                          .dataDir()
                          .resolve("tmp")
                          .resolve("serving")
                          .resolve(java.util.UUID.randomUUID().toString())),
                  clock,
                  () -> ThreadLocalRandom.current().nextDouble(),
                  new StoreFeatureSource(features)));
      endpoints.start();
      IdentityService identities = new IdentityService(new JdbcIdentityStore(db), clock);
      // Grants, access control lists and owners name known identities; without authentication
      // also the single local user keel, who acts on every request.
      Principals principals =
          AuthSettings.enabled(config) ? identities : identities.withLocalUser();
      GrantService grants =
          Grants.service(db, grantStore, catalogStore, tables, registry, principals, clock);
      return new Services(
          config,
          db,
          artifacts,
          catalog,
          tracking,
          registry,
          tables,
          online,
          features,
          new InferenceCapture(endpoints, inferenceLog),
          endpoints,
          grants,
          identities,
          principals,
          opened);
    } catch (RuntimeException e) {
      closeAll(opened);
      throw e;
    }
  }

  /** How publish states name the online store: {@code embedded}, or Redis without credentials. */
  static String storeName(String spec) {
    if (!spec.startsWith("redis")) {
      return "embedded";
    }
    URI u = URI.create(spec);
    return u.getScheme()
        + "://"
        + u.getHost()
        + ":"
        + u.getPort()
        + (u.getPath() == null ? "" : u.getPath());
  }

  private static <T extends AutoCloseable> T push(Deque<AutoCloseable> opened, T c) {
    opened.push(c);
    return c;
  }

  private static void closeAll(Deque<AutoCloseable> opened) {
    RuntimeException first = null;
    while (!opened.isEmpty()) {
      try {
        opened.pop().close();
      } catch (Exception e) {
        if (first == null) {
          first = e instanceof RuntimeException r ? r : new IllegalStateException(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /** Closes {@code c} with these services, before everything opened so far (the database). */
  <T extends AutoCloseable> T own(T c) {
    return push(closeables, c);
  }

  @Override
  public void close() {
    closeAll(closeables);
  }
}
