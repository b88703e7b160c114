package dev.keel.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Data and model quality monitors on tables: Lakehouse Monitoring's API ({@code
 * /api/2.1/unity-catalog/tables/{table_name}/monitor}, the legacy {@code quality_monitors} the
 * Databricks SDK's {@code qualityMonitors()} calls). Get one from {@link KeelClient#monitors()}.
 *
 * <pre>{@code
 * MonitorsClient monitors = keel.monitors();
 * monitors.create(
 *     "main.ml.churn_features",
 *     MonitorSettings.builder(
 *             "main.monitoring", new MonitorProfile.TimeSeries("event_time", List.of("1 day")))
 *         .baselineTableName(Optional.of("main.ml.churn_training"))
 *         .build());
 * MonitorRefresh r = monitors.refreshAndWait("main.ml.churn_features", Duration.ofMinutes(10));
 * }</pre>
 *
 * <p>Every call throws {@link KeelClientException} with the server's error code and message on
 * failure: a table or monitor that does not exist is {@code RESOURCE_DOES_NOT_EXIST} (HTTP 404), a
 * refused setting {@code INVALID_PARAMETER_VALUE} (400) naming the field.
 */
public final class MonitorsClient {
  private final KeelClient client;
  private final Transport http;

  MonitorsClient(KeelClient client) {
    this.client = client;
    this.http = new Transport(client);
  }

  /** {@code /api/2.1/unity-catalog/tables/{table}/monitor}. */
  static String path(String tableName) {
    return KeelClient.UC + "tables/" + Transport.segment(tableName, "tableName") + "/monitor";
  }

  /** Creates a monitor on a table ({@code POST .../monitor}); its first refresh is not started. */
  public MonitorInfo create(String tableName, MonitorSettings settings) {
    return create(tableName, settings.toJson());
  }

  /**
   * Creates a monitor from a full {@code CreateMonitor} body, sent as given (for fields this SDK
   * does not model).
   */
  public MonitorInfo create(String tableName, ObjectNode body) {
    Objects.requireNonNull(body, "body");
    // Not retried: a retry after a lost answer would report the monitor as existing.
    return MonitorInfo.from(http.json("POST", path(tableName), Map.of(), body, false));
  }

  /** A table's monitor ({@code GET .../monitor}). */
  public MonitorInfo get(String tableName) {
    return MonitorInfo.from(http.json("GET", path(tableName), Map.of(), null, true));
  }

  /**
   * Replaces every setting of a monitor ({@code PUT .../monitor}, a full update): fields left empty
   * in {@code settings} are removed. To change one field, start from {@link
   * MonitorInfo#settings()}{@code .toBuilder()}.
   */
  public MonitorInfo update(String tableName, MonitorSettings settings) {
    return update(tableName, settings.toJson());
  }

  /** Replaces every setting of a monitor with a full body, sent as given. */
  public MonitorInfo update(String tableName, ObjectNode body) {
    Objects.requireNonNull(body, "body");
    // The same full update twice leaves the same monitor: safe to retry.
    return MonitorInfo.from(http.json("PUT", path(tableName), Map.of(), body, true));
  }

  /** Deletes a table's monitor ({@code DELETE .../monitor}); its output tables stay. */
  public void delete(String tableName) {
    http.json("DELETE", path(tableName), Map.of(), null, false);
  }

  /**
   * Starts a refresh ({@code POST .../monitor/refreshes} with {@code {}}, as the Databricks SDK
   * sends it); it runs in the background.
   */
  public MonitorRefresh refresh(String tableName) {
    return MonitorRefresh.from(
        http.json("POST", path(tableName) + "/refreshes", Map.of(), KeelJson.object(), false));
  }

  /** One refresh ({@code GET .../monitor/refreshes/{id}}). */
  public MonitorRefresh getRefresh(String tableName, long refreshId) {
    return MonitorRefresh.from(
        http.json("GET", refreshPath(tableName, refreshId), Map.of(), null, true));
  }

  /** The monitor's refreshes, newest first ({@code GET .../monitor/refreshes}). */
  public List<MonitorRefresh> listRefreshes(String tableName) {
    JsonNode resp = http.json("GET", path(tableName) + "/refreshes", Map.of(), null, true);
    List<MonitorRefresh> out = new ArrayList<>();
    resp.path("refreshes").forEach(r -> out.add(MonitorRefresh.from(r)));
    return out;
  }

  /** Asks a pending or running refresh to stop ({@code POST .../refreshes/{id}/cancel}). */
  public void cancelRefresh(String tableName, long refreshId) {
    http.json(
        "POST", refreshPath(tableName, refreshId) + "/cancel", Map.of(), KeelJson.object(), true);
  }

  /**
   * Starts a refresh and waits for it to end; returns it as it ended (check {@link
   * MonitorRefresh#succeeded()}).
   *
   * @throws KeelClientException {@code TIMEOUT} if it has not ended after {@code timeout}
   */
  public MonitorRefresh refreshAndWait(String tableName, Duration timeout) {
    return waitForRefresh(tableName, refresh(tableName).refreshId(), timeout, r -> {});
  }

