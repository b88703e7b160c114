package dev.keel.jobs.model;

import dev.keel.jobs.trigger.Continuous;
import dev.keel.jobs.trigger.Schedule;
import dev.keel.jobs.trigger.TriggerSettings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A job's settings as the scheduler uses them, parsed from the validated {@code JobSettings} JSON
 * (which the store keeps whole, so fields Keel only echoes survive).
 *
 * @param name the job's name ({@code Untitled} when absent)
 * @param tasks its tasks in the given order
 * @param parameters job parameter defaults by name, in order
 * @param environments {@code environments[].spec} by {@code environment_key}
 * @param maxConcurrentRuns at most this many active runs (0 skips every new run)
 * @param queueEnabled whether a run beyond the limit waits (else it is skipped)
 * @param timeoutSeconds the whole run's limit; 0 for none
 * @param runAs the {@code run_as} identity, empty for the owner
 * @param schedule its {@code schedule}, if any
 * @param trigger its {@code trigger}, if any
 * @param continuous its {@code continuous}, if any
 */
public record JobSpec(
    String name,
    List<TaskSpec> tasks,
    Map<String, String> parameters,
    Map<String, Map<String, Object>> environments,
    int maxConcurrentRuns,
    boolean queueEnabled,
    long timeoutSeconds,
    Optional<String> runAs,
    Optional<Schedule> schedule,
    Optional<TriggerSettings> trigger,
    Optional<Continuous> continuous) {

  public JobSpec {
    tasks = List.copyOf(tasks);
    parameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    environments = Map.copyOf(environments);
  }

  /** The task named {@code key}. */
  public Optional<TaskSpec> task(String key) {
    return tasks.stream().filter(t -> t.taskKey().equals(key)).findFirst();
  }

  /** True when something starts the job by itself (schedule, trigger or continuous). */
  public boolean triggered() {
    return schedule.isPresent() || trigger.isPresent() || continuous.isPresent();
  }
}
