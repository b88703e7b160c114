package dev.keel.tables;

import static dev.keel.tables.DuckDb.ident;
import static dev.keel.tables.DuckDb.literal;

import dev.keel.catalog.Names;
import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.OverwriteFiles;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.Table;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;

/**
 * Owns append-only log tables: tables partitioned by day on a DATE column, written by one
 * server-side writer that resumes from a position it keeps in the snapshot summaries (a cursor), so
 * a batch of rows and the position after it commit together, exactly once. Used for {@code
 * system.access.audit}; a log table refuses ordinary writes ({@link
 * IcebergTables#checkUnpartitioned}).
 *
 * <p>A commit is conditional: it goes through only when the table's cursor is still the one the
 * writer read. Iceberg re-reads the table when it commits, so the check alone would let a commit
 * land on top of another writer's made since; the rows are therefore added as an overwrite
 * validated against the checked snapshot (any data file added since fails it), and the table
 * commits without Iceberg's silent retries (set at creation): a concurrent commit makes this one
 * fail ({@code CONFLICT}) rather than be re-applied on top of it, so two writers never both append
 * the same rows.
 */
final class LogTables {
  private final IcebergTables iceberg;
  private final DuckDb duck;

  LogTables(IcebergTables iceberg, DuckDb duck) {
    this.iceberg = iceberg;
    this.duck = duck;
  }

  /**
   * The value of {@code key} in the newest snapshot summary that has it (walking back from the
   * current snapshot through its ancestors); empty when none has it.
   */
  Optional<String> cursor(String fullName, String key) {
    String[] p = Names.checkFullName("full_name", fullName, 3);
    Table t = iceberg.table(p);
    t.refresh();
    return cursor(t, key);
  }

  private static Optional<String> cursor(Table t, String key) {
    org.apache.iceberg.Snapshot s = t.currentSnapshot();
    while (s != null) {
      String v = s.summary().get(key);
      if (v != null) {
        return Optional.of(v);
      }
      s = s.parentId() == null ? null : t.snapshot(s.parentId());
    }
    return Optional.empty();
  }

  /**
   * Appends {@code rows} (one data file per day) and sets {@code key} to {@code next} in the same
   * commit, when the table's cursor is still {@code expected}.
   *
   * @throws KeelException CONFLICT when the cursor moved (another writer committed): nothing was
   *     written; INVALID_ARGUMENT naming a column whose value is wrong
   */
  WriteResult append(
      String fullName,
      List<Map<String, Object>> rows,
      String key,
      Optional<String> expected,
      String next) {
    Objects.requireNonNull(next, "next");
    String[] p = Names.checkFullName("full_name", fullName, 3);
    Table t = iceberg.table(p);
    String day = dayColumn(t, p);
    TableMeta m = TableMeta.of(t);
    List<Path> written = new ArrayList<>();
    boolean committed = false;
    try (Connection c = duck.open(1)) {
      Loaders.rows(rows).load(c, m.userColumns());
      t.refresh();
      checkCursor(t, p, key, expected);
      // An append re-reads the table when it commits and would land on top of a commit made since
      // the check (another writer's rows: twice in the table). Appended as an overwrite that
      // deletes nothing, validated to fail when any data file was added after the checked snapshot.
      OverwriteFiles a =
          t.newOverwrite()
              .conflictDetectionFilter(Expressions.alwaysTrue())
              .validateNoConflictingData()
              .set(key, next);
      if (t.currentSnapshot() != null) {
        a.validateFromSnapshot(t.currentSnapshot().snapshotId());
      }
      try (Statement s = c.createStatement()) {
        for (String d : days(s, day)) {
          Path f = TableWriter.newDataFile(t);
          written.add(f);
          String cols =
              m.userColumns().stream()
                  .map(col -> ident(col.name()))
                  .collect(Collectors.joining(", "));
          WriteSql.copy(
              s,
              "SELECT "
                  + cols
                  + " FROM "
                  + Loaders.INCOMING
                  + " WHERE "
                  + ident(day)
                  + " = DATE "
                  + literal(d)
                  + " ORDER BY rowid",
              f,
              t);
          a.addFile(IcebergTables.dataFile(t, f.toString(), day + "=" + d));
        }
      }
      a.commit();
      committed = true;
      return new WriteResult(t.currentSnapshot().snapshotId(), rows.size(), 0);
    } catch (CommitFailedException | ValidationException e) {
      throw conflict(p, e);
    } catch (CommitStateUnknownException e) {
      committed = true; // the commit may have landed: its files must stay
      throw new KeelException(
          ErrorCode.INTERNAL_ERROR,
          "table "
              + String.join(".", p)
              + ": the metadata database did not confirm the commit; the cursor tells",
          e);
    } catch (SQLException e) {
      throw new KeelException(
          ErrorCode.INTERNAL_ERROR, "log write failed: " + Loaders.firstLine(e.getMessage()), e);
    } finally {
      if (!committed) {
        written.forEach(IcebergTables::deleteTree);
      }
    }
  }

