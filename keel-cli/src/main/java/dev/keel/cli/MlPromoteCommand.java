package dev.keel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.keel.client.KeelClient;
import dev.keel.client.ModelUri;
import dev.keel.client.ModelVersion;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code keel ml promote}: points an alias at a version (given, or the one another alias points
 * at), only if {@code --if} is {@code true}, which a job feeds from {@code
 * {{tasks.evaluate.values.is_better}}}. Task values: {@code promoted}, {@code alias}, {@code
 * model_version}.
 */
@Command(
    name = "promote",
    description = "Move an alias to a version, optionally only if --if=true.",
    mixinStandardHelpOptions = true)
final class MlPromoteCommand implements Callable<Integer> {
  @Mixin ClientOptions opts;

  @Option(names = "--model", required = true, description = "Model catalog.schema.model.")
  String model;

  @Option(names = "--version", description = "The version to promote.")
  Long version;

  @Option(
      names = {"--from-alias", "--from_alias"},
      description = "Promote the version this alias points at.")
  String fromAlias;

  @Option(names = "--alias", description = "The alias to move (champion).")
  String alias = "champion";

  @Option(names = "--if", description = "Promote only if this is true (true).")
  String condition = "true";

  @Override
  public Integer call() {
    boolean go = MlCommand.bool("if", condition);
    if ((version == null) == (fromAlias == null || fromAlias.isBlank())) {
      throw new IllegalArgumentException("version, from_alias: give exactly one of them");
    }
    if (version != null && version < 1) {
      throw new IllegalArgumentException("version: must be a positive integer, got " + version);
    }
    ModelUri.parse("models:/" + model + "@" + alias.strip()); // a malformed alias is refused here
    try (KeelClient client = opts.client()) {
      ModelVersion target =
          version != null
              ? client.registry().getVersion(model, version)
              : client.registry().getAlias(model, fromAlias.strip());
      Map<String, JsonNode> values = new LinkedHashMap<>();
      values.put("promoted", BooleanNode.valueOf(go));
      values.put("alias", TextNode.valueOf(alias.strip()));
      values.put("model_version", LongNode.valueOf(target.version()));
      if (go) {
        client.registry().setAlias(model, alias.strip(), target.version());
        opts.out()
            .hint(
                "Alias '"
                    + alias.strip()
                    + "' of "
                    + model
                    + " now points at version "
                    + target.version()
                    + ".");
      } else {
        opts.out().hint("Not promoted: --if is false; alias '" + alias.strip() + "' unchanged.");
      }
      MlCommand.emit(opts, client, values);
    }
    return 0;
  }
}
