package dev.keel.monitoring.engine;

import dev.keel.tables.Column;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Reads a refresh's profiled columns from {@code __ex} one after another on a thread of its own, at
 * most {@value #AHEAD} columns ahead of the consumer: DuckDB's scan and the JDBC fetch of the next
 * column overlap the Java statistics of this one, and at most two columns' values are held at once.
 * The connection is the reader's until {@link #close}, which waits for a running query.
 */
final class ColumnReader implements AutoCloseable {
  static final int AHEAD = 2;

  private final ExecutorService thread =
      Executors.newSingleThreadExecutor(
          r -> Thread.ofPlatform().daemon().name("keel-monitor-reader").unstarted(r));
  private final Semaphore ahead = new Semaphore(AHEAD);
  private final List<Future<ColumnMetrics.Fetched>> columns = new ArrayList<>();

  /**
   * Starts reading.
   *
   * @param rows rows per group id
   */
  ColumnReader(Connection c, List<Column> cols, long[] rows) {
    for (int i = 0; i < cols.size(); i++) {
      Column col = cols.get(i);
      columns.add(
          thread.submit(
              () -> {
                ahead.acquire();
                return ColumnMetrics.fetch(c, col, ColumnMetrics.kind(col.type()), rows);
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
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(cause);
    }
  }

  /** The consumer is done with a column: the reader may read one more. */
  void done() {
    ahead.release();
  }

  /** Stops reading (a waiting read is abandoned) and waits until the connection is free. */
  @Override
  public void close() {
    thread.shutdownNow();
    boolean interrupted = false;
    while (true) {
      try {
        if (thread.awaitTermination(1, TimeUnit.MINUTES)) {
          break;
        }
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
