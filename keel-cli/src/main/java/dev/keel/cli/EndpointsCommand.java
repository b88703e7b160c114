package dev.keel.cli;

import dev.keel.client.EndpointQueryResult;
import dev.keel.client.KeelClient;
import dev.keel.client.KeelJson;
import dev.keel.client.ServedEntitySpec;
import dev.keel.client.ServingEndpointInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code keel endpoints create|get|list|update|ai-gateway|delete|query}: model serving endpoints.
 */
@Command(
    name = "endpoints",
    aliases = "endpoint",
    description = "Create, update, query and delete model serving endpoints.",
    mixinStandardHelpOptions = true,
    synopsisSubcommandLabel = "COMMAND")
final class EndpointsCommand {
  private static final String ENTITY_HELP =
      "A served entity [NAME=]catalog.schema.model:VERSION, VERSION a number or @alias"
          + " (repeatable).";
  private static final String TABLE_HELP =
      "Log every request to the inference table CATALOG.SCHEMA.PREFIX_payload (created if"
          + " missing).";
  private static final String TRAFFIC_HELP =
      "Traffic for a served entity, ENTITY=PERCENT (repeatable; percentages sum to 100).";

  @Command(
      name = "create",
      description = "Create an endpoint; it loads in the background (--wait to wait).",
      mixinStandardHelpOptions = true)
  int create(
      @Mixin ClientOptions opts,
      @Parameters(paramLabel = "NAME") String name,
      @Option(names = "--entity", paramLabel = "SPEC", required = true, description = ENTITY_HELP)
          List<String> entities,
      @Option(names = "--traffic", paramLabel = "ENTITY=PERCENT", description = TRAFFIC_HELP)
          LinkedHashMap<String, Integer> traffic,
      @Option(
              names = "--inference-table",
              paramLabel = "CATALOG.SCHEMA.PREFIX",
              description = TABLE_HELP)
          String inferenceTable,
      @Option(names = "--wait", description = "Wait until the config is loaded (or failed).")
          boolean wait) {
    try (KeelClient client = opts.client()) {
      ServingEndpointInfo e =
          client
              .endpoints()
              .create(
                  name,
                  entities(entities),
                  traffic == null ? Map.of() : traffic,
                  Optional.ofNullable(inferenceTable));
      return show(opts, client, e, wait, "Created endpoint '" + name + "'");
    }
  }

  @Command(
      name = "update",
      description =
          "Replace an endpoint's served entities and traffic (the old config serves until"
              + " the new one is loaded).",
      mixinStandardHelpOptions = true)
  int update(
      @Mixin ClientOptions opts,
      @Parameters(paramLabel = "NAME") String name,
      @Option(names = "--entity", paramLabel = "SPEC", required = true, description = ENTITY_HELP)
          List<String> entities,
      @Option(names = "--traffic", paramLabel = "ENTITY=PERCENT", description = TRAFFIC_HELP)
          LinkedHashMap<String, Integer> traffic,
      @Option(names = "--wait", description = "Wait until the config is loaded (or failed).")
          boolean wait) {
    try (KeelClient client = opts.client()) {
      ServingEndpointInfo e =
          client
              .endpoints()
              .updateConfig(name, entities(entities), traffic == null ? Map.of() : traffic);
      return show(opts, client, e, wait, "Updating endpoint '" + name + "'");
    }
  }

  /** Exactly one of {@code --inference-table} and {@code --no-inference-table}. */
  static final class TableChoice {
    @Option(
        names = "--inference-table",
        paramLabel = "CATALOG.SCHEMA.PREFIX",
        required = true,
        description = TABLE_HELP)
    String table;

    @Option(
        names = "--no-inference-table",
        required = true,
        description = "Stop logging requests (rows already logged stay).")
    boolean none;
  }

  @Command(
      name = "ai-gateway",
      description =
          "Turn an endpoint's inference table on, to another table, or off; serving is not"
              + " interrupted.",
      mixinStandardHelpOptions = true)
  int aiGateway(
      @Mixin ClientOptions opts,
      @Parameters(paramLabel = "NAME") String name,
      @ArgGroup(exclusive = true, multiplicity = "1") TableChoice choice) {
    try (KeelClient client = opts.client()) {
      Optional<String> now =
          client
              .endpoints()
              .setInferenceTable(name, choice.none ? Optional.empty() : Optional.of(choice.table));
      Output out = opts.out();
      out.print(
          KeelJson.object().put("inference_table", now.map(t -> t + "_payload").orElse(null)),
          () ->
              out.done(
                  now.map(t -> "Endpoint '" + name + "' logs its requests to " + t + "_payload.")
                      .orElse("Endpoint '" + name + "' does not log its requests.")));
    }
    return 0;
  }

  @Command(name = "get", description = "Show an endpoint.", mixinStandardHelpOptions = true)
  int get(@Mixin ClientOptions opts, @Parameters(paramLabel = "NAME") String name) {
    try (KeelClient client = opts.client()) {
      ServingEndpointInfo e = client.endpoints().get(name);
      Output out = opts.out();
      out.print(e.json(), () -> describe(out, e));
    }
    return 0;
  }

