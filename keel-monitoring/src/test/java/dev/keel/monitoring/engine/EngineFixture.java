package dev.keel.monitoring.engine;

import dev.keel.monitoring.Granularity;
import dev.keel.monitoring.LabelJoin;
import dev.keel.monitoring.MonitorSpec;
import dev.keel.monitoring.ProfileType;
import dev.keel.tables.Column;
import dev.keel.tables.ColumnType;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** Writes small Parquet tables with DuckDB and runs the engine on them. */
final class EngineFixture {
  static final Instant NOW = Instant.parse("2026-02-01T12:00:00Z");
  final Path dir;
  final DuckDbMetricsEngine engine;
  private int files;

  EngineFixture(Path dir) {
    this.dir = dir;
    this.engine = new DuckDbMetricsEngine(dir.resolve("scratch"), 2);
  }

  static Column col(String name, ColumnType t) {
    return Column.of(name, t);
  }

  /** Writes one Parquet file from a SELECT (its columns named as the table's). */
  Path file(String select) throws Exception {
    Path f = dir.resolve("data-" + (files++) + ".parquet");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement()) {
      s.execute("SET TimeZone = 'UTC'");
      s.execute("COPY (" + select + ") TO '" + f + "' (FORMAT parquet)");
    }
    return f;
  }

  static TableData table(String name, long snapshot, List<Column> cols, List<Path> files) {
    return new TableData(name, snapshot, cols, files);
  }

  static MonitorSpec timeSeries(String ts, List<String> slices, String... grans) {
    List<Granularity> gs = new ArrayList<>();
    for (String g : grans) {
      gs.add(Granularity.parse("granularities", g));
    }
    return spec(new ProfileType.TimeSeries(ts, gs), slices, Optional.empty());
  }

  static MonitorSpec spec(ProfileType p, List<String> slices, Optional<LabelJoin> labels) {
    return new MonitorSpec(
        "main.default.t",
        "main.mon",
        Optional.empty(),
        p,
        Optional.empty(),
        slices,
        List.of(),
        Optional.empty(),
        labels,
        false);
  }

  static RefreshInput input(MonitorSpec spec, TableData t, Optional<TableData> baseline) {
    return new RefreshInput(spec, 1, t, baseline, Optional.empty(), Optional.empty(), NOW);
  }

  DuckDbMetricsEngine.Computed run(RefreshInput in) {
    return engine.compute(in, () -> false);
  }

  /** The rows matching every (key, value) pair given (null matches null). */
  static List<Map<String, Object>> rows(List<Map<String, Object>> rows, Object... kv) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Map<String, Object> r : rows) {
      boolean ok = true;
      for (int i = 0; i < kv.length; i += 2) {
        Object v = r.get((String) kv[i]);
        if (kv[i].equals("window_start")) {
          @SuppressWarnings("unchecked")
          Map<String, Object> w = (Map<String, Object>) r.get("window");
          v = w.get("start");
        }
        if (!Objects.equals(v, kv[i + 1])) {
          ok = false;
          break;
        }
      }
      if (ok) {
        out.add(r);
      }
    }
    return out;
  }

  static Map<String, Object> one(List<Map<String, Object>> rows, Object... kv) {
    List<Map<String, Object>> r = rows(rows, kv);
    if (r.size() != 1) {
      throw new AssertionError("expected one row for " + List.of(kv) + ", got " + r);
    }
    return r.get(0);
  }
}
