package dev.keel.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.client.AuditClient;
import dev.keel.client.AuditEvent;
import dev.keel.client.KeelClient;
import dev.keel.client.KeelJson;
import dev.keel.core.Page;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code keel audit}: the server's audit log, newest first, for administrators. */
@Command(
    name = "audit",
    description =
        "Show the audit log (administrators): who did what on which securable, allowed or denied,"
            + " newest first.",
    mixinStandardHelpOptions = true)
final class AuditCommand implements java.util.concurrent.Callable<Integer> {
  private static final Pattern AGO = Pattern.compile("(\\d+)([smhd])");

  @Mixin ClientOptions opts;

  @Option(
      names = "--principal",
      paramLabel = "NAME",
      defaultValue = "",
      description = "Only this principal's requests.")
  String principal;

  @Option(
      names = "--action",
      paramLabel = "ACTION",
      defaultValue = "",
      description =
          "Only this action (mlflow.runs.log-batch), or a prefix ending in * (unity-catalog.tables.*).")
  String action;

  @Option(
      names = "--securable",
      paramLabel = "NAME",
      defaultValue = "",
      description = "Only requests on this securable (full name or id).")
  String securable;

  @Option(
      names = "--since",
      paramLabel = "TIME",
      defaultValue = "",
      description =
          "Only entries at or after TIME: RFC 3339 (2026-12-07T10:00:00Z), ms since the epoch, or an age (90s, 15m, 2h, 7d).")
  String since;

  @Option(
      names = "--until",
      paramLabel = "TIME",
      defaultValue = "",
      description = "Only entries before TIME (as --since).")
  String until;

  @Option(
      names = "--max-results",
      paramLabel = "N",
      defaultValue = "50",
      description = "Entries to print (1 to 1000, default 50).")
  int maxResults;

  @Option(
      names = "--page-token",
      paramLabel = "TOKEN",
      defaultValue = "",
      description = "Page to print (from a previous listing).")
  String pageToken;

  @Override
  public Integer call() {
    if (maxResults < 1 || maxResults > 1000) {
      throw new IllegalArgumentException("--max-results must be between 1 and 1000");
    }
    long now = System.currentTimeMillis();
    AuditClient.Filter filter =
        AuditClient.Filter.none()
            .withPrincipal(principal)
            .withAction(action)
            .withSecurable(securable)
            .withSince(time(since, now))
            .withUntil(time(until, now));
    try (KeelClient client = opts.client()) {
      Page<AuditEvent> page = client.audit().list(filter, maxResults, pageToken);
      List<AuditEvent> items = page.items();
      Output out = opts.out();
      ArrayNode json = KeelJson.list(items, AuditCommand::json);
      out.print(
          json,
          () ->
              out.table(
                  List.of(
                      "TIME",
                      "PRINCIPAL",
                      "ACTION",
                      "SECURABLE",
                      "PRIVILEGE",
                      "RESULT",
                      "STATUS",
                      "SOURCE",
                      "REQUEST ID"),
                  items.stream()
                      .map(
                          e ->
                              List.of(
                                  Output.time(e.eventTime()),
                                  e.principalName().isEmpty() ? "-" : e.principalName(),
                                  e.actionName(),
                                  securable(e),
                                  e.privilege(),
                                  e.result(),
                                  Integer.toString(e.statusCode()),
                                  e.sourceIpAddress(),
                                  e.requestId()))
                      .toList(),
                  "No audit entries."));
      page.nextPageToken().ifPresent(t -> out.hint("Older entries: add --page-token " + t));
    }
    return 0;
  }

  private static String securable(AuditEvent e) {
    if (e.securableType().isEmpty()) {
      return "";
    }
    return e.securableName().isEmpty()
        ? e.securableType()
        : e.securableType() + " " + e.securableName();
  }

  /** {@code text} as the server takes it; an age ({@code 2h}) becomes ms since the epoch. */
  static String time(String text, long now) {
    Matcher m = AGO.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      return text.trim();
    }
    long n = Long.parseLong(m.group(1));
    Duration d =
        switch (m.group(2)) {
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          case "h" -> Duration.ofHours(n);
          default -> Duration.ofDays(n);
        };
    return Long.toString(now - d.toMillis());
  }

  private static ObjectNode json(AuditEvent e) {
    ObjectNode n = KeelJson.object();
    n.put("event_id", e.eventId());
    n.put("event_time", e.eventTime());
    n.put("principal_id", e.principalId());
    n.put("principal_name", e.principalName());
    n.put("service_name", e.serviceName());
    n.put("action_name", e.actionName());
    n.put("http_method", e.httpMethod());
    n.put("path", e.path());
    n.put("securable_type", e.securableType());
    n.put("securable_name", e.securableName());
    n.put("privilege", e.privilege());
    n.put("result", e.result());
    n.put("status_code", e.statusCode());
    n.put("source_ip_address", e.sourceIpAddress());
    n.put("user_agent", e.userAgent());
    n.put("request_id", e.requestId());
    n.put("duration_ms", e.durationMillis());
    return n;
  }
}
