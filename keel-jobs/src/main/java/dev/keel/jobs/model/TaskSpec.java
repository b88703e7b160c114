package dev.keel.jobs.model;

import java.util.List;
import java.util.Map;

/**
 * One task of a job as the scheduler runs it (Databricks' {@code Task}), parsed from validated
 * settings.
 *
 * @param taskKey unique in the job
 * @param dependsOn the tasks it waits for, each with an optional condition {@code outcome}
 * @param runIf when it runs given how its dependencies ended
 * @param disabled skipped at run time (result DISABLED)
 * @param maxRetries retries after a failure; -1 forever, 0 never
 * @param minRetryIntervalMillis least time from the start of a failed attempt to the next
 * @param retryOnTimeout whether a timed-out attempt is retried
 * @param timeoutSeconds each attempt's limit; 0 for none
 * @param environmentKey the job environment it names, or empty
 * @param payloadField the payload's field ({@code condition_task}, {@code spark_python_task}...)
 * @param payload the payload as JSON values
 * @param libraries its {@code libraries}
 */
public record TaskSpec(
    String taskKey,
    List<Dependency> dependsOn,
    RunIf runIf,
    boolean disabled,
    int maxRetries,
    long minRetryIntervalMillis,
    boolean retryOnTimeout,
    long timeoutSeconds,
    String environmentKey,
    String payloadField,
    Map<String, Object> payload,
    List<Map<String, Object>> libraries) {

  /**
   * A {@code depends_on} entry.
   *
   * @param taskKey the task waited for
   * @param outcome for a condition task: {@code "true"} or {@code "false"}; else empty
   */
  public record Dependency(String taskKey, String outcome) {}

  public TaskSpec {
    dependsOn = List.copyOf(dependsOn);
    libraries = List.copyOf(libraries);
  }
}
