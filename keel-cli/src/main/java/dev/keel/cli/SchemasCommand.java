package dev.keel.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.keel.client.KeelClient;
import dev.keel.client.KeelJson;
import dev.keel.client.Schema;
import dev.keel.client.SecurableUpdate;
import dev.keel.core.Page;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code keel schemas ...}: create, inspect and manage Unity Catalog schemas. */
@Command(
    name = "schemas",
    aliases = "schema",
    description = "Create, list and manage schemas (CATALOG.SCHEMA).",
    mixinStandardHelpOptions = true,
    synopsisSubcommandLabel = "COMMAND")
final class SchemasCommand {

  @Command(
      name = "create",
      description = "Create a schema in an existing catalog.",
      mixinStandardHelpOptions = true)
  int create(
      @Mixin ClientOptions opts,
      @Parameters(
              paramLabel = "CATALOG.SCHEMA",
              description = "Full name of the new schema, e.g. sales.raw.")
          String fullName,
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
    int dot = fullName.indexOf('.');
    if (dot <= 0 || dot == fullName.length() - 1 || fullName.indexOf('.', dot + 1) >= 0) {
      throw new IllegalArgumentException(
          "expected CATALOG.SCHEMA (e.g. sales.raw), got '" + fullName + "'");
    }
    try (KeelClient client = opts.client()) {
      Schema s =
          client
              .catalogs()
              .createSchema(
                  fullName.substring(0, dot),
                  fullName.substring(dot + 1),
                  comment,
                  CatalogsCommand.orEmpty(properties));
      Output out = opts.out();
      out.print(
          KeelJson.toJson(s),
          () -> out.line("Created schema '" + s.fullName() + "' (" + s.schemaId() + ")."));
    }
    return 0;
  }

  @Command(name = "get", description = "Show a schema.", mixinStandardHelpOptions = true)
  int get(@Mixin ClientOptions opts, @Parameters(paramLabel = "CATALOG.SCHEMA") String fullName) {
    try (KeelClient client = opts.client()) {
      Schema s = client.catalogs().getSchema(fullName);
      Output out = opts.out();
      out.print(KeelJson.toJson(s), () -> describe(out, s));
    }
    return 0;
  }

  @Command(
      name = "list",
      aliases = "ls",
      description = "List a catalog's schemas by name (all pages unless --max-results is given).",
      mixinStandardHelpOptions = true)
  int list(
      @Mixin ClientOptions opts,
      @Parameters(paramLabel = "CATALOG", description = "The catalog.") String catalog,
      @Option(
              names = "--max-results",
              paramLabel = "N",
              defaultValue = "0",
              description = "Print one page of at most N schemas.")
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
      List<Schema> items;
      String next = "";
      if (maxResults > 0 || !pageToken.isEmpty()) {
        Page<Schema> page = client.catalogs().listSchemas(catalog, maxResults, pageToken);
        items = page.items();
        next = page.nextPageToken().orElse("");
      } else {
        items = client.catalogs().streamSchemas(catalog).toList();
      }
      Output out = opts.out();
      ArrayNode json = KeelJson.list(items, KeelJson::toJson);
      out.print(
          json,
          () ->
              out.table(
                  List.of("NAME", "FULL NAME", "COMMENT", "OWNER", "CREATED", "PROPERTIES"),
                  items.stream()
                      .map(
                          s ->
                              List.of(
                                  s.name(),
                                  s.fullName(),
                                  s.comment(),
                                  s.owner(),
                                  Output.time(s.createdAt()),
                                  CatalogsCommand.inline(s.properties())))
                      .toList(),
                  "No schemas."));
      if (!next.isEmpty()) {
        out.hint("More schemas: add --page-token " + next);
      }
    }
    return 0;
  }

  @Command(
      name = "update",
      description = "Rename a schema (within its catalog) or change its comment/properties.",
      mixinStandardHelpOptions = true)
  int update(
      @Mixin ClientOptions opts,
      @Parameters(paramLabel = "CATALOG.SCHEMA") String fullName,
      @Option(
              names = "--new-name",
              paramLabel = "NAME",
              description = "New schema name (without the catalog).")
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
    SecurableUpdate u = CatalogsCommand.update(newName, comment, properties);
    try (KeelClient client = opts.client()) {
      Schema s = client.catalogs().updateSchema(fullName, u);
      Output out = opts.out();
      out.print(KeelJson.toJson(s), () -> out.line("Updated schema '" + s.fullName() + "'."));
    }
    return 0;
  }

  @Command(name = "delete", description = "Delete a schema.", mixinStandardHelpOptions = true)
  int delete(
      @Mixin ClientOptions opts,
      @Parameters(paramLabel = "CATALOG.SCHEMA") String fullName,
      @Option(
              names = {"-f", "--force"},
              description = "Delete even if it is not empty (schemas hold nothing yet).")
          boolean force) {
    try (KeelClient client = opts.client()) {
      client.catalogs().deleteSchema(fullName, force);
      opts.out().done("Deleted schema '" + fullName + "'.");
    }
    return 0;
  }

  private static void describe(Output out, Schema s) {
    List<String[]> f = new ArrayList<>();
    f.add(new String[] {"Full name", s.fullName()});
    f.add(new String[] {"Catalog", s.catalogName()});
    f.add(new String[] {"Name", s.name()});
    f.add(new String[] {"Comment", s.comment()});
    f.add(new String[] {"Owner", s.owner()});
    f.add(new String[] {"Created", Output.time(s.createdAt()) + " by " + s.createdBy()});
    f.add(new String[] {"Updated", Output.time(s.updatedAt()) + " by " + s.updatedBy()});
    f.add(new String[] {"ID", s.schemaId()});
    out.fields(f);
    CatalogsCommand.properties(out, s.properties());
  }
}
