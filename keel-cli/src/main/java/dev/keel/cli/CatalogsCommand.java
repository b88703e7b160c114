package dev.keel.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.keel.client.Catalog;
import dev.keel.client.KeelClient;
import dev.keel.client.KeelJson;
import dev.keel.client.SecurableUpdate;
import dev.keel.core.Page;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code keel catalogs ...}: create, inspect and manage Unity Catalog catalogs. */
@Command(
    name = "catalogs",
    aliases = "catalog",
    description = "Create, list and manage catalogs.",
    mixinStandardHelpOptions = true,
    synopsisSubcommandLabel = "COMMAND")
final class CatalogsCommand {

  @Command(name = "create", description = "Create a catalog.", mixinStandardHelpOptions = true)
  int create(
      @Mixin ClientOptions opts,
      @Parameters(paramLabel = "NAME", description = "Unique catalog name (stored lower-case).")
          String name,
      @Option(
              names = {"-c", "--comment"},
              paramLabel = "TEXT",
              defaultValue = "",
              description = "A comment.")
          String comment,
      @Option(
              names = {"-p", "--property"},
              paramLabel = "KEY=VALUE",
              description = "A property to set (repeatable).")
          LinkedHashMap<String, String> properties) {
    try (KeelClient client = opts.client()) {
      Catalog c = client.catalogs().createCatalog(name, comment, orEmpty(properties));
      Output out = opts.out();
      out.print(
          KeelJson.toJson(c),
          () -> out.line("Created catalog '" + c.name() + "' (" + c.id() + ")."));
    }
    return 0;
  }

  @Command(name = "get", description = "Show a catalog.", mixinStandardHelpOptions = true)
  int get(@Mixin ClientOptions opts, @Parameters(paramLabel = "NAME") String name) {
    try (KeelClient client = opts.client()) {
      Catalog c = client.catalogs().getCatalog(name);
      Output out = opts.out();
      out.print(KeelJson.toJson(c), () -> describe(out, c));
    }
    return 0;
  }

  @Command(
      name = "list",
      aliases = "ls",
      description = "List catalogs by name (all pages unless --max-results is given).",
      mixinStandardHelpOptions = true)
  int list(
      @Mixin ClientOptions opts,
      @Option(
              names = "--max-results",
              paramLabel = "N",
              defaultValue = "0",
              description = "Print one page of at most N catalogs.")
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
      List<Catalog> items;
      String next = "";
      if (maxResults > 0 || !pageToken.isEmpty()) {
        Page<Catalog> page = client.catalogs().listCatalogs(maxResults, pageToken);
        items = page.items();
        next = page.nextPageToken().orElse("");
      } else {
        items = client.catalogs().streamCatalogs().toList();
      }
      Output out = opts.out();
      ArrayNode json = KeelJson.list(items, KeelJson::toJson);
      out.print(
          json,
          () ->
              out.table(
                  List.of("NAME", "COMMENT", "OWNER", "CREATED", "UPDATED", "PROPERTIES"),
                  items.stream()
                      .map(
                          c ->
                              List.of(
                                  c.name(),
                                  c.comment(),
                                  c.owner(),
                                  Output.time(c.createdAt()),
                                  Output.time(c.updatedAt()),
                                  inline(c.properties())))
                      .toList(),
                  "No catalogs."));
      if (!next.isEmpty()) {
        out.hint("More catalogs: add --page-token " + next);
      }
    }
    return 0;
  }

  @Command(
      name = "update",
      description = "Rename a catalog (its schemas move with it) or change its comment/properties.",
      mixinStandardHelpOptions = true)
  int update(
      @Mixin ClientOptions opts,
      @Parameters(paramLabel = "NAME") String name,
      @Option(names = "--new-name", paramLabel = "NAME", description = "Rename the catalog.")
          String newName,
      @Option(
              names = {"-c", "--comment"},
              paramLabel = "TEXT",
              description = "New comment (\"\" clears it).")
          String comment,
      @Option(
              names = {"-p", "--property"},
              paramLabel = "KEY=VALUE",
              description = "Replace all properties with these (repeatable).")
          LinkedHashMap<String, String> properties) {
    SecurableUpdate u = update(newName, comment, properties);
    try (KeelClient client = opts.client()) {
      Catalog c = client.catalogs().updateCatalog(name, u);
      Output out = opts.out();
      out.print(KeelJson.toJson(c), () -> out.line("Updated catalog '" + c.name() + "'."));
    }
    return 0;
  }

  @Command(name = "delete", description = "Delete a catalog.", mixinStandardHelpOptions = true)
  int delete(
      @Mixin ClientOptions opts,
      @Parameters(paramLabel = "NAME") String name,
      @Option(
              names = {"-f", "--force"},
              description = "Also delete its schemas (else a catalog with schemas is refused).")
          boolean force) {
    try (KeelClient client = opts.client()) {
      client.catalogs().deleteCatalog(name, force);
      opts.out().done("Deleted catalog '" + name + "'.");
    }
    return 0;
  }

  private static void describe(Output out, Catalog c) {
    List<String[]> f = new ArrayList<>();
    f.add(new String[] {"Name", c.name()});
    f.add(new String[] {"Comment", c.comment()});
    f.add(new String[] {"Owner", c.owner()});
    f.add(new String[] {"Created", Output.time(c.createdAt()) + " by " + c.createdBy()});
    f.add(new String[] {"Updated", Output.time(c.updatedAt()) + " by " + c.updatedBy()});
    f.add(new String[] {"ID", c.id()});
    out.fields(f);
    properties(out, c.properties());
  }

  /** The properties as a KEY/VALUE table after a blank line; nothing when there are none. */
  static void properties(Output out, Map<String, String> props) {
    if (!props.isEmpty()) {
      out.line("");
      out.table(
          List.of("PROPERTY", "VALUE"),
          props.entrySet().stream().map(e -> List.of(e.getKey(), e.getValue())).toList(),
          "");
    }
  }

  /** An update from the command line's options; at least one must be given. */
  static SecurableUpdate update(String newName, String comment, Map<String, String> properties) {
    SecurableUpdate u = SecurableUpdate.none();
    if (newName != null) {
      u = u.withNewName(newName);
    }
    if (comment != null) {
      u = u.withComment(comment);
    }
    if (properties != null && !properties.isEmpty()) {
      u = u.withProperties(properties);
    }
    if (u.isEmpty()) {
      throw new IllegalArgumentException(
          "nothing to update: give --new-name, --comment or --property");
    }
    return u;
  }

  static Map<String, String> orEmpty(Map<String, String> m) {
    return m == null ? Map.of() : m;
  }

  static String inline(Map<String, String> props) {
    return props.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(", "));
  }
}
