package dev.keel.client;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An experiment: a named group of runs.
 *
 * @param experimentId decimal id; {@code "0"} is the {@code Default} experiment
 * @param name unique name (a deleted experiment keeps its name)
 * @param artifactLocation root URI of its runs' artifacts, e.g. {@code mlflow-artifacts:/1}
 * @param lifecycleStage active or deleted
 * @param creationTime milliseconds since the epoch
 * @param lastUpdateTime milliseconds since the epoch
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
    Objects.requireNonNull(experimentId, "experimentId");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(artifactLocation, "artifactLocation");
    Objects.requireNonNull(lifecycleStage, "lifecycleStage");
    tags = List.copyOf(tags);
  }

  /** The value of the tag {@code key}, if set. */
  public Optional<String> tag(String key) {
    return tags.stream().filter(t -> t.key().equals(key)).map(Tag::value).findFirst();
  }
}
