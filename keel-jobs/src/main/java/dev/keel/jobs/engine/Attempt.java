package dev.keel.jobs.engine;

import dev.keel.core.KeelException;
import dev.keel.jobs.spi.TaskContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/** The {@link TaskContext} of one attempt; also how the engine stops it. Thread-safe. */
final class Attempt implements TaskContext {
  /** Largest task value, serialised. */
  static final int MAX_VALUE_BYTES = 48 * 1024;

  private static final Pattern VALUE_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,255}");

  /** Why an attempt was stopped. */
  enum Stop {
    CANCELED,
    TIMEDOUT,
    SERVER_STOPPING
  }

  /** What an attempt knows of its run; given by the run executor. */
  record Info(
      long jobId,
      long jobRunId,
      long taskRunId,
      String taskKey,
      int attemptNumber,
      Map<String, Object> payload,
      Map<String, String> jobParameters,
      Map<String, Object> environment,
      List<Map<String, Object>> libraries,
      String runAs,
      String host,
      Optional<String> token,
      Path workDir,
      Path logFile,
      Duration gracePeriod) {}

  /** Where task values go. */
  interface Values {
    void put(String name, String json);
  }

  private final Info info;
  private final Values values;
  private final List<Runnable> onCancel = new CopyOnWriteArrayList<>();
  private volatile Stop stop;

  Attempt(Info info, Values values) {
    this.info = info;
    this.values = values;
  }

  /** Asks the attempt to stop; the first reason wins. */
  void stop(Stop why) {
    synchronized (this) {
      if (stop != null) {
        return;
      }
      stop = why;
    }
    onCancel.forEach(Attempt::quietly);
  }

  /** Why it was stopped, if it was. */
  Optional<Stop> stopped() {
    return Optional.ofNullable(stop);
  }

  private static void quietly(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      // a task type's cancel hook failing must not keep the others from running
    }
  }

  static void checkValue(String name, String json) {
    if (name == null || !VALUE_NAME.matcher(name).matches()) {
      throw KeelException.invalid(
          "Invalid 'key': a task value's name is 1 to 255 of A-Z, a-z, 0-9, _, . and -.");
    }
    if (json.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_VALUE_BYTES) {
      throw KeelException.invalid(
          "Invalid 'value': a task value is at most 48 KiB serialised ("
              + MAX_VALUE_BYTES
              + " bytes).");
    }
  }

  @Override
  public long jobId() {
    return info.jobId();
  }

  @Override
  public long jobRunId() {
    return info.jobRunId();
  }

  @Override
  public long taskRunId() {
    return info.taskRunId();
  }

  @Override
  public String taskKey() {
    return info.taskKey();
  }

  @Override
  public int attemptNumber() {
    return info.attemptNumber();
  }

  @Override
  public Map<String, Object> payload() {
    return info.payload();
  }

  @Override
  public Map<String, String> jobParameters() {
    return info.jobParameters();
  }

  @Override
  public Map<String, Object> environment() {
    return info.environment();
  }

  @Override
  public List<Map<String, Object>> libraries() {
    return info.libraries();
  }

  @Override
  public String runAs() {
    return info.runAs();
  }

  @Override
  public String host() {
    return info.host();
  }

  @Override
  public Optional<String> token() {
    return info.token();
  }

  @Override
  public Path workDir() {
    return info.workDir();
  }

  @Override
  public Path logFile() {
    return info.logFile();
  }

  @Override
  public void setTaskValue(String name, String json) {
    checkValue(name, json);
    values.put(name, json);
  }

  @Override
  public boolean cancelled() {
    return stop != null;
  }

  @Override
  public void onCancel(Runnable action) {
    onCancel.add(action);
    if (stop != null) {
      quietly(action);
    }
  }

  @Override
  public Duration gracePeriod() {
    return info.gracePeriod();
  }
}