  /**
   * Polls a refresh until it has ended and returns it as it ended. {@code onChange} is called with
   * the first answer and with every answer whose state changed. Polls every 100 ms at first,
   * backing off to once a second.
   *
   * @throws KeelClientException {@code TIMEOUT} if it has not ended after {@code timeout}
   */
  public MonitorRefresh waitForRefresh(
      String tableName, long refreshId, Duration timeout, Consumer<MonitorRefresh> onChange) {
    return Polls.until(
        () -> getRefresh(tableName, refreshId),
        MonitorRefresh::state,
        MonitorRefresh::terminal,
        timeout,
        onChange,
        "refresh " + refreshId,
        r ->
            "Refresh "
                + refreshId
                + " of "
                + tableName
                + " is still "
                + r.state()
                + " after "
                + timeout
                + ".");
  }

  // ------------------------------------------------------------------ serving endpoints

  /** The monitor {@link #planForEndpoint} derives from a serving endpoint, not yet created. */
  public record EndpointMonitorPlan(String tableName, MonitorSettings settings) {
    /** Checks for nulls. */
    public EndpointMonitorPlan {
      Objects.requireNonNull(tableName, "tableName");
      Objects.requireNonNull(settings, "settings");
    }
  }

  /**
   * The {@code inference_log} monitor for a serving endpoint's predictions table: reads the
   * endpoint's inference table config ({@code ai_gateway.inference_table_config}, else the legacy
   * {@code config.auto_capture_config}) and the columns of {@code
   * <catalog>.<schema>.<prefix>_predictions}. The monitor has timestamp column {@code
   * request_time}, model id column {@code model_id}, prediction column {@code prediction}, {@code
   * prediction_proba} when the table has it, and its output in the inference table's schema. With a
   * label table, labels are joined on {@code prediction_id} and read from {@code labelCol}; without
   * one, {@code labelCol} is the label column only when the predictions table has it.
   *
   * @param granularities window lengths; empty for {@code 1 day}
   * @throws KeelClientException {@code INVALID_PARAMETER_VALUE} if the endpoint has no enabled
   *     inference table, {@code RESOURCE_DOES_NOT_EXIST} if it or its predictions table does not
   *     exist
   */
  public EndpointMonitorPlan planForEndpoint(
      String endpointName,
      MonitorProfile.ProblemType problemType,
      Optional<String> labelTableName,
      String labelCol,
      List<String> granularities) {
    Objects.requireNonNull(problemType, "problemType");
    Objects.requireNonNull(labelTableName, "labelTableName");
    Objects.requireNonNull(labelCol, "labelCol");
    JsonNode endpoint = client.endpoints().get(endpointName).json();
    String prefix =
        ServingEndpointInfo.tablePrefix(endpoint.at("/ai_gateway/inference_table_config"))
            .or(() -> ServingEndpointInfo.tablePrefix(endpoint.at("/config/auto_capture_config")))
            .orElseThrow(
                () ->
                    new KeelClientException(
                        "INVALID_PARAMETER_VALUE",
                        400,
                        "Serving endpoint '"
                            + endpointName
                            + "' has no inference table: turn one on first (keel endpoints"
                            + " ai-gateway "
                            + endpointName
                            + " --inference-table CATALOG.SCHEMA.PREFIX)."));
    String table = prefix + "_predictions";
    List<String> columns;
    try {
      columns = client.tables().get(table).columnNames();
    } catch (KeelClientException e) {
      if (!e.isNotFound()) {
        throw e;
      }
      throw new KeelClientException(
          e.errorCode(),
          e.httpStatus(),
          "Serving endpoint '"
              + endpointName
              + "' logs to "
              + prefix
              + "_payload, but its predictions table "
              + table
              + " does not exist (yet): "
              + e.getMessage(),
          e);
    }
    Optional<String> label =
        labelTableName.isPresent() || columns.contains(labelCol)
            ? Optional.of(labelCol)
            : Optional.empty();
    MonitorProfile profile =
        new MonitorProfile.InferenceLog(
            problemType,
            "request_time",
            granularities.isEmpty() ? List.of("1 day") : granularities,
            "prediction",
            "model_id",
            label,
            columns.contains("prediction_proba")
                ? Optional.of("prediction_proba")
                : Optional.empty());
    String schema = prefix.substring(0, prefix.lastIndexOf('.'));
    return new EndpointMonitorPlan(
        table,
        MonitorSettings.builder(schema, profile)
            .labelJoin(labelTableName.map(t -> new MonitorLabelJoin(t, "prediction_id")))
            .build());
  }

  /** Creates the monitor {@link #planForEndpoint} derives; returns it. */
  public MonitorInfo createForEndpoint(
      String endpointName,
      MonitorProfile.ProblemType problemType,
      Optional<String> labelTableName,
      String labelCol,
      List<String> granularities) {
    EndpointMonitorPlan p =
        planForEndpoint(endpointName, problemType, labelTableName, labelCol, granularities);
    return create(p.tableName(), p.settings());
  }

  private static String refreshPath(String tableName, long refreshId) {
    if (refreshId < 0) {
      throw new IllegalArgumentException("refreshId must not be negative, got " + refreshId);
    }
    return path(tableName) + "/refreshes/" + refreshId;
  }
}
