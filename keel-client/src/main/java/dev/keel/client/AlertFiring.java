package dev.keel.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * One firing of an alert: the values that made it fire and what was done about it.
 *
 * @param firingId its id
 * @param alertId the alert's id
 * @param firedAtMs when it fired (epoch ms)
 * @param refreshId the monitor refresh whose metrics made it fire
 * @param window the latest window evaluated
 * @param value the metric's value in that window
 * @param values the metric in each window evaluated, oldest first as the server sends them
 * @param jobRunId the job run it started, when it has a {@code run_job}
 * @param deliveries its webhook deliveries
 * @param json the server's full answer
 */
public record AlertFiring(
    String firingId,
    String alertId,
    long firedAtMs,
    String refreshId,
    Window window,
    OptionalDouble value,
    List<WindowValue> values,
    OptionalLong jobRunId,
    List<Delivery> deliveries,
    JsonNode json) {

  /** Checks for nulls and copies the lists and the JSON. */
  public AlertFiring {
    Objects.requireNonNull(firingId, "firingId");
    Objects.requireNonNull(alertId, "alertId");
    Objects.requireNonNull(refreshId, "refreshId");
    Objects.requireNonNull(window, "window");
    Objects.requireNonNull(value, "value");
    values = List.copyOf(values);
    Objects.requireNonNull(jobRunId, "jobRunId");
    deliveries = List.copyOf(deliveries);
    json = json.deepCopy();
  }

  /**
   * A metric window, half-open.
   *
   * @param startMs its start, inclusive (epoch ms)
   * @param endMs its end, exclusive (epoch ms)
   */
  public record Window(long startMs, long endMs) {
    static Window from(JsonNode n) {
      return new Window(KeelJson.int64(n, "start").orElse(0), KeelJson.int64(n, "end").orElse(0));
    }
  }

  /**
   * The metric in one window.
   *
   * @param window the window
   * @param value the metric; empty when it was NULL there
   */
  public record WindowValue(Window window, OptionalDouble value) {
    /** Checks for nulls. */
    public WindowValue {
      Objects.requireNonNull(window, "window");
      Objects.requireNonNull(value, "value");
    }
  }

  /**
   * A webhook delivery.
   *
   * @param url where it goes
   * @param state {@code PENDING}, {@code DELIVERED} or {@code FAILED}
   * @param attempts how many times it was tried
   * @param lastStatus the last answer's HTTP status, once there was one
   * @param lastError why the last attempt failed, when it did
   */
  public record Delivery(
      String url, String state, int attempts, OptionalInt lastStatus, Optional<String> lastError) {
    /** Checks for nulls. */
    public Delivery {
      Objects.requireNonNull(url, "url");
      Objects.requireNonNull(state, "state");
      Objects.requireNonNull(lastStatus, "lastStatus");
      Objects.requireNonNull(lastError, "lastError");
    }
  }

  static AlertFiring from(JsonNode n) {
    List<WindowValue> values = new ArrayList<>();
    for (JsonNode v : n.path("values")) {
      values.add(new WindowValue(Window.from(v.path("window")), number(v.path("value"))));
    }
    List<Delivery> deliveries = new ArrayList<>();
    for (JsonNode d : n.path("deliveries")) {
      JsonNode status = d.path("last_status");
      deliveries.add(
          new Delivery(
              KeelJson.text(d, "url"),
              KeelJson.text(d, "state"),
              d.path("attempts").asInt(0),
              status.isNumber() ? OptionalInt.of(status.asInt()) : OptionalInt.empty(),
              KeelJson.nonEmptyText(d, "last_error")));
    }
    return new AlertFiring(
        KeelJson.text(n, "firing_id"),
        KeelJson.text(n, "alert_id"),
        KeelJson.int64(n, "fired_at_ms").orElse(0),
        KeelJson.text(n, "refresh_id"),
        Window.from(n.path("window")),
        number(n.path("value")),
        values,
        KeelJson.int64(n, "job_run_id"),
        deliveries,
        n);
  }

  private static OptionalDouble number(JsonNode v) {
    return v.isMissingNode() || v.isNull()
        ? OptionalDouble.empty()
        : OptionalDouble.of(KeelJson.dbl(v));
  }
}
