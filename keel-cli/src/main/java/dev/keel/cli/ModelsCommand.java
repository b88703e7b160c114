package dev.keel.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.client.KeelClient;
import dev.keel.client.KeelJson;
import dev.keel.client.ModelVersion;
import dev.keel.client.ModelVersionStatus;
import dev.keel.client.RegisteredModel;
import dev.keel.client.SecurableUpdate;
import dev.keel.client.VersionLineage;
import dev.keel.core.Page;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code keel models ...}: registered models ({@code catalog.schema.model}), their versions ({@code
 * keel models versions ...}), aliases ({@code keel models alias ...}) and {@code models:/} URIs.
 */
@Command(
    name = "models",
    aliases = "model",
    description = "Register, list and manage models, their versions and aliases.",
    mixinStandardHelpOptions = true,
    synopsisSubcommandLabel = "COMMAND",
    subcommands = {ModelVersionsCommand.class, ModelAliasCommand.class})
final class ModelsCommand {

  @Command(
      name = "create",
      description = "Create a registered model (the schema must exist).",
      mixinStandardHelpOptions = true)
  int create(
      @Mixin ClientOptions opts,
      @Parameters(paramLabel = "FULL_NAME", description = "catalog.schema.model") String fullName,
      @Option(
              names = {"-c", "--comment"},
              paramLabel = "TEXT",
              defaultValue = "",
              description = "A comment.")
          String comment) {
    try (KeelClient client = opts.client()) {
      RegisteredModel m = client.registry().createModel(fullName, comment);
      Output out = opts.out();
      out.print(KeelJson.toJson(m), () -> out.line("Created model '" + m.fullName() + "'."));
    }
    return 0;
  }

  @Command(
      name = "get",
      description = "Show a registered model and its aliases.",
      mixinStandardHelpOptions = true)
  int get(@Mixin ClientOptions opts, @Parameters(paramLabel = "FULL_NAME") String fullName) {
    try (KeelClient client = opts.client()) {
      RegisteredModel m = client.registry().getModel(fullName);
      Output out = opts.out();
      out.print(KeelJson.toJson(m), () -> describe(out, m));
    }
    return 0;
  }

  @Command(
      name = "list",
      aliases = "ls",
      description = "List registered models by name (all pages unless --max-results is given).",
      mixinStandardHelpOptions = true)
  int list(
      @Mixin ClientOptions opts,
      @Parameters(
              paramLabel = "CATALOG[.SCHEMA]",
              arity = "0..1",
              defaultValue = "",
              description = "Only the models of this catalog or schema.")
          String scope,
      @Option(
              names = "--max-results",
              paramLabel = "N",
              defaultValue = "0",
              description = "Print one page of at most N models.")
          int maxResults,
      @Option(
              names = "--page-token",
              paramLabel = "TOKEN",
              defaultValue = "",
              description = "Page to print (from a previous --max-results listing).")
          String pageToken) {
    if (maxResults < 0) {
      throw new IllegalArgumentException("--max-results must not be negative");
    }
    String[] parts = scope.isEmpty() ? new String[0] : scope.split("\\.", -1);
    if (parts.length > 2) {
      throw new IllegalArgumentException(
          "expected CATALOG or CATALOG.SCHEMA to list models of, got '" + scope + "'");
    }
    String catalog = parts.length > 0 ? parts[0] : "";
    String schema = parts.length > 1 ? parts[1] : "";
    try (KeelClient client = opts.client()) {
      List<RegisteredModel> items;
      String next = "";
      if (maxResults > 0 || !pageToken.isEmpty()) {
        Page<RegisteredModel> page =
            client.registry().listModels(catalog, schema, maxResults, pageToken);
        items = page.items();
        next = page.nextPageToken().orElse("");
      } else {
        items = client.registry().streamModels(catalog, schema).toList();
      }
      Output out = opts.out();
      ArrayNode json = KeelJson.list(items, KeelJson::toJson);
      out.print(
          json,
          () ->
              out.table(
                  List.of("NAME", "ALIASES", "COMMENT", "OWNER", "CREATED", "UPDATED"),
                  items.stream()
                      .map(
                          m ->
                              List.of(
                                  m.fullName(),
                                  aliases(m.aliases()),
                                  m.comment(),
                                  m.owner(),
                                  Output.time(m.createdAt()),
                                  Output.time(m.updatedAt())))
                      .toList(),
                  "No models."));
      if (!next.isEmpty()) {
        out.hint("More models: add --page-token " + next);
      }
    }
    return 0;
  }

