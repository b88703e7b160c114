package dev.keel.serving.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class BackgroundPriorityTest {
  @Test
  void lowersOnlyTheCallingThread() throws Exception {
    assumeTrue(Files.isSymbolicLink(Path.of("/proc/thread-self")), "Linux only");
    assumeTrue(
        java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
            .filter(d -> !d.isEmpty())
            .filter(d -> Files.isExecutable(Path.of(d, "renice")))
            .anyMatch(d -> Files.isExecutable(Path.of(d, "chrt"))),
        "no renice and chrt on PATH");
    int before = BackgroundPriority.currentNice();
    int policyBefore = BackgroundPriority.currentPolicy();
    assumeTrue(before < BackgroundPriority.NICE, "this test already runs at nice " + before);
    AtomicInteger lowered = new AtomicInteger(Integer.MIN_VALUE);
    AtomicInteger policy = new AtomicInteger(Integer.MIN_VALUE);
    Thread t =
        Thread.ofPlatform()
            .start(
                () -> {
                  assertTrue(BackgroundPriority.lowerCurrentThread(), "renice failed");
                  lowered.set(BackgroundPriority.currentNice());
                  policy.set(BackgroundPriority.currentPolicy());
                });
    t.join();
    assertEquals(BackgroundPriority.NICE, lowered.get());
    assertEquals(BackgroundPriority.SCHED_IDLE, policy.get());
    assertEquals(before, BackgroundPriority.currentNice(), "the caller's priority changed");
    assertEquals(policyBefore, BackgroundPriority.currentPolicy(), "the caller's policy changed");
  }

  /** What the inference logger does at close: a lowered writer gets its priority back. */
  @Test
  void a_lowered_thread_is_restored_by_another_thread_where_the_process_may() throws Exception {
    assumeTrue(Files.isSymbolicLink(Path.of("/proc/thread-self")), "Linux only");
    CountDownLatch lowered = new CountDownLatch(1);
    CountDownLatch restored = new CountDownLatch(1);
    AtomicReference<String> tid = new AtomicReference<>();
    AtomicInteger policy = new AtomicInteger(Integer.MIN_VALUE);
    AtomicInteger nice = new AtomicInteger(Integer.MIN_VALUE);
    Thread t =
        Thread.ofPlatform()
            .start(
                () -> {
                  tid.set(BackgroundPriority.currentThreadId());
                  BackgroundPriority.lowerCurrentThread();
                  lowered.countDown();
                  try {
                    restored.await();
                  } catch (InterruptedException e) {
                    return;
                  }
                  policy.set(BackgroundPriority.currentPolicy());
                  nice.set(BackgroundPriority.currentNice());
                });
    lowered.await();
    boolean ok = BackgroundPriority.restore(tid.get());
    restored.countDown();
    t.join();
    assumeTrue(ok, "this process may not raise a thread's priority (not root)");
    assertEquals(0, policy.get(), "policy after restore");
    assertEquals(BackgroundPriority.currentNice(), nice.get(), "nice after restore: the caller's");
  }
}
