package dev.keel.features;

import dev.keel.features.training.FeatureLookup;
import dev.keel.features.training.OnDemandFeature;
import java.util.List;
import java.util.Objects;

/**
 * A training set to build: the spine, feature lookups into feature tables, on-demand features and
 * options. See {@link dev.keel.features.training.TrainingSetSpec} for the point-in-time rule.
 *
 * @param spine the training examples
 * @param lookups feature lookups, in output order
 * @param onDemand on-demand features (Java functions registered by name), in output order
 * @param excludeColumns output columns to leave out
 * @param availabilityFilter count a feature row only if it was ingested by the spine time
 * @param indicators add a {@code <table>__status} column per lookup
 */
public record TrainingSetRequest(
    SpineSource spine,
    List<FeatureLookup> lookups,
    List<OnDemandFeature> onDemand,
    List<String> excludeColumns,
    boolean availabilityFilter,
    boolean indicators) {
  public TrainingSetRequest {
    Objects.requireNonNull(spine, "spine");
    lookups = List.copyOf(lookups);
    onDemand = List.copyOf(onDemand);
    excludeColumns = List.copyOf(excludeColumns);
  }
}
