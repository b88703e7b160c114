package dev.keel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.client.Dataset;
import dev.keel.client.DatasetInput;
import dev.keel.client.FeatureLookup;
import dev.keel.client.KeelClient;
import dev.keel.client.KeelClientException;
import dev.keel.client.KeelJson;
import dev.keel.client.NewRun;
import dev.keel.client.Snapshot;
import dev.keel.client.Spine;
import dev.keel.client.TrainingSetSpec;
import dev.keel.client.TrainingSetStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;

/**
 * {@code keel ml ...}: Keel's built-in ML tasks (train, evaluate, promote, batch-score,
 * publish-features). They act only through the Java SDK with the caller's token, so governance and
 * audit apply as to any user; a job's {@code keel_task} runs them as a child process. Inside a job
 * ({@code KEEL_TASK_RUN_ID} set) their results become task values; they are always printed too.
 */
@Command(
    name = "ml",
    description =
        "Keel's built-in ML tasks: train, evaluate, promote, batch-score, publish-features.",
    mixinStandardHelpOptions = true,
    synopsisSubcommandLabel = "COMMAND",
    subcommands = {
      MlTrainCommand.class,
      MlEvaluateCommand.class,
      MlPromoteCommand.class,
      MlBatchScoreCommand.class,
      MlPublishFeaturesCommand.class
    })
final class MlCommand {
  /** The variable a job's task process gets with its task run id. */
  static final String TASK_RUN_ID = "KEEL_TASK_RUN_ID";

  private static final Pattern PARAM = Pattern.compile("--param\\.([A-Za-z0-9_.\\-]+)=(.*)");

  private MlCommand() {}

  /**
   * The hyperparameters of arguments {@code --param.<name>=<value>}.
   *
   * @throws IllegalArgumentException for any other argument picocli did not recognise
   */
  static Map<String, String> params(List<String> unmatched) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String arg : unmatched == null ? List.<String>of() : unmatched) {
      Matcher m = PARAM.matcher(arg);
      if (!m.matches()) {
        throw new IllegalArgumentException(
            "unknown option '" + arg + "' (hyperparameters are written --param.<name>=<value>)");
      }
      out.put(m.group(1), m.group(2));
    }
    return out;
  }

  /** A comma-separated list ({@code null} or blank is empty). */
  static List<String> list(String csv) {
    if (csv == null || csv.isBlank()) {
      return List.of();
    }
    return Arrays.stream(csv.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
  }

  /** A number option. */
  static double number(String field, String value) {
    try {
      double d = Double.parseDouble(value.strip());
      if (Double.isFinite(d)) {
        return d;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw new IllegalArgumentException(field + ": '" + value + "' is not a number");
  }

  /** {@code true} or {@code false} (any case). */
  static boolean bool(String field, String value) {
    String v = value.strip();
    if (v.equalsIgnoreCase("true")) {
      return true;
    }
    if (v.equalsIgnoreCase("false")) {
      return false;
    }
    throw new IllegalArgumentException(field + ": '" + value + "' is not true or false");
  }

  /**
   * The latest snapshot of {@code table}, so a task reads one version however the table changes
   * while it runs.
   */
  static long latestSnapshot(KeelClient client, String table) {
    List<Snapshot> history = client.tables().history(table);
    if (history.isEmpty()) {
      throw new IllegalArgumentException("table: '" + table + "' has no data yet");
    }
    return history.get(0).snapshotId();
  }

  /**
   * Streams snapshot {@code snapshotId} of {@code table}, joined point-in-time with the lookups of
   * the feature spec {@code featureSpec} when one is named.
   */
  static TrainingSetStream read(
      KeelClient client, String table, long snapshotId, String featureSpec) {
    List<FeatureLookup> lookups =
        featureSpec == null || featureSpec.isBlank()
            ? List.of()
            : client.features().getFeatureSpec(featureSpec.strip()).lookups();
    return client.features().stream(
        TrainingSetSpec.of(Spine.table(table, snapshotId), lookups.toArray(FeatureLookup[]::new)));
  }

  /** The run input naming the table snapshot a task read, so lineage links table and run. */
  static DatasetInput tableInput(String table, long snapshotId, String context) {
    ObjectNode source = KeelJson.object();
    source.put("table", table);
    source.put("snapshot_id", snapshotId);
    return DatasetInput.of(
        new Dataset(table, Long.toString(snapshotId), "keel_table", KeelJson.write(source, false)),
        context);
  }

  /** The experiment named {@code name}, created if missing; its id. */
  static String experiment(KeelClient client, String name) {
    return client
        .tracking()
        .getExperimentByName(name)
        .map(e -> e.experimentId())
        .orElseGet(
            () -> {
              try {
                return client.tracking().createExperiment(name);
              } catch (KeelClientException e) {
                // created concurrently by another task: use that one
                return client
                    .tracking()
                    .getExperimentByName(name)
                    .orElseThrow(() -> e)
                    .experimentId();
              }
            });
  }

  /** A new run in {@code experimentId}, tagged with the job context of the environment. */
  static NewRun newRun(
      String experimentId, String runName, String command, Map<String, String> env) {
    NewRun run = NewRun.in(experimentId).withTag("keel.ml.command", command);
    if (runName != null && !runName.isBlank()) {
      run = run.withName(runName);
    }
    for (String v : List.of("KEEL_JOB_ID", "KEEL_JOB_RUN_ID", TASK_RUN_ID, "KEEL_TASK_KEY")) {
      String value = env.get(v);
      if (value != null && !value.isBlank()) {
        run = run.withTag("keel." + v.substring("KEEL_".length()).toLowerCase(), value);
      }
    }
    return run;
  }

  /**
   * Publishes a task's results: as task values of {@code KEEL_TASK_RUN_ID} when it is set, and
   * printed always (JSON object, or one {@code key: value} line each).
   */
  static void emit(ClientOptions opts, KeelClient client, Map<String, JsonNode> values) {
    String taskRun = opts.env().get(TASK_RUN_ID);
    if (taskRun != null && !taskRun.isBlank()) {
      long id;
      try {
        id = Long.parseLong(taskRun.strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            TASK_RUN_ID + ": '" + taskRun + "' is not a task run id");
      }
      values.forEach((k, v) -> client.jobs().setTaskValue(id, k, v));
    }
    Output out = opts.out();
    ObjectNode json = KeelJson.object();
    values.forEach(json::set);
    out.print(
        json,
        () -> values.forEach((k, v) -> out.line(k + ": " + (v.isTextual() ? v.asText() : v))));
  }
}
