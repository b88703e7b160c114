package dev.keel.tables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.catalog.CatalogService;
import dev.keel.catalog.JdbcCatalogStore;
import dev.keel.core.KeelException;
import dev.keel.store.Database;
import dev.keel.store.TestDatabases;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Staged appends: rows checked when staged, appended one commit per {@code commit()}. */
class TableStageTest {
  @TempDir Path dir;

  @Test
  void staged_rows_land_in_one_commit_per_commit_call() throws Exception {
    try (Database db = TestDatabases.sqlite(dir)) {
      Clock clock = Clock.systemUTC();
      CatalogService catalog = new CatalogService(new JdbcCatalogStore(db), clock);
      try (TableService tables = new TableService(db, catalog, dir, clock)) {
        tables.create(
            new TableSpec(
                "main",
                "default",
                "log",
                List.of(Column.of("id", ColumnType.LONG), Column.of("msg", ColumnType.STRING)),
                List.of(),
                Optional.empty(),
                false,
                Optional.empty(),
                Map.of()));
        String name = "main.default.log";
        int created = tables.history(name).size();
        try (TableService.Stage stage = tables.stage(name)) {
          assertThat(stage.commit().rowsAdded()).as("nothing staged, nothing committed").isZero();
          assertThat(tables.history(name)).hasSize(created);

          stage.add(Map.of("id", 1, "msg", "a"));
          stage.add(Map.of("ID", 2, "msg", "b"));
          assertThatThrownBy(() -> stage.add(Map.of("id", "x", "msg", "c")))
              .isInstanceOf(KeelException.class)
              .hasMessageContaining("rows[2].id: expected LONG");
          assertThatThrownBy(() -> stage.add(Map.of("nope", 1)))
              .hasMessageContaining("unknown column 'nope'");
          assertThat(stage.staged()).isEqualTo(2);
          assertThat(tables.count(name, SnapshotRef.latest()))
              .as("staged rows are not in the table yet")
              .isZero();

          WriteResult first = stage.commit();
          assertThat(first.rowsAdded()).isEqualTo(2);
          assertThat(stage.staged()).isZero();

          stage.add(Map.of("id", 3, "msg", "c"));
          stage.commit();
          assertThat(tables.history(name)).hasSize(created + 2);
          assertThat(tables.count(name, SnapshotRef.latest())).isEqualTo(3);
          assertThat(tables.count(name, SnapshotRef.id(first.snapshotId()))).isEqualTo(2);
          assertThat(
                  tables.preview(name, SnapshotRef.latest(), List.of(), 10).rows().stream()
                      .map(r -> r.get(1))
                      .toList())
              .containsExactlyInAnyOrder("a", "b", "c");
        }
      }
    }
  }
}
