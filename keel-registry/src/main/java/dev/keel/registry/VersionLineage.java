package dev.keel.registry;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a model version came from, captured when it was created from a run and stored with it, so
 * it survives later changes to the run (new tags, new inputs, deletion).
 *
 * @param runId the source run
 * @param experimentId the run's experiment
 * @param codeVersion the run's {@code mlflow.source.git.commit} tag (else {@code
 *     mlflow.source.version}), when set
 * @param datasets the run's dataset inputs, in the order the run lists them
 * @param capturedAt ms since the epoch
 */
public record VersionLineage(
    String runId,
    String experimentId,
    Optional<String> codeVersion,
    List<LineageDataset> datasets,
    long capturedAt) {
  public VersionLineage {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(experimentId, "experimentId");
    Objects.requireNonNull(codeVersion, "codeVersion");
    datasets = List.copyOf(datasets);
  }

  /**
   * One dataset input of the source run, as logged through {@code runs/log-inputs}.
   *
   * @param name dataset name
   * @param digest content digest
   * @param sourceType e.g. {@code delta_table}, {@code local}, {@code http}
   * @param source where it came from (JSON text, e.g. a table name and version)
   * @param context the input's {@code mlflow.data.context} tag ({@code training}, {@code eval}...)
   */
  public record LineageDataset(
      String name, String digest, String sourceType, String source, Optional<String> context) {
    public LineageDataset {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(digest, "digest");
      Objects.requireNonNull(sourceType, "sourceType");
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(context, "context");
    }
  }
}
