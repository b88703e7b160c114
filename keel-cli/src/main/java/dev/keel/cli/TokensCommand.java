package dev.keel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.client.KeelClient;
import dev.keel.client.KeelJson;
import dev.keel.client.TokensClient;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code keel tokens ...}: the caller's personal access tokens, and who the caller is. */
@Command(
    name = "tokens",
    aliases = "token",
    description = "Create, list and revoke your personal access tokens; show who you are.",
    mixinStandardHelpOptions = true,
    synopsisSubcommandLabel = "COMMAND")
final class TokensCommand {

  @Command(
      name = "create",
      description =
          "Create a token for yourself, or (administrators, --for) for a service principal or"
              + " user, and print it (shown only now; store it, e.g. in ~/.keel/config).",
      mixinStandardHelpOptions = true)
  int create(
      @Mixin ClientOptions opts,
      @Option(
              names = "--lifetime",
              paramLabel = "SECONDS",
              description = "Seconds until it expires (default: it does not expire).")
          Long lifetime,
      @Option(
              names = {"-c", "--comment"},
              paramLabel = "TEXT",
              defaultValue = "",
              description = "What the token is for.")
          String comment,
      @Option(
              names = "--for",
              paramLabel = "NAME",
              description =
                  "Administrators: issue the token to this service principal (applicationId) or"
                      + " user (userName); --lifetime is then required.")
          String owner) {
    OptionalLong l = lifetime == null ? OptionalLong.empty() : OptionalLong.of(lifetime);
    try (KeelClient client = opts.client()) {
      TokensClient.Created t =
          owner == null
              ? client.tokens().create(l, comment)
              : client.identities().createToken(owner, l, comment);
      Output out = opts.out();
      ObjectNode json = KeelJson.object().put("token_value", t.value());
      json.set("token_info", info(t.info()));
      out.print(
          json,
          () -> {
            out.line(t.value());
            out.hint(
                "Token "
                    + t.info().tokenId()
                    + (t.info().expiryTime() < 0
                        ? " does not expire"
                        : " expires " + Output.time(t.info().expiryTime()))
                    + ". It is shown only now.");
          });
    }
    return 0;
  }

  @Command(name = "list", description = "List your tokens.", mixinStandardHelpOptions = true)
  int list(@Mixin ClientOptions opts) {
    try (KeelClient client = opts.client()) {
      List<TokensClient.TokenInfo> tokens = client.tokens().list();
      Output out = opts.out();
      ObjectNode json = KeelJson.object();
      ArrayNode a = json.putArray("token_infos");
      tokens.forEach(t -> a.add(info(t)));
      out.print(
          json,
          () -> {
            List<List<String>> rows = new ArrayList<>();
            for (TokensClient.TokenInfo t : tokens) {
              rows.add(
                  List.of(
                      t.tokenId(),
                      Output.time(t.creationTime()),
                      t.expiryTime() < 0 ? "never" : Output.time(t.expiryTime()),
                      t.comment()));
            }
            out.table(List.of("TOKEN ID", "CREATED", "EXPIRES", "COMMENT"), rows, "No tokens.");
          });
    }
    return 0;
  }

  @Command(
      name = "delete",
      description = "Revoke one of your tokens.",
      mixinStandardHelpOptions = true)
  int delete(@Mixin ClientOptions opts, @Parameters(paramLabel = "TOKEN_ID") String tokenId) {
    try (KeelClient client = opts.client()) {
      client.tokens().delete(tokenId);
      opts.out().done("Revoked token " + tokenId + ".");
    }
    return 0;
  }

  @Command(
      name = "whoami",
      description = "Show who the server takes you for.",
      mixinStandardHelpOptions = true)
  int whoami(@Mixin ClientOptions opts) {
    try (KeelClient client = opts.client()) {
      JsonNode me = client.tokens().me();
      Output out = opts.out();
      out.print(
          me,
          () -> {
            List<String> groups = me.path("groups").findValuesAsText("display");
            out.fields(
                List.of(
                    new String[] {"User", me.path("userName").asText()},
                    new String[] {"Id", me.path("id").asText()},
                    new String[] {"Groups", groups.isEmpty() ? "-" : String.join(", ", groups)}));
          });
    }
    return 0;
  }

  private static ObjectNode info(TokensClient.TokenInfo t) {
    ObjectNode n = KeelJson.object();
    n.put("token_id", t.tokenId());
    n.put("creation_time", t.creationTime());
    n.put("expiry_time", t.expiryTime());
    if (!t.comment().isEmpty()) {
      n.put("comment", t.comment());
    }
    return n;
  }
}
