package dev.keel.server;

import static dev.keel.server.SystemAuditTableTest.await;
import static dev.keel.server.SystemAuditTableTest.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.keel.catalog.CatalogService;
import dev.keel.catalog.JdbcCatalogStore;
import dev.keel.catalog.SystemCatalog;
import dev.keel.catalog.audit.AuditLog;
import dev.keel.catalog.audit.JdbcAuditStore;
import dev.keel.store.Database;
import dev.keel.tables.SnapshotRef;
import dev.keel.tables.TableService;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit table is made and opened by the exporter's own thread, off the server's start path
 * (creating it, an Iceberg commit on a new data dir, was a fifth of the server's start): a table
 * that cannot be made yet neither fails nor delays the start, and is made, with every entry
 * exported once, as soon as it can be.
 */
class AuditTableExporterStartTest {
  @TempDir Path dir;

  @Test
  void a_table_that_cannot_be_made_at_start_does_not_stop_the_exporter_and_is_made_later()
      throws Exception {
    try (Database db = Database.open(java.util.Optional.empty(), dir)) {
      JdbcCatalogStore catalogs =
          new JdbcCatalogStore(db, List.of(TableService.schemaContents(dir)));
      // No system catalog yet: the table's catalog and schema do not exist, so it cannot be made.
      try (TableService tables =
              new TableService(
                  db, new CatalogService(catalogs, Clock.systemUTC()), dir, Clock.systemUTC());
          AuditLog log =
              new AuditLog(
                  new JdbcAuditStore(db),
                  Clock.systemUTC(),
                  new AuditLog.Options(1_024, Duration.ofSeconds(1), 0),
                  new SimpleMeterRegistry())) {
        AtomicReference<AuditTableExporter> exporter = new AtomicReference<>();
        assertThatCode(
                () -> exporter.set(new AuditTableExporter(log, tables, Clock.systemUTC(), 0, 20)))
            .doesNotThrowAnyException();
        try {
          for (int i = 0; i < 3; i++) {
            log.record(entry("before-" + i));
          }
          assertThat(log.awaitWritten(Duration.ofSeconds(30))).isTrue();
          SystemCatalog.ensure(catalogs, Clock.systemUTC());
          log.record(entry("after"));
          assertThat(log.awaitWritten(Duration.ofSeconds(30))).isTrue();
          long last = log.lastSequence();
          await("the export once the table can be made", () -> exporter.get().exported() == last);
          assertThat(tables.count(AuditTableExporter.TABLE, SnapshotRef.latest())).isEqualTo(4);
        } finally {
          exporter.get().close();
        }
      }
    }
  }
}
