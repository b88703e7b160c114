package dev.keel.tables;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.catalog.CatalogService;
import dev.keel.catalog.JdbcCatalogStore;
import dev.keel.store.Database;
import dev.keel.store.TestDatabases;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A table with a primary key gets data files sorted by it (what makes point-in-time joins fast);
 * rows that tie on the whole key keep the order they were written in, also when an upsert rewrites
 * their file.
 */
class SortedDataFilesTest {
  @TempDir Path dir;

  private static List<String> fileRows(Path file) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT id, day, v FROM read_parquet('"
                    + file.toString().replace("'", "''")
                    + "')")) {
      while (r.next()) {
        out.add(r.getLong(1) + "/" + r.getInt(2) + "/" + r.getString(3));
      }
    }
    return out;
  }

  @Test
  void files_of_a_keyed_table_are_in_key_order_and_ties_keep_their_order() throws Exception {
    try (Database db = TestDatabases.sqlite(dir)) {
      Clock clock = Clock.systemUTC();
      CatalogService catalog = new CatalogService(new JdbcCatalogStore(db), clock);
      try (TableService tables = new TableService(db, catalog, dir, clock)) {
        tables.create(
            new TableSpec(
                "main",
                "default",
                "feats",
                List.of(
                    Column.of("id", ColumnType.LONG),
                    Column.of("day", ColumnType.INT),
                    Column.of("v", ColumnType.STRING)),
                List.of("id", "day"),
                Optional.empty(),
                false,
                Optional.empty(),
                Map.of()));
        String name = "main.default.feats";
        tables.write(
            name,
            WriteMode.APPEND,
            List.of(
                Map.of("id", 3, "day", 1, "v", "a"),
                Map.of("id", 1, "day", 2, "v", "b"),
                Map.of("id", 2, "day", 9, "v", "c"),
                Map.of("id", 1, "day", 1, "v", "d"),
                Map.of("id", 2, "day", 9, "v", "e"), // ties with "c" on the whole key
                Map.of("id", 1, "day", 2, "v", "f"))); // ties with "b"
        List<Path> files = tables.resolve(name, SnapshotRef.latest()).dataFiles();
        assertThat(files).hasSize(1);
        assertThat(fileRows(files.get(0)))
            .containsExactly("1/1/d", "1/2/b", "1/2/f", "2/9/c", "2/9/e", "3/1/a");

        tables.write(name, WriteMode.UPSERT, List.of(Map.of("id", 3, "day", 1, "v", "z")));
        List<List<String>> perFile = new ArrayList<>();
        for (Path f : tables.resolve(name, SnapshotRef.latest()).dataFiles()) {
          perFile.add(fileRows(f));
        }
        assertThat(perFile)
            .as(
                "the rewritten file keeps key order and the order of ties; the new row its own file")
            .containsExactlyInAnyOrder(
                List.of("1/1/d", "1/2/b", "1/2/f", "2/9/c", "2/9/e"), List.of("3/1/z"));
      }
    }
  }

  @Test
  void files_of_a_table_without_a_key_keep_the_written_order() throws Exception {
    try (Database db = TestDatabases.sqlite(dir)) {
      Clock clock = Clock.systemUTC();
      CatalogService catalog = new CatalogService(new JdbcCatalogStore(db), clock);
      try (TableService tables = new TableService(db, catalog, dir, clock)) {
        tables.create(
            TableSpec.of(
                "main",
                "default",
                "plain",
                List.of(
                    Column.of("id", ColumnType.LONG),
                    Column.of("day", ColumnType.INT),
                    Column.of("v", ColumnType.STRING))));
        String name = "main.default.plain";
        tables.write(
            name,
            WriteMode.APPEND,
            List.of(Map.of("id", 3, "day", 1, "v", "a"), Map.of("id", 1, "day", 2, "v", "b")));
        Path f = tables.resolve(name, SnapshotRef.latest()).dataFiles().get(0);
        assertThat(fileRows(f)).containsExactly("3/1/a", "1/2/b");
      }
    }
  }
}
