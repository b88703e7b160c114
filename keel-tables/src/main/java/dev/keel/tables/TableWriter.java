package dev.keel.tables;

import static dev.keel.tables.DuckDb.ident;
import static dev.keel.tables.DuckDb.literal;
import static dev.keel.tables.IcebergTables.INGESTED_AT;
import static dev.keel.tables.WriteSql.affected;
import static dev.keel.tables.WriteSql.checkKeys;
import static dev.keel.tables.WriteSql.copy;
import static dev.keel.tables.WriteSql.duplicateKey;
import static dev.keel.tables.WriteSql.keyJoin;
import static dev.keel.tables.WriteSql.keyRange;
import static dev.keel.tables.WriteSql.scalarLong;
import static dev.keel.tables.WriteSql.sortedBy;

import dev.keel.catalog.Names;
import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.stream.Collectors;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.OverwriteFiles;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.expressions.Expressions;

/**
 * Owns retried writes: append, overwrite and upsert, optimize, and the one retry loop ({@link
 * #retrying}) that writes, staged commits and optimize go through.
 */
final class TableWriter {
  /** Attempts of a conflicting overwrite or upsert before it is reported as a conflict. */
  static final int MAX_ATTEMPTS = 10;

  /** Snapshot-summary property of a snapshot {@link #optimize} committed. */
  static final String OPTIMIZED = "keel.optimized";

  private final IcebergTables iceberg;
  private final DuckDb duck;
  private final Clock clock;
  private final TableCommits commits;

  /**
   * Runs just before every commit of a write, staged commit or optimize (after its files are
   * written): for tests that make a concurrent writer commit there, so the commit conflicts.
   */
  private volatile Runnable beforeCommit = () -> {};

  TableWriter(IcebergTables iceberg, DuckDb duck, Clock clock, TableCommits commits) {
    this.iceberg = iceberg;
    this.duck = duck;
    this.clock = clock;
    this.commits = commits;
  }

  void beforeCommit(Runnable hook) {
    this.beforeCommit = Objects.requireNonNull(hook, "hook");
  }

  WriteResult write(String fullName, WriteMode mode, List<Map<String, Object>> rows) {
    Objects.requireNonNull(mode, "mode");
    return doWrite(fullName, mode, Loaders.rows(rows));
  }

  WriteResult writeFile(String fullName, WriteMode mode, Path file, FileFormat format) {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(format, "format");
    if (!Files.isRegularFile(file)) {
      throw Errors.invalid("file: '" + file + "' is not a readable file.");
    }
    return doWrite(fullName, mode, Loaders.file(file, format));
  }

  private WriteResult doWrite(String fullName, WriteMode mode, Loaders.Loader loader) {
    String[] p = Names.checkFullName("full_name", fullName, 3);
    Table t = iceberg.table(p);
    IcebergTables.checkUnpartitioned(t, p);
    TableMeta m = TableMeta.of(t);
    if (mode == WriteMode.UPSERT && m.primaryKeys().isEmpty()) {
      throw Errors.invalid(
          "mode: UPSERT needs a primary key, and table " + String.join(".", p) + " has none.");
    }
    try (Connection c = duck.open()) {
      return retrying(p, t, written -> writeOnce(c, t, m, mode, loader, written, null));
    } catch (SQLException e) {
      throw new KeelException(
          ErrorCode.INTERNAL_ERROR, "table write failed: " + Loaders.firstLine(e.getMessage()), e);
    }
  }

  /**
   * One attempt at a commit; files it writes go into {@code written} (removed if it fails). Every
   * attempt of a write runs on the same DuckDB connection, so a loader must be repeatable.
   */
  interface Attempt<R> {
    R run(List<Path> written) throws SQLException;
  }

  /**
   * Runs {@code attempt} until it commits, again after a concurrent commit (a ValidationException
   * or CommitFailedException), at most {@link #MAX_ATTEMPTS} times; the files of a failed attempt
   * are deleted.
   */
  <R> R retrying(String[] p, Table t, Attempt<R> attempt) throws SQLException {
    for (int n = 1; ; n++) {
      List<Path> written = new ArrayList<>();
      boolean committed = false;
      Snapshot before = t.currentSnapshot();
      try {
        R r = attempt.run(written);
        committed = true;
        Snapshot after = t.currentSnapshot();
        if (after != null && (before == null || after.snapshotId() != before.snapshotId())) {
          commits.committed(
              String.join(".", p),
              after.snapshotId(),
              java.time.Instant.ofEpochMilli(after.timestampMillis()));
        }
        return r;
      } catch (CommitStateUnknownException e) {
        committed = true; // the commit may have landed: its files must stay
        throw new KeelException(
            ErrorCode.INTERNAL_ERROR,
            "table "
                + String.join(".", p)
                + ": the metadata database did not confirm the commit; check the history before"
                + " retrying",
            e);
      } catch (ValidationException | CommitFailedException e) {
        if (n >= MAX_ATTEMPTS) {
          throw new KeelException(
              ErrorCode.CONFLICT,
              "table "
                  + String.join(".", p)
                  + " changed concurrently "
                  + MAX_ATTEMPTS
                  + " times during this write; nothing was written, retry it",
              e);
        }
        backoff(n);
        t.refresh();
      } finally {
        if (!committed) {
          written.forEach(f -> IcebergTables.deleteTree(f));
        }
      }
    }
  }

