package dev.keel.jobs.process;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Stops a process and every process it started: SIGTERM to all of them, then SIGKILL to those still
 * alive after the grace period. The tree is read before the first signal, so a child whose parent
 * dies first (and is re-parented to init) is still stopped; children started during the grace
 * period are found and signalled too. A process that detached itself before the stop (a
 * double-forked daemon) is no longer a descendant and is not found.
 */
final class ProcessTree {
  private static final long POLL_MILLIS = 20;
  private static final int GROW_EVERY = 5;
  private static final long KILL_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);

  private ProcessTree() {}

  /**
   * Stops {@code root}'s tree and returns once every process of it is gone (or, for a process that
   * even SIGKILL does not end at once, after a few more seconds).
   */
  static void stop(ProcessHandle root, Duration grace) {
    boolean interrupted = false;
    Set<ProcessHandle> tree = new LinkedHashSet<>();
    tree.add(root);
    grow(tree);
    tree.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + grace.toNanos();
    for (int i = 1; System.nanoTime() < deadline && anyAlive(tree); i++) {
      if (i % GROW_EVERY == 0) {
        // Reading the tree scans every process of the machine: not at every poll.
        Set<ProcessHandle> before = Set.copyOf(tree);
        grow(tree);
        tree.stream().filter(h -> !before.contains(h)).forEach(ProcessHandle::destroy);
      }
      interrupted |= pause();
    }
    grow(tree);
    tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    // SIGKILL takes effect at once; a process in uninterruptible sleep may take longer.
    long killDeadline = System.nanoTime() + KILL_WAIT_NANOS;
    while (System.nanoTime() < killDeadline && anyAlive(tree)) {
      interrupted |= pause();
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Adds the live descendants of the live members. */
  private static void grow(Set<ProcessHandle> tree) {
    for (ProcessHandle h : Set.copyOf(tree)) {
      if (h.isAlive()) {
        h.descendants().forEach(tree::add);
      }
    }
  }

  private static boolean anyAlive(Set<ProcessHandle> tree) {
    return tree.stream().anyMatch(ProcessHandle::isAlive);
  }

  /**
   * Waits one poll interval, also when interrupted (the stop finishes first; the caller gets the
   * interrupt back).
   *
   * @return whether the thread was interrupted
   */
  private static boolean pause() {
    try {
      Thread.sleep(POLL_MILLIS);
      return false;
    } catch (InterruptedException e) {
      return true;
    }
  }
}