  @Command(
      name = "list",
      aliases = "ls",
      description = "List endpoints.",
      mixinStandardHelpOptions = true)
  int list(@Mixin ClientOptions opts) {
    try (KeelClient client = opts.client()) {
      List<ServingEndpointInfo> all = client.endpoints().list();
      Output out = opts.out();
      var arr = KeelJson.array();
      all.forEach(e -> arr.add(e.json()));
      out.print(
          KeelJson.object().set("endpoints", arr),
          () -> {
            List<List<String>> rows = new ArrayList<>();
            for (ServingEndpointInfo e : all) {
              rows.add(
                  List.of(
                      e.name(),
                      e.ready(),
                      e.configUpdate(),
                      Long.toString(e.configVersion()),
                      traffic(e)));
            }
            out.table(
                List.of("NAME", "READY", "CONFIG_UPDATE", "VERSION", "TRAFFIC"),
                rows,
                "No serving endpoints.");
          });
    }
    return 0;
  }

  @Command(name = "delete", description = "Delete an endpoint.", mixinStandardHelpOptions = true)
  int delete(@Mixin ClientOptions opts, @Parameters(paramLabel = "NAME") String name) {
    try (KeelClient client = opts.client()) {
      client.endpoints().delete(name);
      opts.out().done("Deleted endpoint '" + name + "'.");
    }
    return 0;
  }

  @Command(
      name = "query",
      description =
          "Score a request: JSON (dataframe_split, dataframe_records, instances, inputs)"
              + " or CSV with --content-type text/csv.",
      mixinStandardHelpOptions = true)
  int query(
      @Mixin ClientOptions opts,
      @Parameters(paramLabel = "NAME") String name,
      @Option(names = "--data", paramLabel = "BODY", description = "The request body, inline.")
          String data,
      @Option(names = "--file", paramLabel = "PATH", description = "The request body, from a file.")
          Path file,
      @Option(
              names = "--content-type",
              paramLabel = "TYPE",
              defaultValue = "application/json",
              description = "application/json (default) or text/csv.")
          String contentType) {
    byte[] body;
    if ((data == null) == (file == null)) {
      throw new IllegalArgumentException("give the request as --data or --file (one of them)");
    }
    if (data != null) {
      body = data.getBytes(StandardCharsets.UTF_8);
    } else {
      try {
        body = Files.readAllBytes(file);
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read '" + file + "': " + e.getMessage(), e);
      }
    }
    try (KeelClient client = opts.client()) {
      EndpointQueryResult r = client.endpoints().query(name, contentType, body);
      Output out = opts.out();
      out.print(
          r.response(),
          () -> {
            out.hint("served by " + r.servedEntity());
            out.line(KeelJson.write(r.response(), false));
          });
    }
    return 0;
  }

  private static int show(
      ClientOptions opts, KeelClient client, ServingEndpointInfo e, boolean wait, String what) {
    ServingEndpointInfo shown = e;
    if (wait) {
      shown = client.endpoints().awaitNotUpdating(e.name(), Duration.ofMinutes(10));
    }
    ServingEndpointInfo s = shown;
    Output out = opts.out();
    out.print(
        s.json(),
        () -> {
          out.line(what + ": " + s.ready() + ", " + s.configUpdate() + ".");
          s.updateMessage().ifPresent(m -> out.line(m));
        });
    return s.configUpdate().equals("UPDATE_FAILED") ? Main.EXIT_FAILURE : 0;
  }

  private static void describe(Output out, ServingEndpointInfo e) {
    List<String[]> f = new ArrayList<>();
    f.add(new String[] {"Name", e.name()});
    f.add(new String[] {"Ready", e.ready()});
    f.add(new String[] {"Config update", e.configUpdate()});
    e.updateMessage().ifPresent(m -> f.add(new String[] {"Update message", m}));
    f.add(new String[] {"Config version", Long.toString(e.configVersion())});
    f.add(
        new String[] {
          "Inference table", e.inferenceTable().map(t -> t + "_payload").orElse("(none)")
        });
    for (ServedEntitySpec s : e.servedEntities()) {
      f.add(
          new String[] {
            "Entity " + s.name(),
            s.entityName()
                + ":"
                + s.entityVersion()
                + " ("
                + e.traffic().getOrDefault(s.name(), 0)
                + "%)"
          });
    }
    out.fields(f);
  }

  private static String traffic(ServingEndpointInfo e) {
    List<String> parts = new ArrayList<>();
    e.traffic().forEach((k, v) -> parts.add(k + "=" + v));
    return String.join(",", parts);
  }

  /** Parses {@code [NAME=]catalog.schema.model:VERSION}. */
  static List<ServedEntitySpec> entities(List<String> specs) {
    List<ServedEntitySpec> out = new ArrayList<>();
    for (String s : specs) {
      String name = "";
      String rest = s;
      int eq = s.indexOf('=');
      if (eq >= 0) {
        name = s.substring(0, eq);
        rest = s.substring(eq + 1);
      }
      int colon = rest.lastIndexOf(':');
      if (colon <= 0 || colon == rest.length() - 1) {
        throw new IllegalArgumentException(
            "--entity '" + s + "': expected [NAME=]catalog.schema.model:VERSION");
      }
      out.add(new ServedEntitySpec(name, rest.substring(0, colon), rest.substring(colon + 1)));
    }
    return out;
  }
}
