package dev.keel.jobs.trigger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.Map;

/**
 * One job's durable trigger state (a row of {@code job_trigger_state}).
 *
 * @param jobId the job
 * @param settingsAt the {@code changedAt} of the settings this state was built for; other settings
 *     start the state afresh (keeping {@code lastFireAt})
 * @param version bumped by every write; a write succeeds only at the version it read
 * @param lastFireAt when a run was last asked for, or null
 * @param lastDueAt schedule / periodic: the fire time last fired (the cron or interval time, not
 *     when it ran), or null
 * @param pending a fire recorded but not yet confirmed started, or null
 * @param cursors table baselines and the model-event cursor
 */
record TriggerState(
    long jobId,
    long settingsAt,
    long version,
    Instant lastFireAt,
    Instant lastDueAt,
    Fire pending,
    Cursors cursors) {

  /** A fresh state for settings saved at {@code settingsAt}. */
  static TriggerState fresh(long jobId, long settingsAt, Instant lastFireAt, Cursors cursors) {
    return new TriggerState(jobId, settingsAt, 0, lastFireAt, null, null, cursors);
  }

  TriggerState withPending(Fire fire) {
    return new TriggerState(jobId, settingsAt, version, lastFireAt, lastDueAt, fire, cursors);
  }

  TriggerState withCursors(Cursors c) {
    return new TriggerState(jobId, settingsAt, version, lastFireAt, lastDueAt, pending, c);
  }

  /** Records {@code fire} as asked for at {@code now} (its run not yet confirmed). */
  TriggerState fired(Fire fire, Instant now, Instant dueAt, Cursors c) {
    return new TriggerState(jobId, settingsAt, version, now, dueAt, fire, c);
  }

  /**
   * A run to ask for.
   *
   * @param token the idempotency token: the same token starts one run however often it is sent
   * @param trigger the run's trigger type ({@link RunTriggers})
   * @param info values for {@code {{job.trigger.*}}}
   * @param since when it was recorded (epoch ms)
   * @param owner the server instance that recorded it (it launches it; others take over later)
   */
  record Fire(String token, String trigger, Map<String, String> info, long since, String owner) {
    Fire {
      info = Map.copyOf(info);
    }
  }

  /**
   * Table baselines and the model-event cursor, stored as JSON.
   *
   * @param tables table → snapshot id the last run saw (a watched table missing here: any snapshot
   *     it has counts as an update)
   * @param modelUntil the latest model-event time read (epoch ms)
   * @param seen keys of model events already counted, with their time, kept for {@link
   *     TriggerService#MODEL_LOOKBACK} behind {@code modelUntil} (events may commit out of order)
   * @param pendingEvents model events counted since the last run
   * @param lastEventAt the latest of them (epoch ms), 0 when none
   * @param lastEvent the latest of them as trigger info
   */
  record Cursors(
      Map<String, Long> tables,
      long modelUntil,
      Map<String, Long> seen,
      int pendingEvents,
      long lastEventAt,
      Map<String, String> lastEvent) {
    Cursors {
      tables = Map.copyOf(tables);
      seen = Map.copyOf(seen);
      lastEvent = Map.copyOf(lastEvent);
    }

    static final Cursors EMPTY = new Cursors(Map.of(), 0, Map.of(), 0, 0, Map.of());

    private static final ObjectMapper JSON = new ObjectMapper();

    String toJson() {
      try {
        return JSON.writeValueAsString(this);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }

    static Cursors fromJson(String json) {
      try {
        return JSON.readValue(json, Cursors.class);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("unreadable trigger cursors: " + e.getMessage(), e);
      }
    }
  }
}
