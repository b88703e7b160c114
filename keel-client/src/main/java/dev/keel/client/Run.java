package dev.keel.client;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A run with its data.
 *
 * @param info attributes
 * @param metrics the latest point of each metric key (see {@link TrackingClient#metricHistory} for
 *     all)
 * @param params parameters
 * @param tags tags, including system tags such as {@code mlflow.runName}
 * @param inputs datasets logged as inputs
 */
public record Run(
    RunInfo info,
    List<Metric> metrics,
    List<Param> params,
    List<Tag> tags,
    List<DatasetInput> inputs) {
  public Run {
    Objects.requireNonNull(info, "info");
    metrics = List.copyOf(metrics);
    params = List.copyOf(params);
    tags = List.copyOf(tags);
    inputs = List.copyOf(inputs);
  }

  /** Shorthand for {@code info().runId()}. */
  public String runId() {
    return info.runId();
  }

  /** The latest point of metric {@code key}, if logged. */
  public Optional<Metric> metric(String key) {
    return metrics.stream().filter(m -> m.key().equals(key)).findFirst();
  }

  /** The value of parameter {@code key}, if logged. */
  public Optional<String> param(String key) {
    return params.stream().filter(p -> p.key().equals(key)).map(Param::value).findFirst();
  }

  /** The value of tag {@code key}, if set. */
  public Optional<String> tag(String key) {
    return tags.stream().filter(t -> t.key().equals(key)).map(Tag::value).findFirst();
  }
}
