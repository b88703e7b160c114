package dev.keel.jobs.process;

import dev.keel.jobs.spi.TaskContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A task context for tests of task types (here and, through keel-jobs' test jar, in other modules):
 * the fields are set directly; {@link #cancel()} runs the cancel hooks. Task values are not kept:
 * process tasks set them over HTTP.
 */
public final class TestTaskContext implements TaskContext {
  public long jobId = 11;
  public long jobRunId = 22;
  public long taskRunId = 33;
  public String taskKey = "train";
  public int attemptNumber = 0;
  public Map<String, Object> payload = new LinkedHashMap<>();
  public Map<String, String> jobParameters = new LinkedHashMap<>();
  public Map<String, Object> environment = new LinkedHashMap<>();
  public List<Map<String, Object>> libraries = new ArrayList<>();
  public String host = "http://127.0.0.1:9";
  public Optional<String> token = Optional.empty();
  public final Path workDir;
  public final Path logFile;
  public Duration gracePeriod = Duration.ofSeconds(2);
  private final List<Runnable> cancelHooks = new ArrayList<>();
  private boolean cancelled;

  /** A context whose work directory and log file are under {@code dir}. */
  public TestTaskContext(Path dir) {
    this.workDir = dir.resolve("work");
    this.logFile = dir.resolve("logs").resolve("attempt.log");
  }

  /** Cancels the attempt: runs every hook registered so far and later ones at once. */
  public void cancel() {
    List<Runnable> hooks;
    synchronized (this) {
      cancelled = true;
      hooks = List.copyOf(cancelHooks);
    }
    hooks.forEach(Runnable::run);
  }

  @Override
  public long jobId() {
    return jobId;
  }

  @Override
  public long jobRunId() {
    return jobRunId;
  }

  @Override
  public long taskRunId() {
    return taskRunId;
  }

  @Override
  public String taskKey() {
    return taskKey;
  }

  @Override
  public int attemptNumber() {
    return attemptNumber;
  }

  @Override
  public Map<String, Object> payload() {
    return payload;
  }

  @Override
  public Map<String, String> jobParameters() {
    return jobParameters;
  }

  @Override
  public Map<String, Object> environment() {
    return environment;
  }

  @Override
  public List<Map<String, Object>> libraries() {
    return libraries;
  }

  @Override
  public String runAs() {
    return "alice";
  }

  @Override
  public String host() {
    return host;
  }

  @Override
  public Optional<String> token() {
    return token;
  }

  @Override
  public Path workDir() {
    return workDir;
  }

  @Override
  public Path logFile() {
    return logFile;
  }

  @Override
  public void setTaskValue(String name, String json) {
    throw new UnsupportedOperationException("process tasks set values over HTTP");
  }

  @Override
  public synchronized boolean cancelled() {
    return cancelled;
  }

  @Override
  public void onCancel(Runnable action) {
    boolean now;
    synchronized (this) {
      now = cancelled;
      if (!now) {
        cancelHooks.add(action);
      }
    }
    if (now) {
      action.run();
    }
  }

  @Override
  public Duration gracePeriod() {
    return gracePeriod;
  }
}
