package dev.keel.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.keel.client.Experiment;
import dev.keel.client.ExperimentQuery;
import dev.keel.client.KeelClient;
import dev.keel.client.KeelClientException;
import dev.keel.client.KeelJson;
import dev.keel.client.Tag;
import dev.keel.client.ViewType;
import dev.keel.core.Page;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code keel experiments ...}: create, inspect and manage experiments. */
@Command(
    name = "experiments",
    aliases = "experiment",
    description = "Create, list and manage experiments.",
    mixinStandardHelpOptions = true,
    synopsisSubcommandLabel = "COMMAND")
final class ExperimentsCommand {

  @Command(name = "create", description = "Create an experiment.", mixinStandardHelpOptions = true)
  int create(
      @Mixin ClientOptions opts,
      @Parameters(paramLabel = "NAME", description = "Unique experiment name.") String name,
      @Option(
              names = "--artifact-location",
              paramLabel = "URI",
              defaultValue = "",
              description = "Artifact root URI (default: chosen by the server).")
          String artifactLocation,
      @Option(
              names = {"-t", "--tag"},
              paramLabel = "KEY=VALUE",
              description = "A tag to set (repeatable).")
          LinkedHashMap<String, String> tags) {
    try (KeelClient client = opts.client()) {
      String id = client.tracking().createExperiment(name, artifactLocation, tagList(tags));
      Output out = opts.out();
      out.print(
          KeelJson.object().put("experiment_id", id),
          () -> out.line("Created experiment '" + name + "' with id " + id + "."));
    }
    return 0;
  }

  static final class Selector {
    @Parameters(paramLabel = "ID", description = "Experiment id.")
    String id;

    @Option(names = "--name", paramLabel = "NAME", description = "Look up by name instead.")
    String name;
  }

  @Command(
      name = "get",
      description = "Show an experiment, by id or by --name.",
      mixinStandardHelpOptions = true)
  int get(
      @Mixin ClientOptions opts, @ArgGroup(exclusive = true, multiplicity = "1") Selector which) {
    try (KeelClient client = opts.client()) {
      Experiment e;
      if (which.name != null) {
        e =
            client
                .tracking()
                .getExperimentByName(which.name)
                .orElseThrow(
                    () ->
                        new KeelClientException(
                            "RESOURCE_DOES_NOT_EXIST",
                            404,
                            "Experiment with name '" + which.name + "' does not exist."));
      } else {
        e = client.tracking().getExperiment(which.id);
      }
      Output out = opts.out();
      out.print(KeelJson.toJson(e), () -> describe(out, e));
    }
    return 0;
  }

  @Command(
      name = "list",
      aliases = {"ls", "search"},
      description = "List experiments matching a filter (all pages unless --max-results is given).",
      mixinStandardHelpOptions = true)
  int list(
      @Mixin ClientOptions opts,
      @Option(
              names = "--filter",
              paramLabel = "EXPR",
              defaultValue = "",
              description = "Filter, e.g. \"name LIKE 'fraud%' AND tags.team = 'ml'\".")
          String filter,
      @Option(
              names = "--order-by",
              paramLabel = "CLAUSE",
              description = "Order clause, e.g. \"creation_time DESC\" (repeatable).")
          List<String> orderBy,
      @Option(
              names = "--max-results",
              paramLabel = "N",
              defaultValue = "0",
              description = "Print one page of at most N experiments.")
          int maxResults,
      @Option(
              names = "--page-token",
              paramLabel = "TOKEN",
              defaultValue = "",
              description = "Page to print (from a previous --max-results listing).")
          String pageToken,
      @Option(
              names = "--view",
              paramLabel = "VIEW",
              defaultValue = "active",
              converter = ViewOption.class,
              description = ViewOption.DESCRIPTION)
          ViewType view) {
    if (maxResults < 0) {
      throw new IllegalArgumentException("--max-results must not be negative");
    }
    ExperimentQuery q =
        ExperimentQuery.all()
            .withFilter(filter)
            .withOrderBy(orderBy == null ? List.of() : orderBy)
            .withMaxResults(maxResults)
            .withViewType(view);
    try (KeelClient client = opts.client()) {
      List<Experiment> items;
      String next = "";
      if (maxResults > 0 || !pageToken.isEmpty()) {
        Page<Experiment> page = client.tracking().searchExperiments(q.withPageToken(pageToken));
        items = page.items();
        next = page.nextPageToken().orElse("");
      } else {
        items = client.tracking().streamExperiments(q).toList();
      }
      Output out = opts.out();
      ArrayNode json = KeelJson.list(items, KeelJson::toJson);
      out.print(
          json,
          () ->
              out.table(
                  List.of("ID", "NAME", "STAGE", "CREATED", "UPDATED", "TAGS"),
                  items.stream()
                      .map(
                          e ->
                              List.of(
                                  e.experimentId(),
                                  e.name(),
                                  e.lifecycleStage().wire(),
                                  Output.time(e.creationTime()),
                                  Output.time(e.lastUpdateTime()),
                                  tagsInline(e.tags())))
                      .toList(),
                  "No experiments."));
      if (!next.isEmpty()) {
        out.hint("More experiments: add --page-token " + next);
      }
    }
    return 0;
  }

