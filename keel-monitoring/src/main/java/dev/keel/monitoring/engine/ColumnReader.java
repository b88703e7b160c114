package dev.keel.monitoring.engine;

import dev.keel.tables.Column;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.duckdb.DuckDBConnection;

/**
 * Reads a refresh's profiled columns from {@code __ex} in passes, on {@value #READERS} threads of
 * its own, each with its own connection to the refresh's database. A pass reads several columns of
 * one {@link ColumnMetrics.Pass} kind in one scan (up to {@link ColumnMetrics.Pass#maxColumns}):
 * the timestamp column is decoded, and each row's group found, once per pass instead of once per
 * column. Passes are delivered in {@link #order()}: categorical columns first, then numeric, then
 * the others, each in table order. At most {@value #AHEAD} columns' values are held at once, so
 * DuckDB's scans and the JDBC fetches of the next columns overlap the Java statistics of this one
 * (a fetch is single-threaded Java work). The relations it reads must not be TEMP (those are one
 * connection's); settings made with SET, such as the engine's UTC time zone, are the database's and
 * hold for the readers' connections too. {@link #close} waits for running queries before closing
 * the connections.
 */
final class ColumnReader implements AutoCloseable {
  static final int READERS = 2;

  /** Columns held at most: read and not yet {@link #done}. */
  static final int AHEAD = 4;

  private final ExecutorService threads =
      Executors.newFixedThreadPool(
          READERS, r -> Thread.ofPlatform().daemon().name("keel-monitor-reader").unstarted(r));
  private final List<Connection> connections = new ArrayList<>();
  private final BlockingQueue<Connection> idle = new ArrayBlockingQueue<>(READERS);
  private final int[] order;
  private final int[] passOf;
  private final int[] slotOf;
  private final List<Future<List<ColumnMetrics.Fetched>>> passes = new ArrayList<>();
  private final List<List<ColumnMetrics.Fetched>> taken = new ArrayList<>();

  /** Guards {@link #free} and {@link #turn}. */
  private final Object budget = new Object();

  private int free = AHEAD;

  /** The pass allowed to reserve next: passes reserve in delivery order, so none starves. */
  private int turn;

  /**
   * Starts reading.
   *
   * @param c the refresh's connection (not used by the reader; its database is)
   * @param rows rows per group id
   */
  ColumnReader(Connection c, List<Column> cols, long[] rows) throws SQLException {
    Map<ColumnMetrics.Pass, List<Integer>> byKind = new EnumMap<>(ColumnMetrics.Pass.class);
    for (int i = 0; i < cols.size(); i++) {
      byKind
          .computeIfAbsent(
              ColumnMetrics.Pass.of(ColumnMetrics.kind(cols.get(i).type())), k -> new ArrayList<>())
          .add(i);
    }
    order = new int[cols.size()];
    passOf = new int[cols.size()];
    slotOf = new int[cols.size()];
    List<List<Integer>> plan = new ArrayList<>();
    int next = 0;
    for (Map.Entry<ColumnMetrics.Pass, List<Integer>> e : byKind.entrySet()) {
      List<Integer> idx = e.getValue();
      int max = Math.min(e.getKey().maxColumns(), AHEAD);
      for (int from = 0; from < idx.size(); from += max) {
        List<Integer> pass = idx.subList(from, Math.min(idx.size(), from + max));
        for (int s = 0; s < pass.size(); s++) {
          order[next++] = pass.get(s);
          passOf[pass.get(s)] = plan.size();
          slotOf[pass.get(s)] = s;
        }
        plan.add(pass);
      }
    }
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
    for (int p = 0; p < plan.size(); p++) {
      int pass = p;
      List<Column> pc = plan.get(p).stream().map(cols::get).toList();
      taken.add(null);
      passes.add(
          threads.submit(
              () -> {
                reserve(pass, pc.size());
                Connection d = idle.take();
                try {
                  return ColumnMetrics.fetch(d, pc, rows);
                } finally {
                  idle.add(d);
                }
              }));
    }
  }

  /** The column indexes in the order {@link #take} must be called in. */
  int[] order() {
    return order.clone();
  }

  private void reserve(int pass, int columns) throws InterruptedException {
    synchronized (budget) {
      while (turn != pass || free < columns) {
        budget.wait();
      }
      free -= columns;
      turn++;
      budget.notifyAll();
    }
  }

  /**
   * The values of column {@code i}, once read (columns are taken in {@link #order()}); call {@link
   * #done} when they are used up.
   *
   * @throws SQLException if DuckDB failed to read them
   */
  ColumnMetrics.Fetched take(int i) throws SQLException {
    int p = passOf[i];
    if (taken.get(p) == null) {
      try {
        taken.set(p, new ArrayList<>(passes.get(p).get()));
        passes.set(p, null);
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
    return taken.get(p).set(slotOf[i], null);
  }

  /** The consumer is done with a column: the reader may read one more. */
  void done() {
    synchronized (budget) {
      free++;
      budget.notifyAll();
    }
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
