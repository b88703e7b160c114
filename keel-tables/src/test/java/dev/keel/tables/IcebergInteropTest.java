package dev.keel.tables;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.catalog.CatalogService;
import dev.keel.catalog.JdbcCatalogStore;
import dev.keel.store.Database;
import dev.keel.store.TestDatabases;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keel's tables are standard Iceberg: a separate, plain {@link JdbcCatalog} on the same database
 * (what Spark's Iceberg runtime is configured with) finds them, and Iceberg's own Parquet reader
 * reads the DuckDB-written files by field id, for the latest and an older snapshot.
 */
class IcebergInteropTest {
  @TempDir Path dir;

  @Test
  void a_plain_jdbc_catalog_reads_keel_tables_with_icebergs_reader() throws Exception {
    try (Database db = TestDatabases.sqlite(dir)) {
      Clock clock = Clock.systemUTC();
      CatalogService catalog = new CatalogService(new JdbcCatalogStore(db), clock);
      try (TableService tables = new TableService(db, catalog, dir, clock)) {
        tables.create(
            new TableSpec(
                "main",
                "default",
                "events",
                List.of(
                    Column.of("id", ColumnType.LONG),
                    Column.of("at", ColumnType.TIMESTAMP),
                    Column.of("v", ColumnType.decimal(9, 3))),
                List.of("id"),
                Optional.of("at"),
                true,
                Optional.empty(),
                Map.of()));
        WriteResult first =
            tables.write(
                "main.default.events",
                WriteMode.APPEND,
                List.of(
                    Map.of("id", 1, "at", "2024-05-01T10:00:00Z", "v", "1.5"),
                    Map.of("id", 2, "at", "2024-05-01T11:00:00Z", "v", "2.25")));
        tables.write(
            "main.default.events",
            WriteMode.UPSERT,
            List.of(Map.of("id", 2, "at", "2024-05-02T00:00:00Z", "v", "7")));

        JdbcCatalog plain = new JdbcCatalog();
        plain.setConf(new Configuration());
        plain.initialize(
            "keel",
            Map.of(
                "uri", db.jdbcUrl(),
                "warehouse", dir.resolve("warehouse").toString(),
                "jdbc.schema-version", "V1"));
        try {
          assertThat(plain.listTables(Namespace.of("main", "default")))
              .containsExactly(TableIdentifier.of("main", "default", "events"));
          Table t = plain.loadTable(TableIdentifier.of("main", "default", "events"));
          assertThat(t.schema().identifierFieldNames()).containsExactly("id");
          List<String> latest = read(IcebergGenerics.read(t).build());
          assertThat(latest)
              .containsExactlyInAnyOrder("1|2024-05-01T10:00Z|1.500", "2|2024-05-02T00:00Z|7.000");
          List<String> old = read(IcebergGenerics.read(t).useSnapshot(first.snapshotId()).build());
          assertThat(old)
              .containsExactlyInAnyOrder("1|2024-05-01T10:00Z|1.500", "2|2024-05-01T11:00Z|2.250");
          try (CloseableIterable<Record> rs = IcebergGenerics.read(t).build()) {
            for (Record r : rs) {
              assertThat(((OffsetDateTime) r.getField("_ingested_at")).toInstant())
                  .isBefore(Instant.now().plusSeconds(1));
            }
          }
        } finally {
          plain.close();
        }
      }
    }
  }

  private static List<String> read(CloseableIterable<Record> records) throws Exception {
    List<String> out = new ArrayList<>();
    try (records) {
      for (Record r : records) {
        OffsetDateTime at =
            ((OffsetDateTime) r.getField("at")).withOffsetSameInstant(ZoneOffset.UTC);
        out.add(r.getField("id") + "|" + at + "|" + r.getField("v"));
      }
    }
    return out;
  }
}
