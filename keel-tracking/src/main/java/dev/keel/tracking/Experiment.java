package dev.keel.tracking;

import java.util.List;

/**
 * An experiment: a named group of runs.
 *
 * @param experimentId decimal id ("0" is the Default experiment)
 * @param name unique name (deleted experiments keep theirs)
 * @param artifactLocation root URI of its runs' artifacts, {@code mlflow-artifacts:/<id>}
 * @param lifecycleStage active or deleted
 * @param creationTime ms since the epoch
 * @param lastUpdateTime ms since the epoch
 * @param tags experiment tags
 */
public record Experiment(
    String experimentId,
    String name,
    String artifactLocation,
    LifecycleStage lifecycleStage,
    long creationTime,
    long lastUpdateTime,
    List<Tag> tags) {
  public Experiment {
    tags = List.copyOf(tags);
  }
}
