package dev.keel.monitoring.engine;

import dev.keel.monitoring.Granularity;
import dev.keel.monitoring.ProfileType;
import dev.keel.tables.Column;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Decides what an incremental refresh recomputes: per granularity, the windows holding rows of
 * input files added since the previous refresh, the windows of predictions whose labels arrived in
 * label files added since, and the window right after each (its consecutive drift compares with a
 * changed window). Anything else (no previous refresh, another monitor version, a removed file,
 * another baseline snapshot, a snapshot monitor) means a full recompute.
 */
final class Incremental {
  private Incremental() {}

  /**
   * The windows to recompute per granularity index, or empty for a full recompute.
   *
   * @param c a connection with {@code __input} created
   */
  static Optional<List<Set<Long>>> plan(Connection c, RefreshInput in) throws SQLException {
    if (in.previous().isEmpty() || in.spec().profile() instanceof ProfileType.Snapshot) {
      return Optional.empty();
    }
    RefreshInput.Previous prev = in.previous().get();
    long baselineNow = in.baseline().map(TableData::snapshotId).orElse(0L);
    if (prev.monitorVersion() != in.monitorVersion() || prev.baselineSnapshotId() != baselineNow) {
      return Optional.empty();
    }
    Set<Path> nowFiles = new HashSet<>(in.input().dataFiles());
    if (!nowFiles.containsAll(prev.input().dataFiles())) {
      return Optional.empty();
    }
    List<Path> newLabelFiles = List.of();
    Optional<String> labelCol = Grouping.joinedLabelCol(in.spec());
    if (labelCol.isPresent()) {
      if (in.labels().isPresent() != prev.labels().isPresent()) {
        return Optional.empty();
      }
      if (in.labels().isPresent()) {
        Set<Path> labelNow = new HashSet<>(in.labels().get().dataFiles());
        if (!labelNow.containsAll(prev.labels().get().dataFiles())) {
          return Optional.empty();
        }
        Set<Path> old = new HashSet<>(prev.labels().get().dataFiles());
        newLabelFiles = new ArrayList<>();
        for (Path p : in.labels().get().dataFiles()) {
          if (!old.contains(p)) {
            newLabelFiles.add(p);
          }
        }
      }
    }
    Set<Path> oldInput = new HashSet<>(prev.input().dataFiles());
    List<Path> newInput = new ArrayList<>();
    for (Path p : in.input().dataFiles()) {
      if (!oldInput.contains(p)) {
        newInput.add(p);
      }
    }
    List<Granularity> grans = Grouping.granularities(in.spec().profile());
    String ts = Grouping.timestampCol(in.spec().profile()).orElseThrow();
    Column tsCol =
        in.input().columns().stream().filter(x -> x.name().equals(ts)).findFirst().orElseThrow();
    List<Set<Long>> out = new ArrayList<>();
    try (Statement s = c.createStatement()) {
      for (Granularity g : grans) {
        Set<Long> changed = new LinkedHashSet<>();
        String w = Sql.windowStartMicros(g, Sql.ident(ts));
        if (!newInput.isEmpty()) {
          collect(
              s,
              "SELECT DISTINCT "
                  + w
                  + " FROM "
                  + Sql.parquet(List.of(tsCol), newInput, false)
                  + " WHERE "
                  + Sql.ident(ts)
                  + " IS NOT NULL",
              changed);
        }
        if (!newLabelFiles.isEmpty()) {
          String key = Sql.ident(in.spec().labels().get().keyCol());
          Column keyCol =
              in.labels().get().columns().stream()
                  .filter(x -> x.name().equals(in.spec().labels().get().keyCol()))
                  .findFirst()
                  .orElseThrow();
          collect(
              s,
              "SELECT DISTINCT "
                  + w
                  + " FROM __input WHERE "
                  + Sql.ident(ts)
                  + " IS NOT NULL AND "
                  + key
                  + " IN (SELECT "
                  + key
                  + " FROM "
                  + Sql.parquet(List.of(keyCol), newLabelFiles, false)
                  + ")",
              changed);
        }
        Set<Long> recompute = new LinkedHashSet<>(changed);
        for (long start : changed) {
          recompute.add(nextStart(g, start));
        }
        out.add(recompute);
      }
    }
    return Optional.of(out);
  }

  private static void collect(Statement s, String sql, Set<Long> into) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        into.add(rs.getLong(1));
      }
    }
  }

  static Instant instant(long micros) {
    return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
  }

  static long micros(Instant t) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, t);
  }

  static long nextStart(Granularity g, long startMicros) {
    return micros(g.windowEnd(instant(startMicros)));
  }

  static long previousStart(Granularity g, long startMicros) {
    return micros(g.windowStart(instant(startMicros).minus(1, ChronoUnit.MICROS)));
  }
}
