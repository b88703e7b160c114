package dev.keel.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.keel.catalog.CatalogService;
import dev.keel.catalog.JdbcCatalogStore;
import dev.keel.store.Database;
import dev.keel.store.TestDatabases;
import dev.keel.tracking.JdbcTrackingStore;
import dev.keel.tracking.TrackingService;
import dev.keel.tracking.artifacts.LocalArtifactStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two registry instances on one PostgreSQL database, as two Keel servers behind a load balancer: an
 * alias moved through one is seen through the other, although the other caches alias answers.
 */
class AliasCacheAcrossServersIT {
  @TempDir Path dir;
  private final List<Database> open = new java.util.ArrayList<>();

  @BeforeAll
  static void needsPostgres() {
    assumeTrue(TestDatabases.postgresUrl().isPresent(), "KEEL_TEST_POSTGRES_URL is not set");
  }

  @AfterEach
  void close() {
    open.forEach(Database::close);
  }

  private RegistryService server(String url) {
    Database db = Database.open(Optional.of(url), dir);
    open.add(db);
    Clock clock = Clock.systemUTC();
    LocalArtifactStore artifacts = new LocalArtifactStore(dir.resolve("artifacts"));
    JdbcRegistryStore store = new JdbcRegistryStore(db);
    CatalogService catalog =
        new CatalogService(
            new JdbcCatalogStore(db, List.of(new RegisteredModelContents(artifacts, store))),
            clock);
    return new RegistryService(
        store, catalog, new TrackingService(new JdbcTrackingStore(db), clock), artifacts, clock);
  }

  @Test
  void an_alias_moved_on_one_server_is_seen_on_the_other() throws InterruptedException {
    String url = TestDatabases.freshPostgresSchemaUrl();
    RegistryService a = server(url);
    RegistryService b = server(url);
    a.createModel("main.default.m", Optional.empty(), Map.of());
    for (int i = 0; i < 2; i++) {
      a.createVersion(
          "main.default.m", "mlflow-artifacts:/x", Optional.empty(), Optional.empty(), Map.of());
    }
    a.setAlias("main.default.m", "champion", 1);
    // b's listener connects asynchronously; until it is live b reads through, so this also holds
    assertThat(b.versionByAlias("main.default.m", "champion").version()).isEqualTo(1);
    assertThat(b.versionByAlias("main.default.m", "champion").version()).isEqualTo(1);

    a.setAlias("main.default.m", "champion", 2);
    long deadline = System.nanoTime() + 5_000_000_000L;
    long seen = 1;
    while (System.nanoTime() < deadline
        && (seen = b.versionByAlias("main.default.m", "champion").version()) != 2) {
      Thread.sleep(10);
    }
    assertThat(seen).as("b sees the move within 5 s").isEqualTo(2);
  }
}
