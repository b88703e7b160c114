package dev.keel.jobs.engine;

import dev.keel.jobs.store.JobStore;

/** Hands out int64 ids from blocks reserved in the store (one write per block). Thread-safe. */
public final class Ids {
  private static final int BLOCK = 1000;
  private final JobStore store;
  private long next;
  private long end;

  /** Ids from {@code store}. */
  public Ids(JobStore store) {
    this.store = store;
  }

  /** A fresh id. */
  public synchronized long next() {
    if (next >= end) {
      next = store.reserveIds(BLOCK);
      end = next + BLOCK;
    }
    return next++;
  }
}
