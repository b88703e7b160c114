package dev.keel.tracking;

import java.util.List;

/**
 * A run with its data: latest value per metric key, params, tags and dataset inputs.
 *
 * @param info attributes
 * @param metrics the latest point per metric key
 * @param params params
 * @param tags tags
 * @param inputs dataset inputs
 */
public record Run(
    RunInfo info,
    List<Metric> metrics,
    List<Param> params,
    List<Tag> tags,
    List<DatasetInput> inputs) {
  public Run {
    metrics = List.copyOf(metrics);
    params = List.copyOf(params);
    tags = List.copyOf(tags);
    inputs = List.copyOf(inputs);
  }
}
