package dev.keel.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.keel.client.KeelClient;
import dev.keel.client.KeelJson;
import dev.keel.client.ModelVersion;
import dev.keel.core.Page;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code keel models versions ...} (also {@code version}): the versions of a registered model. */
@Command(
    name = "versions",
    aliases = "version",
    description = "Create, list, finalize and delete model versions.",
    mixinStandardHelpOptions = true,
    synopsisSubcommandLabel = "COMMAND")
final class ModelVersionsCommand {

  @Command(
      name = "create",
      description = {
        "Create a version in PENDING_REGISTRATION from a source already in Keel's storage"
            + " (runs:/<run_id>/<path> or mlflow-artifacts:/<path>); then finalize it.",
        "To register a local directory, use 'keel models register'."
      },
      mixinStandardHelpOptions = true)
  int create(
      @Mixin ClientOptions opts,
      @Parameters(index = "0", paramLabel = "FULL_NAME", description = "catalog.schema.model")
          String fullName,
      @Parameters(index = "1", paramLabel = "SOURCE", description = "Where the model files are.")
          String source,
      @Option(
              names = "--run-id",
              paramLabel = "RUN_ID",
              defaultValue = "",
              description = "The run the model comes from.")
          String runId) {
    try (KeelClient client = opts.client()) {
      ModelVersion v = client.registry().createVersion(fullName, source, runId);
      Output out = opts.out();
      out.print(
          KeelJson.toJson(v),
          () ->
              out.line(
                  "Created version "
                      + v.version()
                      + " of '"
                      + v.modelFullName()
                      + "' ("
                      + v.status()
                      + "); storage location "
                      + v.storageLocation()));
    }
    return 0;
  }

  @Command(name = "get", description = "Show a model version.", mixinStandardHelpOptions = true)
  int get(
      @Mixin ClientOptions opts,
      @Parameters(index = "0", paramLabel = "FULL_NAME") String fullName,
      @Parameters(index = "1", paramLabel = "VERSION") long version) {
    try (KeelClient client = opts.client()) {
      ModelVersion v = client.registry().getVersion(fullName, version);
      Output out = opts.out();
      out.print(KeelJson.toJson(v), () -> ModelsCommand.describeVersion(out, v));
    }
    return 0;
  }

  @Command(
      name = "list",
      aliases = "ls",
      description = "List a model's versions (all pages unless --max-results is given).",
      mixinStandardHelpOptions = true)
  int list(
      @Mixin ClientOptions opts,
      @Parameters(paramLabel = "FULL_NAME") String fullName,
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
    try (KeelClient client = opts.client()) {
      List<ModelVersion> items;
      String next = "";
      if (maxResults > 0 || !pageToken.isEmpty()) {
        Page<ModelVersion> page = client.registry().listVersions(fullName, maxResults, pageToken);
        items = page.items();
        next = page.nextPageToken().orElse("");
      } else {
        items = client.registry().streamVersions(fullName).toList();
      }
      Output out = opts.out();
      ArrayNode json = KeelJson.list(items, KeelJson::toJson);
      out.print(
          json,
          () ->
              out.table(
                  List.of("VERSION", "STATUS", "ALIASES", "SOURCE", "RUN", "CREATED"),
                  items.stream()
                      .map(
                          v ->
                              List.of(
                                  Long.toString(v.version()),
                                  v.status().name(),
                                  String.join(", ", v.aliases()),
                                  v.source(),
                                  v.runId(),
                                  Output.time(v.createdAt())))
                      .toList(),
                  "No versions."));
      if (!next.isEmpty()) {
        out.hint("More versions: add --page-token " + next);
      }
    }
    return 0;
  }

  @Command(
      name = "finalize",
      description = {
        "Check the version's model package: READY, or FAILED_REGISTRATION with the reason.",
        "Exits 1 on FAILED_REGISTRATION."
      },
      mixinStandardHelpOptions = true)
  int finalizeVersion(
      @Mixin ClientOptions opts,
      @Parameters(index = "0", paramLabel = "FULL_NAME") String fullName,
      @Parameters(index = "1", paramLabel = "VERSION") long version) {
    try (KeelClient client = opts.client()) {
      return ModelsCommand.printFinalized(
          opts, client.registry().finalizeVersion(fullName, version));
    }
  }

  @Command(
      name = "delete",
      description = "Delete a model version (its number is never reused).",
      mixinStandardHelpOptions = true)
  int delete(
      @Mixin ClientOptions opts,
      @Parameters(index = "0", paramLabel = "FULL_NAME") String fullName,
      @Parameters(index = "1", paramLabel = "VERSION") long version) {
    try (KeelClient client = opts.client()) {
      client.registry().deleteVersion(fullName, version);
      opts.out().done("Deleted version " + version + " of '" + fullName + "'.");
    }
    return 0;
  }
}