  OptimizeResult optimize(String fullName) {
    String[] p = Names.checkFullName("full_name", fullName, 3);
    Table t = iceberg.table(p);
    IcebergTables.checkUnpartitioned(t, p);
    TableMeta m = TableMeta.of(t);
    try (Connection c = duck.open()) {
      return retrying(p, t, written -> optimizeOnce(c, t, m, written));
    } catch (SQLException e) {
      throw new KeelException(
          ErrorCode.INTERNAL_ERROR,
          "optimizing " + fullName + " failed: " + Loaders.firstLine(e.getMessage()),
          e);
    }
  }

  private OptimizeResult optimizeOnce(Connection c, Table t, TableMeta m, List<Path> written)
      throws SQLException {
    t.refresh();
    org.apache.iceberg.Snapshot base = t.currentSnapshot();
    List<DataFile> old = base == null ? List.of() : SnapshotFiles.files(t, base.snapshotId());
    long rows = base == null ? 0 : SnapshotFiles.num(base.summary(), "total-records");
    boolean keyed = !m.primaryKeys().isEmpty();
    boolean marked = keyed && base != null && SnapshotFiles.uniqueKeyAt(base, m.primaryKeys());
    boolean optimized = base != null && base.summary().containsKey(OPTIMIZED);
    if (old.isEmpty() || (old.size() == 1 && (!keyed || marked || optimized))) {
      return new OptimizeResult(base == null ? -1 : base.snapshotId(), 0, 0, rows, marked);
    }
    StringBuilder union = new StringBuilder("(");
    for (int i = 0; i < old.size(); i++) {
      union
          .append(i == 0 ? "" : " UNION ALL BY NAME ")
          .append("SELECT *, ")
          .append(i)
          .append(" AS __keel_file FROM read_parquet(")
          .append(literal(IcebergTables.localPath(old.get(i).location()).toString()))
          .append(", file_row_number = true)");
    }
    String rel = union.append(")").toString();
    String cols =
        t.schema().columns().stream().map(f -> ident(f.name())).collect(Collectors.joining(", "));
    try (Statement s = c.createStatement()) {
      boolean unique = keyed && duplicateKey(s, m.primaryKeys(), rel).isEmpty();
      Path f = newDataFile(t);
      written.add(f);
      String order =
          keyed
              ? sortedBy(m.primaryKeys(), "", "__keel_file, file_row_number")
              : " ORDER BY __keel_file, file_row_number";
      copy(s, "SELECT " + cols + " FROM " + rel + order, f, t);
      DataFile added = IcebergTables.dataFile(t, f.toString());
      OverwriteFiles o = markUnique(t.newOverwrite(), unique, m).set(OPTIMIZED, "true");
      old.forEach(o::deleteFile);
      o.addFile(added);
      validate(o, base.snapshotId());
      beforeCommit.run();
      o.commit();
      return new OptimizeResult(
          t.currentSnapshot().snapshotId(), old.size(), 1, added.recordCount(), unique);
    }
  }

