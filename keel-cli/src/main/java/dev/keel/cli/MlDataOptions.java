package dev.keel.cli;

import picocli.CommandLine.Option;

/**
 * The options of the {@code keel ml} commands that read labeled rows and log a run ({@code train},
 * {@code evaluate}): the table, its label, the feature spec joined to it, the row bound, and the
 * run's experiment and name.
 */
final class MlDataOptions {
  @Option(names = "--table", required = true, description = "Labeled table catalog.schema.table.")
  String table;

  @Option(names = "--label", required = true, description = "The label column.")
  String label;

  @Option(
      names = {"--feature-spec", "--feature_spec"},
      description = "Feature spec whose lookups join the table.")
  String featureSpec;

  @Option(
      names = {"--max-rows", "--max_rows"},
      description = "Most labeled rows to hold in memory (5000000).")
  long maxRows = 5_000_000;

  @Option(names = "--experiment", description = "Experiment name (default: keel-ml/<model>).")
  String experiment;

  @Option(
      names = {"--run-name", "--run_name"},
      description = "Name of the run.")
  String runName;

  /** The experiment to log to: {@code --experiment}, else {@code keel-ml/<model>}. */
  String experimentName(String model) {
    return experiment == null || experiment.isBlank() ? "keel-ml/" + model : experiment.strip();
  }
}
