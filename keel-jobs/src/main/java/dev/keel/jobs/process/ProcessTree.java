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
  private static final long KILL_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);

  private ProcessTree() {}

  /**
   * Stops {@code root}'s tree and returns once every process of it is gone (or, for a process that
   * even SIGKILL does not end at once, after a few more seconds).
   */
  static void stop(ProcessHandle root, Duration grace) {
    Set<ProcessHandle> tree = new LinkedHashSet<>();
    tree.add(root);
    grow(tree);
    tree.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + grace.toNanos();
    while (System.nanoTime() < deadline && anyAlive(tree)) {
      Set<ProcessHandle> before = Set.copyOf(tree);
      grow(tree);
      tree.stream().filter(h -> !before.contains(h)).forEach(ProcessHandle::destroy);
      sleep();
    }
    grow(tree);
    tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    // SIGKILL takes effect at once; a process in uninterruptible sleep may take longer.
    long killDeadline = System.nanoTime() + KILL_WAIT_NANOS;
    while (System.nanoTime() < killDeadline && anyAlive(tree)) {
      sleep();
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

  private static void sleep() {
    try {
      Thread.sleep(POLL_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
