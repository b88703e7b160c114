package dev.keel.tables;

import dev.keel.catalog.Names;
import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import org.apache.iceberg.Table;

/**
 * Owns one stage of rows for appending to a table (see {@link TableService#stage}): rows kept in a
 * one-thread embedded DuckDB, committed as one data file through {@link TableWriter#retrying}, with
 * Iceberg's manifest work on the committing thread.
 */
final class StagedAppender implements AutoCloseable {
  /**
   * Runs Iceberg's manifest work of a staged commit on the committing thread instead of Iceberg's
   * shared worker pool, so a background writer's lowered priority covers all of its commit.
   */
  private static final ExecutorService CALLER_RUNS = new CallerRunsExecutor();

  /** An executor that runs each task on the thread that submits it. */
  private static final class CallerRunsExecutor
      extends java.util.concurrent.AbstractExecutorService {
    @Override
    public void execute(Runnable task) {
      task.run();
    }

    @Override
    public void shutdown() {}

    @Override
    public List<Runnable> shutdownNow() {
      return List.of();
    }

    @Override
    public boolean isShutdown() {
      return false;
    }

    @Override
    public boolean isTerminated() {
      return false;
    }

    @Override
    public boolean awaitTermination(long timeout, java.util.concurrent.TimeUnit unit) {
      return false;
    }
  }

  private final TableWriter writer;
  private final String[] name;
  private final Table table;
  private final TableMeta meta;
  private final Connection conn;
  private RowAppender rows;
  private long staged;

  /** Opens a stage for {@code fullName}; the caller closes it. */
  static StagedAppender open(
      IcebergTables iceberg, DuckDb duck, TableWriter writer, String fullName) {
    String[] p = Names.checkFullName("full_name", fullName, 3);
    Table t = iceberg.table(p);
    IcebergTables.checkUnpartitioned(t, p);
    TableMeta m = TableMeta.of(t);
    try {
      return new StagedAppender(writer, p, t, m, duck.open(1));
    } catch (SQLException e) {
      throw new KeelException(
          ErrorCode.INTERNAL_ERROR, "cannot stage rows: " + Loaders.firstLine(e.getMessage()), e);
    }
  }

  private StagedAppender(
      TableWriter writer, String[] name, Table table, TableMeta meta, Connection conn)
      throws SQLException {
    this.writer = writer;
    this.name = name;
    this.table = table;
    this.meta = meta;
    this.conn = conn;
    try {
      this.rows = new RowAppender(conn, meta.userColumns());
    } catch (SQLException | RuntimeException e) {
      conn.close();
      throw e;
    }
  }

  /**
   * Checks, converts and stages one row (values as in {@link TableService#write}).
   *
   * @throws KeelException INVALID_PARAMETER_VALUE naming the column; nothing is staged
   */
  void add(Map<String, Object> row) {
    try {
      rows.append(staged, row);
      staged++;
    } catch (SQLException e) {
      throw new KeelException(
          ErrorCode.INTERNAL_ERROR, "cannot stage a row: " + Loaders.firstLine(e.getMessage()), e);
    }
  }

  /** Rows staged since the last commit. */
  long staged() {
    return staged;
  }

  /**
   * Appends the staged rows to the table in one commit and empties the stage, also when the commit
   * fails (the caller counts those rows as lost).
   */
  WriteResult commit() {
    try {
      rows.close();
      return writer.retrying(
          name,
          table,
          written ->
              writer.writeOnce(
                  conn, table, meta, WriteMode.APPEND, (c, cols) -> {}, written, CALLER_RUNS));
    } catch (SQLException e) {
      throw new KeelException(
          ErrorCode.INTERNAL_ERROR, "table write failed: " + Loaders.firstLine(e.getMessage()), e);
    } finally {
      staged = 0;
      try {
        rows = new RowAppender(conn, meta.userColumns()); // a new, empty incoming table
      } catch (SQLException e) {
        throw new KeelException(
            ErrorCode.INTERNAL_ERROR, "cannot stage rows: " + Loaders.firstLine(e.getMessage()), e);
      }
    }
  }

  /** Drops what is staged and releases the embedded database. */
  @Override
  public void close() {
    try {
      rows.close();
    } catch (SQLException e) {
      // closing anyway
    }
    try {
      conn.close();
    } catch (SQLException e) {
      // nothing to release
    }
  }
}
