package dev.keel.jobs.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.jobs.spi.TaskResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** Cancel stops the whole process tree: SIGTERM, then SIGKILL after the grace period. */
@DisabledOnOs(OS.WINDOWS)
class ProcessTreeCancelTest {
  @TempDir Path dir;
  TestTaskContext ctx;
  SparkPythonTaskType type;

  @BeforeEach
  void setUp() throws IOException {
    ctx = new TestTaskContext(dir);
    ctx.gracePeriod = Duration.ofSeconds(1);
    type = new SparkPythonTaskType(SparkPythonTaskTypeTest.config(dir, Optional.empty()));
    // The parent forks a child that ignores SIGTERM; each writes its pid, then both sleep.
    Files.writeString(
        dir.resolve("tree.py"),
        String.join(
            "\n",
            "import os, signal, sys, time",
            "def mark(name):",
            "    tmp = os.path.join(sys.argv[1], name + '.tmp')",
            "    with open(tmp, 'w') as f:",
            "        f.write(str(os.getpid()))",
            "    os.rename(tmp, os.path.join(sys.argv[1], name))",
            "if os.fork() == 0:",
            "    signal.signal(signal.SIGTERM, signal.SIG_IGN)",
            "    mark('child')",
            "else:",
            "    mark('parent')",
            "print('started', flush=True)",
            "while True:",
            "    time.sleep(0.1)",
            ""));
    ctx.payload.put("python_file", "tree.py");
    ctx.payload.put("parameters", List.of(dir.toString()));
  }

  private long pid(String name) throws Exception {
    Path p = dir.resolve(name);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Files.exists(p)) {
      assertThat(System.nanoTime()).as(name + " pid file").isLessThan(deadline);
      Thread.sleep(20);
    }
    return Long.parseLong(Files.readString(p).strip());
  }

  private static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  @Test
  void cancel_stops_the_process_and_a_child_that_ignores_sigterm() throws Exception {
    CompletableFuture<TaskResult> run = new CompletableFuture<>();
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                run.complete(type.run(ctx));
              } catch (Throwable t) {
                run.completeExceptionally(t);
              }
            });
    long parent = pid("parent");
    long child = pid("child");
    assertThat(alive(parent)).isTrue();
    assertThat(alive(child)).isTrue();

    long t0 = System.nanoTime();
    ctx.cancel();
    TaskResult result = run.get(20, TimeUnit.SECONDS);
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    System.out.println("cancel to return with a 1 s grace period: " + millis + " ms");

    assertThat(result.succeeded()).isFalse();
    assertThat(result.error()).isEqualTo("python3 was cancelled");
    assertThat(alive(parent)).as("parent").isFalse();
    assertThat(alive(child)).as("child ignoring SIGTERM").isFalse();
    // The child outlived SIGTERM, so the stop waited the grace period, then SIGKILL ended it.
    assertThat(millis).isBetween(1_000L, 10_000L);
    assertThat(Files.readString(ctx.logFile))
        .contains("started", "keel: cancelled; stopped python3 and its child processes");
  }

  @Test
  void an_interrupted_attempt_stops_the_tree_and_rethrows() throws Exception {
    CompletableFuture<Throwable> outcome = new CompletableFuture<>();
    Thread runner =
        Thread.ofPlatform()
            .start(
                () -> {
                  try {
                    type.run(ctx);
                    outcome.complete(null);
                  } catch (Throwable t) {
                    outcome.complete(t);
                  }
                });
    long parent = pid("parent");
    long child = pid("child");

    runner.interrupt();

    assertThat(outcome.get(20, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
    assertThat(alive(parent)).isFalse();
    assertThat(alive(child)).isFalse();
  }

  @Test
  void an_attempt_cancelled_before_it_starts_starts_nothing() throws Exception {
    ctx.cancel();
    TaskResult result = type.run(ctx);
    assertThat(result.error()).isEqualTo("python3 was not started: the run was cancelled");
    assertThat(dir.resolve("parent")).doesNotExist();
  }
}
