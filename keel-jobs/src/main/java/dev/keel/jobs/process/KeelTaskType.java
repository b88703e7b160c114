package dev.keel.jobs.process;

import dev.keel.core.KeelException;
import dev.keel.jobs.spi.TaskContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * {@code keel_task{name, parameters{}}}, Keel's extension for its built-in ML tasks: runs Keel's
 * CLI as a child JVM, {@code <java> -cp <the server's class path> dev.keel.cli.Main ml <name>
 * --<key>=<value>...}, where {@code name} is one of {@link #NAMES} ({@code _} becomes {@code -}:
 * {@code batch_score} runs {@code keel ml batch-score}). The CLI reaches the server through {@code
 * KEEL_URL}/{@code KEEL_TOKEN}, which every task process gets.
 */
public final class KeelTaskType extends ProcessTaskType {
  /** The payload field. */
  public static final String FIELD = "keel_task";

  /** The built-in tasks. */
  public static final List<String> NAMES =
      List.of("train", "evaluate", "promote", "batch_score", "publish_features");

  /** Keel's CLI entry point. */
  static final String CLI_MAIN = "dev.keel.cli.Main";

  private static final Set<String> FIELDS = Set.of("name", "parameters");

  private final String mainClass;

  /** A task type running with {@code config}. */
  public KeelTaskType(ProcessTaskConfig config) {
    this(config, CLI_MAIN);
  }

  /** A task type whose child JVM runs {@code mainClass} instead of Keel's CLI (for tests). */
  KeelTaskType(ProcessTaskConfig config, String mainClass) {
    super(config, FIELD);
    this.mainClass = Objects.requireNonNull(mainClass, "mainClass");
  }

  @Override
  public void validate(Map<String, Object> payload, String path) {
    Payloads.onlyFields(payload, path, FIELDS);
    String name = Payloads.requiredString(payload, path, "name");
    if (!NAMES.contains(name)) {
      throw KeelException.invalid(path + ".name: must be one of " + NAMES + ", got '" + name + "'");
    }
    for (String key : Payloads.stringMap(payload, path, "parameters").keySet()) {
      if (!key.matches("[A-Za-z][A-Za-z0-9_.-]*")) {
        throw KeelException.invalid(
            path
                + ".parameters."
                + key
                + ": a parameter name starts with a letter and has"
                + " letters, digits, '_', '.' and '-'");
      }
    }
  }

  @Override
  Launch launch(TaskContext context) {
    Map<String, Object> payload = context.payload();
    List<String> argv = new ArrayList<>();
    argv.add(config.java().toString());
    argv.add("--enable-native-access=ALL-UNNAMED");
    argv.add("-cp");
    argv.add(config.keelClassPath());
    argv.add(mainClass);
    argv.add("ml");
    argv.add(Payloads.requiredString(payload, FIELD, "name").replace('_', '-'));
    Payloads.stringMap(payload, FIELD, "parameters")
        .forEach((k, v) -> argv.add("--" + k + "=" + v));
    return new Launch("keel ml", argv, Map.of());
  }
}
