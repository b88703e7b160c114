package dev.keel.features.training;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * Test fixtures: feature tables written as Parquet with DuckDB, and the reference implementation of
 * the point-in-time rule (nested loops, obviously correct) the engine is checked against.
 */
final class Pit {
  private Pit() {}

  /**
   * A feature table in Java. Row layout: entity keys (BIGINT), then the timeseries key and the
   * ingestion time if the table has them (Instant or null), then the features (Double or null).
   */
  record Table(
      String name,
      List<String> keys,
      String ts,
      String ing,
      List<String> features,
      List<Object[]> rows,
      int files,
      long snapshot) {
    int tsIndex() {
      return keys.size();
    }

    int ingIndex() {
      return keys.size() + (ts == null ? 0 : 1);
    }

    int featureIndex(String f) {
      return keys.size() + (ts == null ? 0 : 1) + (ing == null ? 0 : 1) + features.indexOf(f);
    }
  }

  static Instant at(long minutes) {
    return Instant.parse("2026-01-01T00:00:00Z").plusSeconds(minutes * 60);
  }

  static Connection duck() throws SQLException {
    Properties p = new Properties();
    p.setProperty("autoinstall_known_extensions", "false");
    p.setProperty("autoload_known_extensions", "false");
    return DriverManager.getConnection("jdbc:duckdb:", p);
  }

  /** Writes {@code t} as {@code t.files()} Parquet files (consecutive chunks, in row order). */
  static FeatureSource write(Path dir, Table t) throws SQLException {
    List<Path> files = new ArrayList<>();
    try (Connection c = duck();
        Statement s = c.createStatement()) {
      s.execute("SET TimeZone = 'UTC'");
      StringBuilder ddl = new StringBuilder("CREATE TABLE t (");
      List<ColumnType> types = new ArrayList<>();
      for (String k : t.keys()) {
        ddl.append(Sql.id(k)).append(" BIGINT, ");
        types.add(ColumnType.BIGINT);
      }
      if (t.ts() != null) {
        ddl.append(Sql.id(t.ts())).append(" TIMESTAMPTZ, ");
        types.add(ColumnType.TIMESTAMPTZ);
      }
      if (t.ing() != null) {
        ddl.append(Sql.id(t.ing())).append(" TIMESTAMPTZ, ");
        types.add(ColumnType.TIMESTAMPTZ);
      }
      for (String f : t.features()) {
        ddl.append(Sql.id(f)).append(" DOUBLE, ");
        types.add(ColumnType.DOUBLE);
      }
      s.execute(ddl.substring(0, ddl.length() - 2) + ")");
      int per = Math.max(1, (t.rows().size() + t.files() - 1) / t.files());
      for (int f = 0; f < t.files(); f++) {
        s.execute("DELETE FROM t");
        try (DuckDBAppender app = c.unwrap(DuckDBConnection.class).createAppender("main", "t")) {
          for (int i = f * per; i < Math.min(t.rows().size(), (f + 1) * per); i++) {
            Object[] row = t.rows().get(i);
            app.beginRow();
            for (int j = 0; j < row.length; j++) {
              Planner.append(app, types.get(j), row[j]);
            }
            app.endRow();
          }
        }
        Path file = dir.resolve(t.name() + "-" + t.snapshot() + "-" + f + ".parquet");
        s.execute("COPY t TO " + Sql.string(file.toString()) + " (FORMAT parquet)");
        files.add(file);
      }
    }
    List<String> pk = new ArrayList<>(t.keys());
    if (t.ts() != null) {
      pk.add(t.ts());
    }
    // As Keel marks a table: true only if no two rows share the whole primary key (nulls equal).
    java.util.Set<List<Object>> seen = new java.util.HashSet<>();
    boolean unique = true;
    for (Object[] row : t.rows()) {
      unique &= seen.add(java.util.Arrays.asList(row).subList(0, pk.size()));
    }
    return new FeatureSource(
        t.name(),
        t.snapshot(),
        files,
        pk,
        unique,
        Optional.ofNullable(t.ts()),
        Optional.ofNullable(t.ing()));
  }

  /**
   * The expected training set (spine columns, features, indicators; no on-demand features or
   * exclusions), computed row by row with nested loops.
   */
  static List<List<Object>> reference(
      List<Spine.Column> spineCols,
      List<List<Object>> spine,
      Map<String, Table> tables,
      TrainingSetSpec spec) {
    List<String> names = spineCols.stream().map(Spine.Column::name).toList();
    List<List<Object>> out = new ArrayList<>();
    for (List<Object> srow : spine) {
      List<Object> row = new ArrayList<>(srow);
      List<Object> statuses = new ArrayList<>();
      for (FeatureLookup l : spec.lookups()) {
        Table tb = tables.get(l.table());
        List<String> feats = l.featureNames().isEmpty() ? tb.features() : l.featureNames();
        List<Object> key = l.lookupKeys().stream().map(k -> srow.get(names.indexOf(k))).toList();
        Instant t =
            l.timestampLookupKey().map(c -> (Instant) srow.get(names.indexOf(c))).orElse(null);
        boolean usable =
            key.stream().allMatch(Objects::nonNull)
                && (l.timestampLookupKey().isEmpty() || t != null);
        Object[] best = null;
        int bestIdx = -1;
        boolean anyBeforeT = false;
        for (int idx = 0; usable && idx < tb.rows().size(); idx++) {
          Object[] r = tb.rows().get(idx);
          boolean same = true;
          for (int k = 0; k < key.size(); k++) {
            same &= key.get(k).equals(r[k]);
          }
          Instant ts = tb.ts() == null ? null : (Instant) r[tb.tsIndex()];
          Instant ing = tb.ing() == null ? null : (Instant) r[tb.ingIndex()];
          if (!same || (tb.ts() != null && ts == null)) {
            continue;
          }
          if (spec.availabilityFilter() && (ing == null || ing.isAfter(t))) {
            continue;
          }
          if (t != null && ts != null && ts.isAfter(t)) {
            continue;
          }
          anyBeforeT = true;
          if (l.lookbackWindow().isPresent() && ts.isBefore(t.minus(l.lookbackWindow().get()))) {
            continue;
          }
          if (best == null || later(tb, r, idx, best, bestIdx)) {
            best = r;
            bestIdx = idx;
          }
        }
        for (String f : feats) {
          row.add(
              best != null
                  ? best[tb.featureIndex(f)]
                  : l.defaultValues().containsKey(f)
                      ? ((Number) l.defaultValues().get(f)).doubleValue()
                      : null);
        }
        statuses.add(best != null ? "PRESENT" : anyBeforeT ? "OUTSIDE_WINDOW" : "MISSING");
      }
      if (spec.indicators()) {
        row.addAll(statuses);
      }
      out.add(row);
    }
    return out;
  }

  /** Whether row {@code a} (read at {@code ai}) beats {@code b}: event, ingestion, read order. */
  private static boolean later(Table tb, Object[] a, int ai, Object[] b, int bi) {
    Comparator<Instant> nullsFirst = Comparator.nullsFirst(Comparator.naturalOrder());
    if (tb.ts() != null) {
      int c = ((Instant) a[tb.tsIndex()]).compareTo((Instant) b[tb.tsIndex()]);
      if (c != 0) {
        return c > 0;
      }
    }
    if (tb.ing() != null) {
      int c = nullsFirst.compare((Instant) a[tb.ingIndex()], (Instant) b[tb.ingIndex()]);
      if (c != 0) {
        return c > 0;
      }
    }
    return ai > bi;
  }

  static Duration minutes(long m) {
    return Duration.ofMinutes(m);
  }
}
