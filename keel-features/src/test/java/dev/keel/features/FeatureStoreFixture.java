package dev.keel.features;

import dev.keel.catalog.CatalogService;
import dev.keel.catalog.JdbcCatalogStore;
import dev.keel.features.online.OnlineStore;
import dev.keel.features.online.OnlineStores;
import dev.keel.features.training.OnDemandRegistry;
import dev.keel.features.training.TrainingSetEngine;
import dev.keel.store.Database;
import dev.keel.store.TestDatabases;
import dev.keel.tables.TableService;
import dev.keel.tracking.JdbcTrackingStore;
import dev.keel.tracking.TrackingService;
import dev.keel.tracking.artifacts.LocalArtifactStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * A feature store on SQLite, the embedded online store and real Iceberg tables under one directory,
 * with its parts open for tests that look behind it (the metadata store, the artifacts).
 */
final class FeatureStoreFixture implements AutoCloseable {
  final Path dir;
  final Database db;
  final TableService tables;
  final TrackingService tracking;
  final OnlineStore online;
  final JdbcFeatureMetadataStore meta;
  final FeatureStore fs;

  FeatureStoreFixture(Path dir) {
    this.dir = dir;
    db = TestDatabases.sqlite(dir);
    Clock clock = Clock.systemUTC();
    CatalogService catalog =
        new CatalogService(
            new JdbcCatalogStore(
                db,
                List.of(TableService.schemaContents(dir), JdbcFeatureMetadataStore.specContents())),
            clock);
    tables = new TableService(db, catalog, dir, clock);
    tracking = new TrackingService(new JdbcTrackingStore(db), clock);
    online = OnlineStores.open("embedded", dir);
    meta = new JdbcFeatureMetadataStore(db);
    fs =
        new FeatureStore(
            tables,
            meta,
            tracking,
            new LocalArtifactStore(dir.resolve("artifacts")),
            online,
            "embedded",
            new OnDemandRegistry(),
            TrainingSetEngine.Options.defaults(),
            clock);
  }

  @Override
  public void close() {
    fs.close();
    online.close();
    tables.close();
    db.close();
  }
}
