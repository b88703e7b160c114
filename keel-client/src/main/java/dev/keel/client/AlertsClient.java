package dev.keel.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.core.Page;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Alerts over monitor metrics ({@code /api/2.0/keel/alerts}, a Keel extension): rules evaluated
 * after every refresh of a monitor, which call webhooks and can start a job run when they fire. Get
 * one from {@link KeelClient#alerts()}.
 *
 * <pre>{@code
 * Alert a = keel.alerts().create(
 *     AlertSpec.builder("age drift", "main.ml.churn", "js_distance", "GREATER_THAN", 0.2)
 *         .columnName(Optional.of("age"))
 *         .build());
 * keel.alerts().streamFirings(a.alertId()).forEach(f -> System.out.println(f.value()));
 * }</pre>
 *
 * <p>Every call throws {@link KeelClientException} with the server's error code and message: an
 * unknown alert is {@code RESOURCE_DOES_NOT_EXIST} (404), a refused field {@code
 * INVALID_PARAMETER_VALUE} (400) naming it.
 */
public final class AlertsClient {
  /** The alerts API. */
  static final String API = "/api/2.0/keel/alerts";

  private final Transport http;

  AlertsClient(KeelClient client) {
    this.http = new Transport(client);
  }

  /** Creates an alert. */
  public Alert create(AlertSpec spec) {
    return create(spec.toJson());
  }

  /** Creates an alert from a full body, sent as given. */
  public Alert create(ObjectNode body) {
    Objects.requireNonNull(body, "body");
    return Alert.from(http.json("POST", API, Map.of(), body, false));
  }

  /** An alert. */
  public Alert get(String alertId) {
    return Alert.from(http.json("GET", path(alertId), Map.of(), null, true));
  }

  /**
   * One page of alerts.
   *
   * @param tableName only the alerts on this monitored table; {@code ""} for all
   * @param maxResults page size; 0 for the server's default
   * @param pageToken {@code ""} for the first page, else the previous page's next-page token
   */
  public Page<Alert> list(String tableName, int maxResults, String pageToken) {
    Objects.requireNonNull(tableName, "tableName");
    Map<String, List<String>> q = paging(maxResults, pageToken);
    if (!tableName.isEmpty()) {
      q.put("table_name", List.of(tableName));
    }
    return page(http.json("GET", API, q, null, true), "alerts", Alert::from);
  }

  /** Every alert ({@code ""}: on any table), across all pages (lazily). */
  public Stream<Alert> stream(String tableName) {
    return Pages.stream(token -> list(tableName, 0, token));
  }

  /**
   * Changes some of an alert's fields ({@code PATCH}): the fields of {@code changes} (as in {@link
   * AlertSpec#toJson()}) replace the alert's; returns the alert as it is now.
   */
  public Alert update(String alertId, ObjectNode changes) {
    Objects.requireNonNull(changes, "changes");
    // The same change twice leaves the same alert: safe to retry.
    return Alert.from(http.json("PATCH", path(alertId), Map.of(), changes, true));
  }

  /** Deletes an alert; its firings go with it. */
  public void delete(String alertId) {
    http.json("DELETE", path(alertId), Map.of(), null, false);
  }

  /**
   * One page of an alert's firings, newest first.
   *
   * @param maxResults page size; 0 for the server's default
   * @param pageToken {@code ""} for the first page, else the previous page's next-page token
   */
  public Page<AlertFiring> firings(String alertId, int maxResults, String pageToken) {
    return page(
        http.json("GET", path(alertId) + "/firings", paging(maxResults, pageToken), null, true),
        "firings",
        AlertFiring::from);
  }

  /** Every firing of an alert, across all pages (lazily). */
  public Stream<AlertFiring> streamFirings(String alertId) {
    return Pages.stream(token -> firings(alertId, 0, token));
  }

  private static String path(String alertId) {
    return API + "/" + Transport.segment(alertId, "alertId");
  }

  private static Map<String, List<String>> paging(int maxResults, String pageToken) {
    Objects.requireNonNull(pageToken, "pageToken");
    if (maxResults < 0) {
      throw new IllegalArgumentException("maxResults must not be negative, got " + maxResults);
    }
    Map<String, List<String>> q = new LinkedHashMap<>();
    if (maxResults > 0) {
      q.put("max_results", List.of(Integer.toString(maxResults)));
    }
    if (!pageToken.isEmpty()) {
      q.put("page_token", List.of(pageToken));
    }
    return q;
  }

  private static <T> Page<T> page(JsonNode resp, String field, Function<JsonNode, T> item) {
    List<T> items = new ArrayList<>();
    resp.path(field).forEach(n -> items.add(item.apply(n)));
    return new Page<>(items, KeelClient.nextToken(resp));
  }
}
