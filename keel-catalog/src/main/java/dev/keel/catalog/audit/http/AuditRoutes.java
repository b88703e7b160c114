package dev.keel.catalog.audit.http;

import static io.javalin.http.HandlerType.GET;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.catalog.audit.AuditEntry;
import dev.keel.catalog.audit.AuditLog;
import dev.keel.catalog.audit.AuditQuery;
import dev.keel.core.KeelException;
import dev.keel.core.Page;
import dev.keel.core.Privilege;
import dev.keel.core.SecurableType;
import dev.keel.http.Access;
import dev.keel.http.ApiModule;
import dev.keel.http.Json;
import dev.keel.http.Request;
import dev.keel.http.Routes;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The audit log's query API, for administrators only: {@code GET /api/2.0/keel/audit} with the
 * filters {@code principal}, {@code action} (exact, or a prefix ending in {@code *}), {@code
 * securable}, {@code since} and {@code until} (RFC 3339 timestamps or ms since the epoch), newest
 * first, a page of {@code max_results} (default {@value #DEFAULT_PAGE}, at most {@value
 * AuditLog#MAX_PAGE}) at a time.
 */
public final class AuditRoutes implements ApiModule {
  /** The route's path. */
  public static final String PATH = "/api/2.0/keel/audit";

  /** Entries in a page when {@code max_results} is not given. */
  public static final int DEFAULT_PAGE = 100;

  private final AuditLog log;

  public AuditRoutes(AuditLog log) {
    this.log = Objects.requireNonNull(log, "log");
  }

  @Override
  public void routes(Routes r) {
    // Administrators only: the route names no securable, so the authorization guard lets only
    // administrators through (a server without authentication: its one local administrator).
    r.add(GET, PATH, Access.of(SecurableType.SERVER, Privilege.MANAGE), this::search);
  }

  private void search(Context ctx) {
    Request q = Request.ofQuery(ctx);
    OptionalLong since = time(q, "since");
    OptionalLong until = time(q, "until");
    if (since.isPresent() && until.isPresent() && until.getAsLong() <= since.getAsLong()) {
      throw KeelException.invalid("Invalid value for parameter 'until': it must be after 'since'.");
    }
    OptionalLong max = q.int64("max_results");
    if (max.isPresent() && (max.getAsLong() < 1 || max.getAsLong() > AuditLog.MAX_PAGE)) {
      throw KeelException.invalid(
          "Invalid value "
              + max.getAsLong()
              + " for parameter 'max_results': it must be between 1 and "
              + AuditLog.MAX_PAGE
              + ".");
    }
    AuditQuery query =
        new AuditQuery(
            filter(q, "principal"),
            filter(q, "action"),
            filter(q, "securable"),
            since,
            until,
            (int) max.orElse(DEFAULT_PAGE),
            Optional.empty());
    Page<AuditEntry> page = log.search(query, q.string("page_token"));
    ObjectNode body = Json.object();
    ArrayNode entries = body.putArray("entries");
    page.items().forEach(e -> entries.add(json(e)));
    page.nextPageToken().ifPresent(t -> body.put("next_page_token", t));
    Json.write(ctx, body);
  }

  private static Optional<String> filter(Request q, String field) {
    return q.string(field).filter(s -> !s.isEmpty());
  }

  /** A time given as RFC 3339 ({@code 2026-12-07T10:00:00Z}) or as ms since the epoch. */
  private static OptionalLong time(Request q, String field) {
    Optional<String> v = q.string(field).map(String::trim).filter(s -> !s.isEmpty());
    if (v.isEmpty()) {
      return OptionalLong.empty();
    }
    String s = v.get();
    if (s.chars().allMatch(Character::isDigit) && s.length() <= 15) {
      return OptionalLong.of(Long.parseLong(s));
    }
    try {
      return OptionalLong.of(Instant.parse(s).toEpochMilli());
    } catch (DateTimeParseException e) {
      throw KeelException.invalid(
          "Invalid value '"
              + (s.length() > 40 ? s.substring(0, 40) + "..." : s)
              + "' for parameter '"
              + field
              + "': expected an RFC 3339 timestamp (2026-12-07T10:00:00Z) or milliseconds since"
              + " the epoch.");
    }
  }

  /** An entry as the API writes it; absent values are left out. */
  static ObjectNode json(AuditEntry e) {
    ObjectNode n = Json.object();
    n.put("event_id", e.eventId());
    n.put("event_time", e.eventTime());
    e.principalId().ifPresent(v -> n.put("principal_id", v));
    e.principalName().ifPresent(v -> n.put("principal_name", v));
    n.put("service_name", e.serviceName());
    n.put("action_name", e.actionName());
    n.put("http_method", e.httpMethod());
    n.put("path", e.path());
    e.securableType().ifPresent(v -> n.put("securable_type", v));
    e.securableName().ifPresent(v -> n.put("securable_name", v));
    e.privilege().ifPresent(v -> n.put("privilege", v));
    n.put("result", e.result().wire());
    n.put("status_code", e.statusCode());
    e.sourceAddress().ifPresent(v -> n.put("source_ip_address", v));
    e.userAgent().ifPresent(v -> n.put("user_agent", v));
    n.put("request_id", e.requestId());
    n.put("duration_ms", e.durationMillis());
    return n;
  }
}