  /** Sleeps a random 0 to 20·attempt ms, so conflicting writers stop colliding in lock step. */
  private static void backoff(int attempt) {
    try {
      Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(20L * attempt + 1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KeelException(ErrorCode.TEMPORARILY_UNAVAILABLE, "interrupted while writing", e);
    }
  }

  WriteResult writeOnce(
      Connection c,
      Table t,
      TableMeta m,
      WriteMode mode,
      Loaders.Loader loader,
      List<Path> written,
      ExecutorService manifestPool)
      throws SQLException {
    loader.load(c, m.userColumns());
    try (Statement s = c.createStatement()) {
      long incoming = scalarLong(s, "SELECT count(*) FROM " + Loaders.INCOMING);
      if (mode == WriteMode.UPSERT) {
        checkKeys(s, m.primaryKeys());
      }
      t.refresh();
      org.apache.iceberg.Snapshot base = t.currentSnapshot();
      long baseId = base == null ? -1 : base.snapshotId();
      boolean keyUnique = keyUniqueAfter(s, m, mode, base, incoming);
      Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
      Optional<DataFile> added = Optional.empty();
      if (incoming > 0) {
        String select =
            m.userColumns().stream().map(col -> ident(col.name())).collect(Collectors.joining(", "))
                + (m.ingestionTime()
                    ? ", make_timestamptz(" + Loaders.micros(now) + ") AS " + ident(INGESTED_AT)
                    : "");
        Path f = newDataFile(t);
        written.add(f);
        copy(
            s,
            "SELECT "
                + select
                + " FROM "
                + Loaders.INCOMING
                + sortedBy(m.primaryKeys(), "", "rowid"),
            f,
            t);
        added = Optional.of(IcebergTables.dataFile(t, f.toString()));
      }
      switch (mode) {
        case APPEND -> {
          if (added.isEmpty()) {
            return new WriteResult(baseId, 0, 0);
          }
          if (keyUnique) {
            // The flag holds only if nothing was added since base: an overwrite that deletes
            // nothing commits as an append, and validating it sends a concurrent writer's race
            // back to the retry loop, which recomputes the flag.
            OverwriteFiles o = markUnique(t.newOverwrite(), true, m);
            if (manifestPool != null) {
              o.scanManifestsWith(manifestPool);
            }
            o.addFile(added.get());
            validate(o, baseId);
            beforeCommit.run();
            o.commit();
            return new WriteResult(t.currentSnapshot().snapshotId(), incoming, 0);
          }
          AppendFiles a = t.newAppend();
          if (manifestPool != null) {
            a.scanManifestsWith(manifestPool);
          }
          a.appendFile(added.get());
          beforeCommit.run();
          a.commit();
          return new WriteResult(t.currentSnapshot().snapshotId(), incoming, 0);
        }
        case OVERWRITE -> {
          OverwriteFiles o = markUnique(t.newOverwrite(), keyUnique, m);
          long deleted = 0;
          for (DataFile d : base == null ? List.<DataFile>of() : SnapshotFiles.files(t, baseId)) {
            o.deleteFile(d);
            deleted += d.recordCount();
          }
          added.ifPresent(o::addFile);
          validate(o, baseId);
          beforeCommit.run();
          o.commit();
          return new WriteResult(t.currentSnapshot().snapshotId(), incoming, deleted);
        }
        case UPSERT -> {
          OverwriteFiles o = markUnique(t.newOverwrite(), keyUnique, m);
          long deleted = 0;
          List<DataFile> candidates =
              base == null ? List.of() : SnapshotFiles.files(t, baseId, keyRange(s, m));
          for (DataFile d : affected(s, candidates, m.primaryKeys())) {
            Path rewritten = newDataFile(t);
            written.add(rewritten);
            copy(
                s,
                "SELECT f.* EXCLUDE (file_row_number) FROM read_parquet("
                    + literal(IcebergTables.localPath(d.location()).toString())
                    + ", file_row_number = true) f ANTI JOIN "
                    + Loaders.INCOMING
                    + " i ON "
                    + keyJoin(m.primaryKeys())
                    + sortedBy(m.primaryKeys(), "f.", "f.file_row_number"),
                rewritten,
                t);
            DataFile kept = IcebergTables.dataFile(t, rewritten.toString());
            o.deleteFile(d);
            deleted += d.recordCount() - kept.recordCount();
            if (kept.recordCount() > 0) {
              o.addFile(kept);
            } else {
              IcebergTables.deleteTree(rewritten);
            }
          }
          added.ifPresent(o::addFile);
          validate(o, baseId);
          beforeCommit.run();
          o.commit();
          return new WriteResult(t.currentSnapshot().snapshotId(), incoming, deleted);
        }
      }
      throw new IllegalStateException("unreachable");
    }
  }

  private static void validate(OverwriteFiles o, long baseId) {
    if (baseId >= 0) {
      o.validateFromSnapshot(baseId);
    }
    o.conflictDetectionFilter(Expressions.alwaysTrue());
    o.validateNoConflictingData();
    o.validateNoConflictingDeletes();
  }

  /**
   * Whether no two rows of the snapshot this write commits share the primary key, as far as Keel
   * can tell without reading the table: an overwrite whose rows have distinct keys, an upsert into
   * a table whose key was unique (its own keys are checked, and it replaces every row with one of
   * them), an append of distinct keys to an empty table. Anything else (an append to rows already
   * there, a table without a key) leaves the snapshot without the {@link SnapshotFiles#UNIQUE_KEY}
   * mark.
   */
  private static boolean keyUniqueAfter(
      Statement s, TableMeta m, WriteMode mode, org.apache.iceberg.Snapshot base, long incoming)
      throws SQLException {
    if (m.primaryKeys().isEmpty()) {
      return false;
    }
    boolean baseEmpty = base == null || SnapshotFiles.num(base.summary(), "total-records") == 0;
    return switch (mode) {
      case UPSERT -> baseEmpty || SnapshotFiles.uniqueKeyAt(base, m.primaryKeys());
      case OVERWRITE -> incoming == 0 || duplicateKey(s, m.primaryKeys()).isEmpty();
      case APPEND -> baseEmpty && duplicateKey(s, m.primaryKeys()).isEmpty();
    };
  }

  private static OverwriteFiles markUnique(OverwriteFiles o, boolean keyUnique, TableMeta m) {
    return keyUnique ? o.set(SnapshotFiles.UNIQUE_KEY, String.join(",", m.primaryKeys())) : o;
  }

  /** A new data file's path in {@code t}'s {@code data/} folder (the folder is created). */
  static Path newDataFile(Table t) {
    Path dir = IcebergTables.localPath(t.location()).resolve("data");
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new KeelException(
          ErrorCode.INTERNAL_ERROR, "cannot create " + dir + ": " + e.getMessage(), e);
    }
    return dir.resolve(UUID.randomUUID() + ".parquet");
  }
}