  @Command(
      name = "update",
      description = "Rename a registered model (within its schema) or change its comment.",
      mixinStandardHelpOptions = true)
  int update(
      @Mixin ClientOptions opts,
      @Parameters(paramLabel = "FULL_NAME") String fullName,
      @Option(names = "--new-name", paramLabel = "NAME", description = "Rename the model.")
          String newName,
      @Option(
              names = {"-c", "--comment"},
              paramLabel = "TEXT",
              description = "New comment (\"\" clears it).")
          String comment) {
    SecurableUpdate u = SecurableUpdate.none();
    if (newName != null) {
      u = u.withNewName(newName);
    }
    if (comment != null) {
      u = u.withComment(comment);
    }
    if (u.isEmpty()) {
      throw new IllegalArgumentException("nothing to update: give --new-name or --comment");
    }
    try (KeelClient client = opts.client()) {
      RegisteredModel m = client.registry().updateModel(fullName, u);
      Output out = opts.out();
      out.print(KeelJson.toJson(m), () -> out.line("Updated model '" + m.fullName() + "'."));
    }
    return 0;
  }

  @Command(
      name = "delete",
      description = "Delete a registered model.",
      mixinStandardHelpOptions = true)
  int delete(
      @Mixin ClientOptions opts,
      @Parameters(paramLabel = "FULL_NAME") String fullName,
      @Option(
              names = {"-f", "--force"},
              description = "Also delete its versions (else a model with versions is refused).")
          boolean force) {
    try (KeelClient client = opts.client()) {
      client.registry().deleteModel(fullName, force);
      opts.out().done("Deleted model '" + fullName + "'.");
    }
    return 0;
  }

  @Command(
      name = "register",
      description = {
        "Register a local MLflow model directory (MLmodel + its files) as a new version:"
            + " create the version, upload the directory to its storage location, finalize.",
        "Prints the READY version; exits 1 with the reason on FAILED_REGISTRATION."
      },
      mixinStandardHelpOptions = true)
  int register(
      @Mixin ClientOptions opts,
      @Parameters(index = "0", paramLabel = "FULL_NAME", description = "catalog.schema.model")
          String fullName,
      @Parameters(index = "1", paramLabel = "MODEL_DIR", description = "Local model directory.")
          Path dir,
      @Option(
              names = "--run-id",
              paramLabel = "RUN_ID",
              defaultValue = "",
              description = "The run the model comes from (recorded as the version's run).")
          String runId) {
    try (KeelClient client = opts.client()) {
      ModelVersion v = client.registry().registerModel(fullName, dir, runId);
      return printFinalized(opts, v);
    }
  }

  @Command(
      name = "resolve",
      description =
          "Resolve models:/catalog.schema.model/<version> or models:/catalog.schema.model@<alias>"
              + " to its version.",
      mixinStandardHelpOptions = true)
  int resolve(@Mixin ClientOptions opts, @Parameters(paramLabel = "MODEL_URI") String uri) {
    try (KeelClient client = opts.client()) {
      ModelVersion v = client.registry().resolve(uri);
      Output out = opts.out();
      out.print(KeelJson.toJson(v), () -> describeVersion(out, v));
    }
    return 0;
  }

