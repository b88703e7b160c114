package dev.keel.jobs;

import dev.keel.jobs.spi.TaskContext;
import dev.keel.jobs.spi.TaskResult;
import dev.keel.jobs.spi.TaskType;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A task type for tests ({@code test_task}): sleeps {@code sleep_ms} ({@code first_sleep_ms} in its
 * first attempt, when given), fails while its attempt number is below {@code fail_attempts} (or
 * always with {@code fail}), sets the task value {@code set_key} to {@code set_value}, echoes
 * {@code echo} to its log and records it in {@link #echoes}. Counts the attempts it starts and the
 * ones stopped while sleeping, by task key.
 */
final class TestTask implements TaskType {
  final Map<String, String> echoes = new ConcurrentHashMap<>();
  final AtomicInteger runs = new AtomicInteger();
  final Map<String, AtomicInteger> started = new ConcurrentHashMap<>();
  final Map<String, AtomicInteger> stopped = new ConcurrentHashMap<>();

  int started(String taskKey) {
    AtomicInteger n = started.get(taskKey);
    return n == null ? 0 : n.get();
  }

  int stopped(String taskKey) {
    AtomicInteger n = stopped.get(taskKey);
    return n == null ? 0 : n.get();
  }

  @Override
  public String field() {
    return "test_task";
  }

  @Override
  public void validate(Map<String, Object> payload, String path) {
    if (payload.containsKey("sleep_ms") && !(payload.get("sleep_ms") instanceof Number)) {
      throw dev.keel.core.KeelException.invalid("Invalid '" + path + ".sleep_ms': a number.");
    }
  }

  @Override
  public TaskResult run(TaskContext c) throws InterruptedException {
    runs.incrementAndGet();
    started.computeIfAbsent(c.taskKey(), k -> new AtomicInteger()).incrementAndGet();
    Map<String, Object> p = c.payload();
    long sleep = ((Number) p.getOrDefault("sleep_ms", 0)).longValue();
    if (c.attemptNumber() == 0 && p.get("first_sleep_ms") instanceof Number n) {
      sleep = n.longValue();
    }
    long until = System.currentTimeMillis() + sleep;
    while (System.currentTimeMillis() < until && !c.cancelled()) {
      Thread.sleep(5);
    }
    if (c.cancelled()) {
      stopped.computeIfAbsent(c.taskKey(), k -> new AtomicInteger()).incrementAndGet();
    }
    if (p.containsKey("echo")) {
      echoes.put(c.taskKey(), String.valueOf(p.get("echo")));
      try {
        Files.writeString(
            c.logFile(),
            "echo " + p.get("echo") + "\n",
            StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e);
      }
    }
    if (p.containsKey("set_key")) {
      c.setTaskValue((String) p.get("set_key"), String.valueOf(p.get("set_value")));
    }
    int failAttempts = ((Number) p.getOrDefault("fail_attempts", 0)).intValue();
    if (Boolean.TRUE.equals(p.get("fail")) || c.attemptNumber() < failAttempts) {
      return TaskResult.failed("asked to fail (attempt " + c.attemptNumber() + ")", null);
    }
    return TaskResult.success();
  }
}
