package dev.keel.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.Page;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The server's audit log ({@code GET /api/2.0/keel/audit}), for administrators. Get one from {@link
 * KeelClient#audit()}.
 *
 * <pre>{@code
 * keel.audit()
 *     .stream(AuditClient.Filter.none().withPrincipal("alice").withAction("unity-catalog.tables.*"))
 *     .forEach(e -> System.out.println(e.actionName() + " " + e.result()));
 * }</pre>
 *
 * <p>Every call throws {@link KeelClientException} on failure ({@code PERMISSION_DENIED} for a
 * caller who is not an administrator). Thread-safe.
 */
public final class AuditClient {
  static final String PATH = "/api/2.0/keel/audit";

  /**
   * Which entries to list; {@code ""} leaves a filter out.
   *
   * @param principal the principal's name, exactly
   * @param action the action name, or a prefix ending in {@code *}
   * @param securable the securable's full name or id
   * @param since entries at or after this time: RFC 3339 ({@code 2026-12-07T10:00:00Z}) or ms
   * @param until entries before this time, as {@code since}
   */
  public record Filter(
      String principal, String action, String securable, String since, String until) {
    public Filter {
      Objects.requireNonNull(principal, "principal");
      Objects.requireNonNull(action, "action");
      Objects.requireNonNull(securable, "securable");
      Objects.requireNonNull(since, "since");
      Objects.requireNonNull(until, "until");
    }

    /** Every entry. */
    public static Filter none() {
      return new Filter("", "", "", "", "");
    }

    public Filter withPrincipal(String p) {
      return new Filter(p, action, securable, since, until);
    }

    public Filter withAction(String a) {
      return new Filter(principal, a, securable, since, until);
    }

    public Filter withSecurable(String s) {
      return new Filter(principal, action, s, since, until);
    }

    public Filter withSince(String t) {
      return new Filter(principal, action, securable, t, until);
    }

    public Filter withUntil(String t) {
      return new Filter(principal, action, securable, since, t);
    }
  }

  private final Transport http;

  AuditClient(KeelClient client) {
    this.http = new Transport(client);
  }

  /**
   * One page of matching entries, newest first.
   *
   * @param maxResults page size, 1 to 1000; 0 for the server's default (100)
   * @param pageToken {@code ""} for the first page, else the previous page's token
   */
  public Page<AuditEvent> list(Filter filter, int maxResults, String pageToken) {
    if (maxResults < 0) {
      throw new IllegalArgumentException("maxResults must not be negative");
    }
    Map<String, List<String>> q = new LinkedHashMap<>();
    put(q, "principal", filter.principal());
    put(q, "action", filter.action());
    put(q, "securable", filter.securable());
    put(q, "since", filter.since());
    put(q, "until", filter.until());
    if (maxResults > 0) {
      q.put("max_results", List.of(Integer.toString(maxResults)));
    }
    put(q, "page_token", Objects.requireNonNull(pageToken, "pageToken"));
    JsonNode resp = http.json("GET", PATH, q, null, true);
    List<AuditEvent> items = new ArrayList<>();
    resp.path("entries").forEach(e -> items.add(event(e)));
    return new Page<>(items, Values.text(resp, "next_page_token").filter(s -> !s.isEmpty()));
  }

  /** Every matching entry, newest first, fetching pages as the stream is consumed. */
  public Stream<AuditEvent> stream(Filter filter) {
    return Pages.stream(token -> list(filter, 1000, token));
  }

  private static void put(Map<String, List<String>> q, String key, String value) {
    if (!value.isEmpty()) {
      q.put(key, List.of(value));
    }
  }

  static AuditEvent event(JsonNode e) {
    return new AuditEvent(
        e.path("event_id").asText(),
        e.path("event_time").asLong(),
        e.path("principal_id").asText(""),
        e.path("principal_name").asText(""),
        e.path("service_name").asText(""),
        e.path("action_name").asText(""),
        e.path("http_method").asText(""),
        e.path("path").asText(""),
        e.path("securable_type").asText(""),
        e.path("securable_name").asText(""),
        e.path("privilege").asText(""),
        e.path("result").asText(""),
        e.path("status_code").asInt(),
        e.path("source_ip_address").asText(""),
        e.path("user_agent").asText(""),
        e.path("request_id").asText(""),
        e.path("duration_ms").asLong());
  }
}
