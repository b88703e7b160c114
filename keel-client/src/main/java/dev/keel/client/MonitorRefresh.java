package dev.keel.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A refresh of a monitor (Lakehouse Monitoring's {@code MonitorRefreshInfo}).
 *
 * @param refreshId its id
 * @param state {@code PENDING}, {@code RUNNING}, {@code SUCCESS}, {@code FAILED} or {@code
 *     CANCELED}
 * @param startTimeMs when it was asked for (epoch ms)
 * @param endTimeMs when it ended, once it has
 * @param message why it failed or was canceled, when the server says
 * @param trigger {@code MANUAL}, {@code SCHEDULE} or {@code DATA_CHANGE}
 * @param json the server's full answer
 */
public record MonitorRefresh(
    long refreshId,
    String state,
    long startTimeMs,
    OptionalLong endTimeMs,
    Optional<String> message,
    String trigger,
    JsonNode json) {

  /** Checks for nulls and copies the JSON. */
  public MonitorRefresh {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(endTimeMs, "endTimeMs");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(trigger, "trigger");
    json = json.deepCopy();
  }

  /** Whether it has ended: {@code SUCCESS}, {@code FAILED} or {@code CANCELED}. */
  public boolean terminal() {
    return state.equals("SUCCESS") || state.equals("FAILED") || state.equals("CANCELED");
  }

  /** Whether it ended {@code SUCCESS}. */
  public boolean succeeded() {
    return state.equals("SUCCESS");
  }

  static MonitorRefresh from(JsonNode n) {
    return new MonitorRefresh(
        KeelJson.int64(n, "refresh_id").orElse(0),
        KeelJson.text(n, "state"),
        KeelJson.int64(n, "start_time_ms").orElse(0),
        KeelJson.int64(n, "end_time_ms"),
        KeelJson.nonEmptyText(n, "message"),
        KeelJson.text(n, "trigger"),
        n);
  }
}
