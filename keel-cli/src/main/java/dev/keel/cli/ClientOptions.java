package dev.keel.cli;

import dev.keel.client.KeelClient;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Options every command that talks to a server takes: where it is, how to print answers. */
final class ClientOptions {
  @Option(
      names = "--url",
      paramLabel = "URL",
      description = "Keel server URL (default: $KEEL_URL, else " + KeelClient.DEFAULT_URL + ").")
  String url;

  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      description = "Bearer token to send (default: $KEEL_TOKEN).")
  String token;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      defaultValue = "table",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Output.Format output;

  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  /** A client for the configured server; close it when done. */
  KeelClient client() {
    Main main = (Main) mixee.root().userObject();
    String u = firstNonBlank(url, main.env().get("KEEL_URL"), KeelClient.DEFAULT_URL);
    String t = firstNonBlank(token, main.env().get("KEEL_TOKEN"), "");
    return KeelClient.builder(u).bearerToken(t).build();
  }

  /** Where this command prints. */
  Output out() {
    return new Output(output, mixee.commandLine().getOut(), mixee.commandLine().getErr());
  }

  private static String firstNonBlank(String... values) {
    for (String v : values) {
      if (v != null && !v.isBlank()) {
        return v.trim();
      }
    }
    return "";
  }
}
