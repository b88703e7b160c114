package dev.keel.monitoring.engine;

import dev.keel.tables.Column;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.duckdb.DuckDBConnection;

/**
 * Reads a refresh's profiled columns from {@code __ex} in order on {@value #READERS} threads of its
 * own, each with its own connection to the refresh's database, at most {@value #AHEAD} columns
 * ahead of the consumer: DuckDB's scans and the JDBC fetches of the next columns overlap the Java
 * statistics of this one (a fetch is single-threaded Java work), and at most {@value #AHEAD}
 * columns' values are held at once. The relations it reads must not be TEMP (those are one
 * connection's); settings made with SET, such as the engine's UTC time zone, are the database's and
 * hold for the readers' connections too. {@link #close} waits for running queries before closing
 * the connections.
 */
final class ColumnReader implements AutoCloseable {
  static final int READERS = 2;
  static final int AHEAD = READERS + 1;

  private final ExecutorService threads =
      Executors.newFixedThreadPool(
          READERS, r -> Thread.ofPlatform().daemon().name("keel-monitor-reader").unstarted(r));
  private final Semaphore ahead = new Semaphore(AHEAD);
  private final List<Connection> connections = new ArrayList<>();
  private final BlockingQueue<Connection> idle = new ArrayBlockingQueue<>(READERS);
  private final List<Future<ColumnMetrics.Fetched>> columns = new ArrayList<>();

  /**
   * Starts reading.
   *
   * @param c the refresh's connection (not used by the reader; its database is)
   * @param rows rows per group id
   */
  ColumnReader(Connection c, List<Column> cols, long[] rows) throws SQLException {
    try {
      for (int i = 0; i < READERS; i++) {
        Connection d = c.unwrap(DuckDBConnection.class).duplicate();
        connections.add(d);
        idle.add(d);
      }
    } catch (SQLException | RuntimeException e) {
      close();
      throw e;
    }
    for (Column col : cols) {
      columns.add(
          threads.submit(
              () -> {
                ahead.acquire();
                Connection d = idle.take();
                try {
                  return ColumnMetrics.fetch(d, col, ColumnMetrics.kind(col.type()), rows);
                } finally {
                  idle.add(d);
                }
              }));
    }
  }

  /**
   * The values of column {@code i}, once read; call {@link #done} when they are used up.
   *
   * @throws SQLException if DuckDB failed to read them
   */
  ColumnMetrics.Fetched take(int i) throws SQLException {
    Future<ColumnMetrics.Fetched> f = columns.set(i, null);
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof SQLException sql) {
        throw sql;
      }
      throw Parallel.unchecked(cause);
    }
  }

  /** The consumer is done with a column: the reader may read one more. */
  void done() {
    ahead.release();
  }

  /**
   * Stops reading (waiting reads are abandoned), waits for running queries, closes the connections.
   */
  @Override
  public void close() {
    threads.shutdownNow();
    boolean interrupted = false;
    while (true) {
      try {
        if (threads.awaitTermination(1, TimeUnit.MINUTES)) {
          break;
        }
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    for (Connection d : connections) {
      try {
        d.close();
      } catch (SQLException e) {
        // the database closes with the refresh's connection anyway
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
