package dev.keel.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.client.Alert;
import dev.keel.client.AlertFiring;
import dev.keel.client.AlertSpec;
import dev.keel.client.KeelClient;
import dev.keel.client.KeelJson;
import dev.keel.core.Page;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code keel alerts create|get|list|update|delete|firings}: alert rules over monitor metrics that
 * call webhooks and run jobs when they fire.
 */
@Command(
    name = "alerts",
    aliases = "alert",
    description = "Create and inspect alerts over monitor metrics, and their firings.",
    mixinStandardHelpOptions = true,
    synopsisSubcommandLabel = "COMMAND")
final class AlertsCommand {
  private static final String JSON_HELP =
      "The alert as JSON from a file, or - for standard input; no other alert flags.";

  private static final Map<String, String> OPS =
      Map.of(
          "GREATER_THAN", ">",
          "GREATER_THAN_OR_EQUAL", ">=",
          "LESS_THAN", "<",
          "LESS_THAN_OR_EQUAL", "<=",
          "EQUAL", "==",
          "NOT_EQUAL", "!=");

  @Command(
      name = "create",
      description =
          "Create an alert, e.g. --table T --metric js_distance --column age --op GREATER_THAN"
              + " --threshold 0.2 --for 2 --of 5.",
      mixinStandardHelpOptions = true)
  int create(
      @Mixin ClientOptions opts,
      @Mixin AlertOptions alert,
      @Option(names = "--json", paramLabel = "FILE", description = JSON_HELP) String json) {
    ObjectNode body = json != null ? body(json, alert) : alert.create();
    try (KeelClient client = opts.client()) {
      return show(opts, client.alerts().create(body), "Created");
    }
  }

  @Command(name = "get", description = "Show an alert.", mixinStandardHelpOptions = true)
  int get(@Mixin ClientOptions opts, @Parameters(paramLabel = "ALERT_ID") String alertId) {
    try (KeelClient client = opts.client()) {
      Alert a = client.alerts().get(alertId);
      Output out = opts.out();
      out.print(a.json(), () -> describe(out, a));
    }
    return 0;
  }

  @Command(
      name = "list",
      aliases = "ls",
      description = "List alerts (all pages unless --limit is given).",
      mixinStandardHelpOptions = true)
  int list(
      @Mixin ClientOptions opts,
      @Option(
              names = "--table",
              paramLabel = "TABLE",
              defaultValue = "",
              description = "Only the alerts on this monitored table.")
          String table,
      @Option(names = "--limit", paramLabel = "N", description = "One page of at most N alerts.")
          Integer limit) {
    try (KeelClient client = opts.client()) {
      List<Alert> all;
      String next = "";
      if (limit != null) {
        Page<Alert> p = client.alerts().list(table, positive(limit), "");
        all = p.items();
        next = p.nextPageToken().orElse("");
      } else {
        try (Stream<Alert> s = client.alerts().stream(table)) {
          all = s.toList();
        }
      }
      Output out = opts.out();
      ArrayNode arr = KeelJson.array();
      all.forEach(a -> arr.add(a.json()));
      ObjectNode json = KeelJson.object().set("alerts", arr);
      if (!next.isEmpty()) {
        json.put("next_page_token", next);
      }
      out.print(
          json,
          () -> {
            List<List<String>> rows = new ArrayList<>();
            for (Alert a : all) {
              rows.add(
                  List.of(
                      a.alertId(),
                      a.spec().name(),
                      a.spec().tableName(),
                      rule(a.spec()),
                      a.state(),
                      Output.time(a.lastEvaluatedMs())));
            }
            out.table(
                List.of("ALERT_ID", "NAME", "TABLE", "RULE", "STATE", "LAST_EVALUATED"),
                rows,
                "No alerts.");
          });
      if (!next.isEmpty()) {
        out.hint("More alerts: the next page's token is " + next + ".");
      }
    }
    return 0;
  }

  @Command(
      name = "update",
      description = "Change the fields given (--webhook replaces every webhook).",
      mixinStandardHelpOptions = true)
  int update(
      @Mixin ClientOptions opts,
      @Parameters(paramLabel = "ALERT_ID") String alertId,
      @Mixin AlertOptions alert,
      @Option(names = "--json", paramLabel = "FILE", description = JSON_HELP) String json) {
    ObjectNode body = json != null ? body(json, alert) : alert.update();
    try (KeelClient client = opts.client()) {
      return show(opts, client.alerts().update(alertId, body), "Updated");
    }
  }

  @Command(
      name = "delete",
      description = "Delete an alert and its firings.",
      mixinStandardHelpOptions = true)
  int delete(@Mixin ClientOptions opts, @Parameters(paramLabel = "ALERT_ID") String alertId) {
    try (KeelClient client = opts.client()) {
      client.alerts().delete(alertId);
      opts.out().done("Deleted alert " + alertId + ".");
    }
    return 0;
  }

