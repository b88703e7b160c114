package dev.keel.monitoring.engine;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/** Runs independent per-group work on a fixed number of threads. */
final class Parallel implements AutoCloseable {
  private final ForkJoinPool pool;

  Parallel(int threads) {
    this.pool = new ForkJoinPool(Math.max(1, threads));
  }

  /** Runs {@code body} for 0 … n−1, in parallel, and waits; rethrows the first failure. */
  void forEach(int n, IntConsumer body) {
    try {
      pool.submit(() -> IntStream.range(0, n).parallel().forEach(body)).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      throw unchecked(e.getCause());
    }
  }

  /**
   * A failed task's cause to rethrow: itself if unchecked (an Error is thrown here), else wrapped.
   */
  static RuntimeException unchecked(Throwable cause) {
    if (cause instanceof RuntimeException r) {
      return r;
    }
    if (cause instanceof Error err) {
      throw err;
    }
    return new IllegalStateException(cause);
  }

  @Override
  public void close() {
    pool.shutdown();
  }
}
