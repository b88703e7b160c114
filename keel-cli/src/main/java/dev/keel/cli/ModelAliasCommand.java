package dev.keel.cli;

import dev.keel.client.AliasMove;
import dev.keel.client.KeelClient;
import dev.keel.client.KeelJson;
import dev.keel.client.ModelVersion;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code keel models alias ...} (also {@code aliases}): champion/challenger-style aliases. */
@Command(
    name = "alias",
    aliases = "aliases",
    description =
        "Set, show, delete and trace model aliases ('latest' and v<digits> are reserved).",
    mixinStandardHelpOptions = true,
    synopsisSubcommandLabel = "COMMAND")
final class ModelAliasCommand {

  @Command(
      name = "set",
      description = "Point an alias at a version (moving it if it pointed elsewhere).",
      mixinStandardHelpOptions = true)
  int set(
      @Mixin ClientOptions opts,
      @Parameters(index = "0", paramLabel = "FULL_NAME") String fullName,
      @Parameters(index = "1", paramLabel = "ALIAS") String alias,
      @Parameters(index = "2", paramLabel = "VERSION") long version) {
    try (KeelClient client = opts.client()) {
      client.registry().setAlias(fullName, alias, version);
      ModelVersion v = client.registry().getAlias(fullName, alias);
      Output out = opts.out();
      out.print(
          KeelJson.toJson(v),
          () ->
              out.line(
                  "Alias '"
                      + alias
                      + "' of '"
                      + v.modelFullName()
                      + "' now points at version "
                      + v.version()
                      + " ("
                      + v.status()
                      + ")."));
    }
    return 0;
  }

  @Command(
      name = "get",
      description = "Show the version an alias points at.",
      mixinStandardHelpOptions = true)
  int get(
      @Mixin ClientOptions opts,
      @Parameters(index = "0", paramLabel = "FULL_NAME") String fullName,
      @Parameters(index = "1", paramLabel = "ALIAS") String alias) {
    try (KeelClient client = opts.client()) {
      ModelVersion v = client.registry().getAlias(fullName, alias);
      Output out = opts.out();
      out.print(KeelJson.toJson(v), () -> ModelsCommand.describeVersion(out, v));
    }
    return 0;
  }

  @Command(name = "delete", description = "Remove an alias.", mixinStandardHelpOptions = true)
  int delete(
      @Mixin ClientOptions opts,
      @Parameters(index = "0", paramLabel = "FULL_NAME") String fullName,
      @Parameters(index = "1", paramLabel = "ALIAS") String alias) {
    try (KeelClient client = opts.client()) {
      client.registry().deleteAlias(fullName, alias);
      opts.out().done("Deleted alias '" + alias + "' of '" + fullName + "'.");
    }
    return 0;
  }

  @Command(
      name = "history",
      description = "Every set, move and delete of an alias, oldest first.",
      mixinStandardHelpOptions = true)
  int history(
      @Mixin ClientOptions opts,
      @Parameters(index = "0", paramLabel = "FULL_NAME") String fullName,
      @Parameters(index = "1", paramLabel = "ALIAS") String alias) {
    try (KeelClient client = opts.client()) {
      List<AliasMove> moves = client.registry().aliasHistory(fullName, alias);
      Output out = opts.out();
      out.print(
          KeelJson.list(moves, KeelJson::toJson),
          () ->
              out.table(
                  List.of("WHEN", "ALIAS", "FROM", "TO", "BY"),
                  moves.stream()
                      .map(
                          m ->
                              List.of(
                                  Output.time(m.movedAt()),
                                  m.alias(),
                                  m.fromVersion().isPresent()
                                      ? Long.toString(m.fromVersion().getAsLong())
                                      : "-",
                                  m.toVersion().isPresent()
                                      ? Long.toString(m.toVersion().getAsLong())
                                      : "-",
                                  m.movedBy()))
                      .toList(),
                  "No history for alias '" + alias + "'."));
    }
    return 0;
  }
}