  @Command(
      name = "firings",
      description = "An alert's firings, newest first: values, job runs, webhook deliveries.",
      mixinStandardHelpOptions = true)
  int firings(
      @Mixin ClientOptions opts,
      @Parameters(paramLabel = "ALERT_ID") String alertId,
      @Option(names = "--limit", paramLabel = "N", description = "At most N firings.")
          Integer limit) {
    try (KeelClient client = opts.client()) {
      List<AlertFiring> all;
      try (Stream<AlertFiring> s = client.alerts().streamFirings(alertId)) {
        all = limit == null ? s.toList() : s.limit(positive(limit)).toList();
      }
      Output out = opts.out();
      ArrayNode arr = KeelJson.array();
      all.forEach(f -> arr.add(f.json()));
      out.print(
          KeelJson.object().set("firings", arr),
          () -> {
            List<List<String>> rows = new ArrayList<>();
            for (AlertFiring f : all) {
              rows.add(
                  List.of(
                      f.firingId(),
                      Output.time(f.firedAtMs()),
                      Output.time(f.window().startMs()) + " .. " + Output.time(f.window().endMs()),
                      number(f.value()),
                      f.jobRunId().isPresent() ? Long.toString(f.jobRunId().getAsLong()) : "",
                      deliveries(f)));
            }
            out.table(
                List.of("FIRING_ID", "FIRED", "WINDOW", "VALUE", "JOB_RUN", "DELIVERIES"),
                rows,
                "No firings.");
          });
    }
    return 0;
  }

  // ------------------------------------------------------------------ helpers

  private static int positive(int limit) {
    if (limit <= 0) {
      throw new IllegalArgumentException("--limit must be positive");
    }
    return limit;
  }

  private static ObjectNode body(String json, AlertOptions alert) {
    if (alert.any()) {
      throw new IllegalArgumentException("--json is the whole alert: give no other alert flags");
    }
    return JsonInput.object(json, "--json", "the alert");
  }

  private static int show(ClientOptions opts, Alert a, String what) {
    Output out = opts.out();
    out.print(
        a.json(),
        () ->
            out.line(
                what
                    + " alert "
                    + a.alertId()
                    + " '"
                    + a.spec().name()
                    + "': "
                    + rule(a.spec())
                    + " ("
                    + a.state()
                    + ")."));
    return 0;
  }

  /** {@code js_distance(age) > 0.2 for 2 of 5}. */
  static String rule(AlertSpec s) {
    return s.metric()
        + s.columnName().map(c -> "(" + c + ")").orElse("")
        + " "
        + OPS.getOrDefault(s.op(), s.op())
        + " "
        + Output.number(s.threshold())
        + s.evaluation().map(e -> " for " + e.violations() + " of " + e.windows()).orElse("");
  }

  private static String number(OptionalDouble v) {
    return v.isPresent() ? Output.number(v.getAsDouble()) : "NULL";
  }

  private static String deliveries(AlertFiring f) {
    List<String> parts = new ArrayList<>();
    for (AlertFiring.Delivery d : f.deliveries()) {
      parts.add(d.state() + d.lastStatus().stream().mapToObj(s -> " " + s).findFirst().orElse(""));
    }
    return String.join(", ", parts);
  }

  private static void describe(Output out, Alert a) {
    AlertSpec s = a.spec();
    List<String[]> f = new ArrayList<>();
    f.add(new String[] {"Alert", a.alertId()});
    f.add(new String[] {"Name", s.name()});
    f.add(new String[] {"Table", s.tableName()});
    f.add(new String[] {"Rule", rule(s)});
    s.sliceKey()
        .ifPresent(k -> f.add(new String[] {"Slice", k + " = " + s.sliceValue().orElse("")}));
    s.modelId().ifPresent(m -> f.add(new String[] {"Model id", m}));
    s.granularity().ifPresent(g -> f.add(new String[] {"Granularity", g}));
    s.driftType().ifPresent(d -> f.add(new String[] {"Drift type", d}));
    f.add(new String[] {"State", a.state()});
    f.add(new String[] {"Last evaluated", Output.time(a.lastEvaluatedMs())});
    for (com.fasterxml.jackson.databind.JsonNode w : a.json().at("/notifications/webhooks")) {
      f.add(
          new String[] {
            "Webhook",
            w.path("url").asText() + (w.path("has_secret").asBoolean(false) ? " (signed)" : "")
          });
    }
    s.runJob()
        .ifPresent(
            r -> {
              List<String> params = new ArrayList<>();
              r.jobParameters().forEach((k, v) -> params.add(k + "=" + v));
              f.add(
                  new String[] {
                    "Runs job",
                    r.jobId() + (params.isEmpty() ? "" : " with " + String.join(", ", params))
                  });
            });
    f.add(new String[] {"Created", Output.time(a.createdAtMs()) + " by " + a.createdBy()});
    out.fields(f);
  }
}