  @Command(name = "rename", description = "Rename an experiment.", mixinStandardHelpOptions = true)
  int rename(
      @Mixin ClientOptions opts,
      @Parameters(index = "0", paramLabel = "ID") String id,
      @Parameters(index = "1", paramLabel = "NEW_NAME") String newName) {
    try (KeelClient client = opts.client()) {
      client.tracking().renameExperiment(id, newName);
      opts.out().done("Renamed experiment " + id + " to '" + newName + "'.");
    }
    return 0;
  }

  @Command(
      name = "delete",
      description = "Soft-delete an experiment and its runs (undo with restore).",
      mixinStandardHelpOptions = true)
  int delete(@Mixin ClientOptions opts, @Parameters(paramLabel = "ID") String id) {
    try (KeelClient client = opts.client()) {
      client.tracking().deleteExperiment(id);
      opts.out().done("Deleted experiment " + id + ".");
    }
    return 0;
  }

  @Command(
      name = "restore",
      description = "Restore a deleted experiment and its runs.",
      mixinStandardHelpOptions = true)
  int restore(@Mixin ClientOptions opts, @Parameters(paramLabel = "ID") String id) {
    try (KeelClient client = opts.client()) {
      client.tracking().restoreExperiment(id);
      opts.out().done("Restored experiment " + id + ".");
    }
    return 0;
  }

  @Command(
      name = "set-tag",
      description = "Set a tag on an experiment.",
      mixinStandardHelpOptions = true)
  int setTag(
      @Mixin ClientOptions opts,
      @Parameters(index = "0", paramLabel = "ID") String id,
      @Parameters(index = "1", paramLabel = "KEY") String key,
      @Parameters(index = "2", paramLabel = "VALUE") String value) {
    try (KeelClient client = opts.client()) {
      client.tracking().setExperimentTag(id, key, value);
      opts.out().done("Set tag " + key + " on experiment " + id + ".");
    }
    return 0;
  }

  @Command(
      name = "delete-tag",
      description = "Remove a tag from an experiment.",
      mixinStandardHelpOptions = true)
  int deleteTag(
      @Mixin ClientOptions opts,
      @Parameters(index = "0", paramLabel = "ID") String id,
      @Parameters(index = "1", paramLabel = "KEY") String key) {
    try (KeelClient client = opts.client()) {
      client.tracking().deleteExperimentTag(id, key);
      opts.out().done("Removed tag " + key + " from experiment " + id + ".");
    }
    return 0;
  }

  private static void describe(Output out, Experiment e) {
    List<String[]> f = new ArrayList<>();
    f.add(new String[] {"ID", e.experimentId()});
    f.add(new String[] {"Name", e.name()});
    f.add(new String[] {"Stage", e.lifecycleStage().wire()});
    f.add(new String[] {"Artifact location", e.artifactLocation()});
    f.add(new String[] {"Created", Output.time(e.creationTime())});
    f.add(new String[] {"Last updated", Output.time(e.lastUpdateTime())});
    out.fields(f);
    if (!e.tags().isEmpty()) {
      out.line("");
      out.table(
          List.of("TAG", "VALUE"),
          e.tags().stream().map(t -> List.of(t.key(), t.value())).toList(),
          "");
    }
  }

  static List<Tag> tagList(Map<String, String> tags) {
    List<Tag> out = new ArrayList<>();
    if (tags != null) {
      tags.forEach((k, v) -> out.add(new Tag(k, v)));
    }
    return out;
  }

  static String tagsInline(List<Tag> tags) {
    return tags.stream()
        .filter(t -> !t.key().startsWith("mlflow."))
        .map(t -> t.key() + "=" + t.value())
        .collect(Collectors.joining(", "));
  }
}
