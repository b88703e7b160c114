package dev.keel.monitoring.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.catalog.CatalogService;
import dev.keel.catalog.JdbcCatalogStore;
import dev.keel.monitoring.MonitorSpec;
import dev.keel.store.Database;
import dev.keel.store.TestDatabases;
import dev.keel.tables.SnapshotRef;
import dev.keel.tables.TableService;
import dev.keel.tables.TableSnapshot;
import dev.keel.tables.TableSpec;
import dev.keel.tables.WriteMode;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The output written as Keel tables (Iceberg, nested columns) through the table service, and an
 * incremental refresh that keeps rows read back from those tables' files.
 */
class OutputTablesRoundTripTest {
  @TempDir Path dir;
  Database db;
  TableService tables;
  final java.util.Set<String> created = new java.util.HashSet<>();

  @BeforeEach
  void setUp() {
    db = TestDatabases.sqlite(dir.resolve("db"));
    Clock clock = Clock.systemUTC();
    CatalogService catalog =
        new CatalogService(
            new JdbcCatalogStore(db, List.of(TableService.schemaContents(dir.resolve("db")))),
            clock);
    tables = new TableService(db, catalog, dir.resolve("db"), clock);
  }

  @AfterEach
  void tearDown() {
    tables.close();
    db.close();
  }

  TableData write(String name, RefreshOutput out, boolean profile) {
    String full = "main.default." + name;
    if (created.add(full)) {
      tables.create(
          TableSpec.of(
              "main", "default", name, profile ? out.profileColumns() : out.driftColumns()));
    }
    tables.write(full, WriteMode.OVERWRITE, profile ? out.profileRows() : out.driftRows());
    TableSnapshot s = tables.resolve(full, SnapshotRef.latest());
    return new TableData(full, s.snapshotId(), s.columns(), s.dataFiles());
  }

  @Test
  void output_written_as_keel_tables_is_read_back_by_an_incremental_refresh() throws Exception {
    IncrementalRefreshTest h = new IncrementalRefreshTest();
    h.dir = dir;
    h.f = new EngineFixture(dir);
    MonitorSpec spec = EngineFixture.timeSeries("ts", List.of("cat"), "1 day");
    List<Path> files = new ArrayList<>(List.of(h.day(1, 80, 1), h.day(2, 60, 2)));
    TableData base =
        EngineFixture.table("b", 5, IncrementalRefreshTest.COLS, List.of(h.baseline()));
    RefreshInput in0 =
        new RefreshInput(
            spec,
            1,
            EngineFixture.table("t", 1, IncrementalRefreshTest.COLS, files),
            Optional.of(base),
            Optional.empty(),
            Optional.empty(),
            EngineFixture.NOW);
    RefreshOutput full0 = h.f.engine.refresh(in0, () -> false);
    TableData profile = write("t_profile_metrics", full0, true);
    TableData drift = write("t_drift_metrics", full0, false);
    assertThat(tables.count("main.default.t_profile_metrics", SnapshotRef.latest()))
        .isEqualTo(full0.profileRows().size());

    files.add(h.day(3, 50, 3));
    RefreshInput in1 =
        new RefreshInput(
            spec,
            1,
            EngineFixture.table("t", 2, IncrementalRefreshTest.COLS, files),
            Optional.of(base),
            Optional.empty(),
            Optional.of(
                new RefreshInput.Previous(1, in0.input(), 5, Optional.empty(), profile, drift)),
            EngineFixture.NOW);
    RefreshOutput inc = h.f.engine.refresh(in1, () -> false);
    assertThat(inc.windowsRecomputed()).isEqualTo(1);
    assertThat(inc.windowsKept()).isEqualTo(2);
    RefreshOutput full1 =
        h.f.engine.refresh(
            new RefreshInput(
                spec,
                1,
                in1.input(),
                in1.baseline(),
                Optional.empty(),
                Optional.empty(),
                in1.now()),
            () -> false);
    List<Map<String, Object>> a = IncrementalRefreshTest.withoutVersion(inc.profileRows());
    assertThat(a)
        .containsExactlyInAnyOrderElementsOf(
            IncrementalRefreshTest.withoutVersion(full1.profileRows()));
    assertThat(inc.driftRows()).containsExactlyInAnyOrderElementsOf(full1.driftRows());
    write("t_profile_metrics", inc, true);
    write("t_drift_metrics", inc, false);
  }
}
