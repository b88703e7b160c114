package dev.keel.cli;

import dev.keel.client.ClientConfig;
import dev.keel.client.KeelClient;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Options every command that talks to a server takes: where it is, how to print answers. */
final class ClientOptions {
  @Option(
      names = "--url",
      paramLabel = "URL",
      description =
          "Keel server URL (default: $KEEL_URL, else the profile's host, else "
              + KeelClient.DEFAULT_URL
              + ").")
  String url;

  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      description = "Bearer token to send (default: $KEEL_TOKEN, else the profile's token).")
  String token;

  @Option(
      names = "--profile",
      paramLabel = "NAME",
      description =
          "Profile of ~/.keel/config ($KEEL_CONFIG_FILE) to read host and token from (default:"
              + " $KEEL_PROFILE, else DEFAULT).")
  String profile;

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
    return config().client();
  }

  /**
   * Where to connect and with which token: each from its flag, else its variable ({@code KEEL_URL},
   * {@code KEEL_TOKEN}), else the profile ({@link ClientConfig}).
   */
  ClientConfig config() {
    Main main = (Main) mixee.root().userObject();
    return ClientConfig.resolve(nonBlank(url), nonBlank(token), nonBlank(profile), main.env());
  }

  /** The environment the command line reads its {@code KEEL_*} settings from. */
  java.util.Map<String, String> env() {
    return ((Main) mixee.root().userObject()).env();
  }

  /** Where this command prints. */
  Output out() {
    return new Output(output, mixee.commandLine().getOut(), mixee.commandLine().getErr());
  }

  private static Optional<String> nonBlank(String v) {
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
  }
}