  /**
   * Deletes the days before {@code firstKept} (whole partitions: their files leave the table),
   * keeping {@code key} at its value; returns the rows deleted (0 when there was nothing to delete,
   * and then nothing is committed).
   *
   * @throws KeelException CONFLICT, nothing deleted, when a writer appended meanwhile (try later)
   */
  long deleteBefore(String fullName, LocalDate firstKept, String key) {
    String[] p = Names.checkFullName("full_name", fullName, 3);
    Table t = iceberg.table(p);
    String day = dayColumn(t, p);
    t.refresh();
    if (t.currentSnapshot() == null) {
      return 0;
    }
    var old = Expressions.lessThan(day, firstKept.toString());
    long rows = 0;
    try (CloseableIterable<FileScanTask> files = t.newScan().filter(old).planFiles()) {
      for (FileScanTask f : files) {
        rows += f.file().recordCount();
      }
    } catch (IOException e) {
      throw new KeelException(ErrorCode.INTERNAL_ERROR, "cannot plan " + fullName, e);
    }
    if (rows == 0) {
      return 0;
    }
    // Validated as the append is: a delete re-reads the table at commit, and would otherwise set
    // the cursor it read on top of an append made since (moving it back: rows exported twice).
    OverwriteFiles d =
        t.newOverwrite()
            .overwriteByRowFilter(old)
            .conflictDetectionFilter(Expressions.alwaysTrue())
            .validateNoConflictingData()
            .validateFromSnapshot(t.currentSnapshot().snapshotId());
    cursor(t, key).ifPresent(v -> d.set(key, v));
    try {
      d.commit();
    } catch (CommitFailedException | ValidationException e) {
      throw conflict(p, e);
    }
    return rows;
  }

  private static void checkCursor(Table t, String[] p, String key, Optional<String> expected) {
    Optional<String> now = cursor(t, key);
    if (!now.equals(expected)) {
      throw new KeelException(
          ErrorCode.CONFLICT,
          "table "
              + String.join(".", p)
              + ": "
              + key
              + " is "
              + now.orElse("unset")
              + ", not "
              + expected.orElse("unset")
              + " (another writer committed)");
    }
  }

  private static KeelException conflict(String[] p, RuntimeException e) {
    return new KeelException(
        ErrorCode.CONFLICT,
        "table " + String.join(".", p) + " changed concurrently; nothing was written",
        e);
  }

  /** The DATE column a log table is partitioned by; INVALID_ARGUMENT for any other table. */
  private static String dayColumn(Table t, String[] p) {
    List<PartitionField> fields = t.spec().fields();
    if (fields.size() != 1 || !fields.get(0).transform().isIdentity()) {
      throw Errors.invalid("Table " + String.join(".", p) + " is not a log table.");
    }
    return t.schema().findColumnName(fields.get(0).sourceId());
  }

  /** The distinct days of the incoming rows, as {@code yyyy-MM-dd}; a null day is refused. */
  private static List<String> days(Statement s, String day) throws SQLException {
    List<String> out = new ArrayList<>();
    try (ResultSet rs =
        s.executeQuery(
            "SELECT DISTINCT CAST("
                + ident(day)
                + " AS VARCHAR) FROM "
                + Loaders.INCOMING
                + " ORDER BY 1 NULLS FIRST")) {
      while (rs.next()) {
        String d = rs.getString(1);
        if (d == null) {
          throw Errors.invalid("'" + day + "' must be set on every row of a log table.");
        }
        out.add(d);
      }
    }
    return out;
  }
}
