package dev.keel.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.client.KeelClient;
import dev.keel.client.KeelJson;
import dev.keel.client.MonitorCustomMetric;
import dev.keel.client.MonitorInfo;
import dev.keel.client.MonitorProfile;
import dev.keel.client.MonitorRefresh;
import dev.keel.client.MonitorSettings;
import dev.keel.client.MonitorsClient;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code keel monitors create|get|update|delete|refresh|refreshes|cancel-refresh}: data and model
 * quality monitors on tables (Lakehouse Monitoring's API).
 */
@Command(
    name = "monitors",
    aliases = "monitor",
    description = "Create, refresh and inspect data and model quality monitors on tables.",
    mixinStandardHelpOptions = true,
    synopsisSubcommandLabel = "COMMAND")
final class MonitorsCommand {
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

  /** Waits longer than any refresh is expected to last when {@code --timeout} is not given. */
  private static final Duration FOREVER = Duration.ofDays(3650);

  private static final String JSON_HELP =
      "The full request body (CreateMonitor JSON) from a file, or - for standard input; no"
          + " other settings flags.";

  @Command(
      name = "create",
      description =
          "Create a monitor on TABLE, or with --from-endpoint on a serving endpoint's"
              + " predictions table.",
      mixinStandardHelpOptions = true)
  int create(
      @Mixin ClientOptions opts,
      @Parameters(paramLabel = "TABLE", arity = "0..1", description = "catalog.schema.table")
          String table,
      @Mixin MonitorOptions settings,
      @Option(names = "--json", paramLabel = "FILE", description = JSON_HELP) String json,
      @Option(
              names = "--from-endpoint",
              paramLabel = "NAME",
              description =
                  "Monitor the predictions table of this serving endpoint's inference table"
                      + " (inference log: request_time, prediction, model_id; --problem-type"
                      + " required; labels with --label-table, joined on prediction_id).")
          String endpoint) {
    if (endpoint != null) {
      if (table != null || json != null) {
        throw new IllegalArgumentException("--from-endpoint takes no TABLE and no --json");
      }
      try (KeelClient client = opts.client()) {
        return show(opts, fromEndpoint(client.monitors(), endpoint, settings), "Created");
      }
    }
    if (table == null) {
      throw new IllegalArgumentException("give the TABLE to monitor (or --from-endpoint NAME)");
    }
    try (KeelClient client = opts.client()) {
      MonitorInfo m =
          json != null
              ? client.monitors().create(table, body(json, settings))
              : client.monitors().create(table, settings.create());
      return show(opts, m, "Created");
    }
  }

  /** The monitor {@code --from-endpoint} creates; the other settings flags refine it. */
  private static MonitorInfo fromEndpoint(
      MonitorsClient monitors, String endpoint, MonitorOptions o) {
    if (o.problemType == null) {
      throw new IllegalArgumentException("--from-endpoint needs --problem-type");
    }
    if (o.snapshot || o.timeSeries != null || o.inferenceLog) {
      throw new IllegalArgumentException(
          "--from-endpoint makes an inference log monitor: no --snapshot or --time-series");
    }
    MonitorsClient.EndpointMonitorPlan plan =
        monitors.planForEndpoint(
            endpoint,
            MonitorProfile.ProblemType.parse(o.problemType),
            Optional.ofNullable(o.labelTable),
            o.labelCol == null ? "label" : o.labelCol,
            o.granularities == null ? List.of() : o.granularities);
    MonitorSettings s = o.update(plan.settings());
    return monitors.create(plan.tableName(), s);
  }

  @Command(name = "get", description = "Show a table's monitor.", mixinStandardHelpOptions = true)
  int get(@Mixin ClientOptions opts, @Parameters(paramLabel = "TABLE") String table) {
    try (KeelClient client = opts.client()) {
      MonitorInfo m = client.monitors().get(table);
      Output out = opts.out();
      out.print(m.json(), () -> describe(out, m));
    }
    return 0;
  }

  @Command(
      name = "update",
      description =
          "Change a monitor: the flags given replace those settings, the others stay (--json"
              + " replaces them all).",
      mixinStandardHelpOptions = true)
  int update(
      @Mixin ClientOptions opts,
      @Parameters(paramLabel = "TABLE") String table,
      @Mixin MonitorOptions settings,
      @Option(names = "--json", paramLabel = "FILE", description = JSON_HELP) String json) {
    try (KeelClient client = opts.client()) {
      MonitorInfo m;
      if (json != null) {
        m = client.monitors().update(table, body(json, settings));
      } else {
        if (!settings.any()) {
          throw new IllegalArgumentException("nothing to change: give a settings flag or --json");
        }
        m =
            client
                .monitors()
                .update(table, settings.update(client.monitors().get(table).settings()));
      }
      return show(opts, m, "Updated");
    }
  }

  @Command(
      name = "delete",
      description = "Delete a table's monitor (its output tables stay).",
      mixinStandardHelpOptions = true)
  int delete(@Mixin ClientOptions opts, @Parameters(paramLabel = "TABLE") String table) {
    try (KeelClient client = opts.client()) {
      client.monitors().delete(table);
      opts.out().done("Deleted the monitor of " + table + " (its metric tables stay).");
    }
    return 0;
  }

  @Command(
      name = "refresh",
      description = "Start a refresh of a monitor's metrics (--wait to wait for it).",
      mixinStandardHelpOptions = true)
  int refresh(
      @Mixin ClientOptions opts,
      @Parameters(paramLabel = "TABLE") String table,
      @Option(
              names = "--wait",
              description =
                  "Wait for the refresh to end, printing each state; exit 1 unless SUCCESS.")
          boolean wait,
      @Option(
              names = "--timeout",
              paramLabel = "SECONDS",
              defaultValue = "0",
              description = "With --wait: give up after SECONDS (default: wait until it ends).")
          long timeoutSeconds) {
    if (timeoutSeconds < 0) {
      throw new IllegalArgumentException("--timeout must not be negative");
    }
    try (KeelClient client = opts.client()) {
      Output out = opts.out();
      MonitorRefresh r = client.monitors().refresh(table);
      if (!wait) {
        out.print(
            r.json(),
            () -> out.line("Started refresh " + r.refreshId() + " of " + table + ": " + r.state()));
        return 0;
      }
      out.hint("Refresh " + r.refreshId() + " of " + table + " started; waiting for it to end.");
      long started = System.nanoTime();
      MonitorRefresh end =
          client
              .monitors()
              .waitForRefresh(
                  table,
                  r.refreshId(),
                  timeoutSeconds == 0 ? FOREVER : Duration.ofSeconds(timeoutSeconds),
                  x -> progress(out, x));
      double secs = (System.nanoTime() - started) / 1e9;
      out.print(
          end.json(),
          () ->
              out.line(
                  String.format(
                      "Refresh %d of %s ended %s after %.1fs.%s",
                      end.refreshId(),
                      table,
                      end.state(),
                      secs,
                      end.message().map(m -> " " + m).orElse(""))));
      return end.succeeded() ? 0 : Main.EXIT_FAILURE;
    }
  }

  /** A line per state of a waited refresh: on stdout in table mode, on stderr in JSON mode. */
  private static void progress(Output out, MonitorRefresh r) {
    String line =
        LocalTime.now().format(CLOCK)
            + "  "
            + r.state()
            + r.message().map(m -> "  " + m).orElse("");
    if (out.json()) {
      out.hint(line);
    } else {
      out.line(line);
    }
  }

  @Command(
      name = "refreshes",
      description = "List a monitor's refreshes, newest first, or show one.",
      mixinStandardHelpOptions = true)
  int refreshes(
      @Mixin ClientOptions opts,
      @Parameters(index = "0", paramLabel = "TABLE") String table,
      @Parameters(index = "1", paramLabel = "REFRESH_ID", arity = "0..1") Long refreshId) {
    try (KeelClient client = opts.client()) {
      Output out = opts.out();
      if (refreshId != null) {
        MonitorRefresh r = client.monitors().getRefresh(table, refreshId);
        out.print(r.json(), () -> out.fields(refreshFields(r)));
        return 0;
      }
      List<MonitorRefresh> all = client.monitors().listRefreshes(table);
      ArrayNode arr = KeelJson.array();
      all.forEach(r -> arr.add(r.json()));
      out.print(
          KeelJson.object().set("refreshes", arr),
          () -> {
            List<List<String>> rows = new ArrayList<>();
            for (MonitorRefresh r : all) {
              rows.add(
                  List.of(
                      Long.toString(r.refreshId()),
                      r.state(),
                      r.trigger(),
                      Output.time(r.startTimeMs()),
                      Output.time(r.endTimeMs()),
                      r.message().orElse("")));
            }
            out.table(
                List.of("REFRESH_ID", "STATE", "TRIGGER", "STARTED", "ENDED", "MESSAGE"),
                rows,
                "No refreshes.");
          });
    }
    return 0;
  }

  @Command(
      name = "cancel-refresh",
      description = "Cancel a pending or running refresh.",
      mixinStandardHelpOptions = true)
  int cancelRefresh(
      @Mixin ClientOptions opts,
      @Parameters(index = "0", paramLabel = "TABLE") String table,
      @Parameters(index = "1", paramLabel = "REFRESH_ID") long refreshId) {
    try (KeelClient client = opts.client()) {
      client.monitors().cancelRefresh(table, refreshId);
      opts.out().done("Asked refresh " + refreshId + " of " + table + " to cancel.");
    }
    return 0;
  }

  // ------------------------------------------------------------------ helpers

  private static ObjectNode body(String json, MonitorOptions settings) {
    if (settings.any()) {
      throw new IllegalArgumentException("--json is the whole body: give no other settings flags");
    }
    return JsonInput.object(json, "--json", "the monitor");
  }

  private static int show(ClientOptions opts, MonitorInfo m, String what) {
    Output out = opts.out();
    out.print(
        m.json(),
        () -> {
          out.line(what + " the monitor of " + m.tableName() + " (" + m.status() + ").");
          out.line("Metrics: " + m.profileMetricsTableName() + ", " + m.driftMetricsTableName());
        });
    return 0;
  }

  private static List<String[]> refreshFields(MonitorRefresh r) {
    List<String[]> f = new ArrayList<>();
    f.add(new String[] {"Refresh", Long.toString(r.refreshId())});
    f.add(new String[] {"State", r.state()});
    f.add(new String[] {"Trigger", r.trigger()});
    f.add(new String[] {"Started", Output.time(r.startTimeMs())});
    f.add(new String[] {"Ended", Output.time(r.endTimeMs())});
    r.message().ifPresent(m -> f.add(new String[] {"Message", m}));
    return f;
  }

  private static void describe(Output out, MonitorInfo m) {
    MonitorSettings s = m.settings();
    List<String[]> f = new ArrayList<>();
    f.add(new String[] {"Table", m.tableName()});
    f.add(new String[] {"Status", m.status()});
    f.add(new String[] {"Profile", profile(s.profile())});
    f.add(new String[] {"Profile metrics", m.profileMetricsTableName()});
    f.add(new String[] {"Drift metrics", m.driftMetricsTableName()});
    f.add(new String[] {"Baseline", s.baselineTableName().orElse("(none)")});
    f.add(
        new String[] {
          "Slices", s.slicingExprs().isEmpty() ? "(none)" : String.join(", ", s.slicingExprs())
        });
    for (MonitorCustomMetric c : s.customMetrics()) {
      f.add(new String[] {"Custom metric " + c.name(), c.type() + ": " + c.definition()});
    }
    f.add(
        new String[] {
          "Schedule",
          s.schedule()
              .map(
                  c ->
                      c.quartzCronExpression()
                          + " ("
                          + c.timezoneId()
                          + (c.paused() ? ", paused)" : ")"))
              .orElse("(none)")
        });
    s.labelJoin()
        .ifPresent(j -> f.add(new String[] {"Labels", j.tableName() + " joined on " + j.keyCol()}));
    f.add(new String[] {"Refresh on data change", Boolean.toString(s.refreshOnDataChange())});
    f.add(new String[] {"Version", Long.toString(m.monitorVersion())});
    m.latestMonitorFailureMsg().ifPresent(e -> f.add(new String[] {"Last failure", e}));
    out.fields(f);
  }

  private static String profile(MonitorProfile p) {
    return switch (p) {
      case MonitorProfile.Snapshot x -> "snapshot";
      case MonitorProfile.TimeSeries t ->
          "time series on " + t.timestampCol() + " by " + String.join(", ", t.granularities());
      case MonitorProfile.InferenceLog i ->
          "inference log ("
              + i.problemType().name().toLowerCase(java.util.Locale.ROOT)
              + ") on "
              + i.timestampCol()
              + " by "
              + String.join(", ", i.granularities())
              + "; prediction "
              + i.predictionCol()
              + ", model id "
              + i.modelIdCol()
              + i.labelCol().map(c -> ", label " + c).orElse("")
              + i.predictionProbaCol().map(c -> ", probability " + c).orElse("");
    };
  }
}