  @Command(
      name = "lineage",
      description = {
        "Show where a model's versions came from: source, run (experiment, code version) and the"
            + " run's datasets, as a tree (all versions unless --version or --max-results).",
        "-o json prints the server's lineage answer."
      })
  int lineage(
      @Mixin ClientOptions opts,
      // --version names a model version here, so only --help is mixed in (not -V/--version).
      @Option(
              names = {"-h", "--help"},
              usageHelp = true,
              description = "Show this help message and exit.")
          boolean help,
      @Parameters(paramLabel = "FULL_NAME", description = "catalog.schema.model") String fullName,
      @Option(names = "--version", paramLabel = "N", description = "Only this version.")
          Long version,
      @Option(
              names = "--max-results",
              paramLabel = "N",
              defaultValue = "0",
              description = "Print one page of at most N versions.")
          int maxResults,
      @Option(
              names = "--page-token",
              paramLabel = "TOKEN",
              defaultValue = "",
              description = "Page to print (from a previous --max-results listing).")
          String pageToken) {
    if (maxResults < 0) {
      throw new IllegalArgumentException("--max-results must not be negative");
    }
    if (version != null && version < 1) {
      throw new IllegalArgumentException("--version must be a positive integer");
    }
    if (version != null && (maxResults > 0 || !pageToken.isEmpty())) {
      throw new IllegalArgumentException(
          "--version shows one version; drop --max-results/--page-token");
    }
    try (KeelClient client = opts.client()) {
      Output out = opts.out();
      if (version != null) {
        VersionLineage l = client.registry().versionLineage(fullName, version);
        out.print(KeelJson.toJson(l), () -> out.tree(Lineage.model(l.modelFullName(), List.of(l))));
        return 0;
      }
      RegisteredModel m = client.registry().getModel(fullName);
      List<VersionLineage> items;
      String next = "";
      if (maxResults > 0 || !pageToken.isEmpty()) {
        Page<VersionLineage> page =
            client.registry().modelLineage(m.fullName(), maxResults, pageToken);
        items = page.items();
        next = page.nextPageToken().orElse("");
      } else {
        items = client.registry().streamModelLineage(m.fullName()).toList();
      }
      ObjectNode json = KeelJson.object();
      json.put("full_name", m.fullName());
      json.put("catalog_name", m.catalogName());
      json.put("schema_name", m.schemaName());
      json.put("name", m.name());
      json.set("model_versions", KeelJson.list(items, KeelJson::toJson));
      if (!next.isEmpty()) {
        json.put("next_page_token", next);
      }
      out.print(json, () -> out.tree(Lineage.model(m.fullName(), items)));
      if (!next.isEmpty()) {
        out.hint("More versions: add --page-token " + next);
      }
    }
    return 0;
  }

  // ------------------------------------------------------------------ shared printing

  /**
   * Prints a finalized version; on {@code FAILED_REGISTRATION} also the reason as an error on
   * stderr, and answers exit code 1.
   */
  static int printFinalized(ClientOptions opts, ModelVersion v) {
    Output out = opts.out();
    out.print(KeelJson.toJson(v), () -> describeVersion(out, v));
    if (v.status() == ModelVersionStatus.FAILED_REGISTRATION) {
      out.hint(
          "error: FAILED_REGISTRATION: "
              + (v.statusMessage().isEmpty()
                  ? "the model package was refused"
                  : v.statusMessage()));
      return Main.EXIT_FAILURE;
    }
    return 0;
  }

  static void describe(Output out, RegisteredModel m) {
    List<String[]> f = new ArrayList<>();
    f.add(new String[] {"Name", m.fullName()});
    f.add(new String[] {"Comment", m.comment()});
    f.add(new String[] {"Owner", m.owner()});
    f.add(new String[] {"Storage", m.storageLocation()});
    f.add(new String[] {"Created", Output.time(m.createdAt()) + " by " + m.createdBy()});
    f.add(new String[] {"Updated", Output.time(m.updatedAt()) + " by " + m.updatedBy()});
    f.add(new String[] {"ID", m.id()});
    out.fields(f);
    if (!m.aliases().isEmpty()) {
      out.line("");
      out.table(
          List.of("ALIAS", "VERSION"),
          m.aliases().entrySet().stream()
              .map(e -> List.of(e.getKey(), Long.toString(e.getValue())))
              .toList(),
          "");
    }
  }

  static void describeVersion(Output out, ModelVersion v) {
    List<String[]> f = new ArrayList<>();
    f.add(new String[] {"Model", v.modelFullName()});
    f.add(new String[] {"Version", Long.toString(v.version())});
    f.add(new String[] {"URI", v.uri()});
    f.add(new String[] {"Status", v.status().name()});
    if (!v.statusMessage().isEmpty()) {
      f.add(new String[] {"Reason", v.statusMessage()});
    }
    f.add(new String[] {"Aliases", String.join(", ", v.aliases())});
    f.add(new String[] {"Source", v.source()});
    f.add(new String[] {"Run", v.runId()});
    f.add(new String[] {"Storage", v.storageLocation()});
    f.add(new String[] {"Comment", v.comment()});
    f.add(new String[] {"Created", Output.time(v.createdAt()) + " by " + v.createdBy()});
    f.add(new String[] {"Updated", Output.time(v.updatedAt()) + " by " + v.updatedBy()});
    out.fields(f);
  }

  static String aliases(Map<String, Long> aliases) {
    return aliases.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(", "));
  }
}
