package dev.keel.client;

import java.util.List;
import java.util.Objects;

/**
 * A training set: a spine, feature lookups joined point-in-time, optional on-demand features.
 *
 * @param spine the rows to build it for
 * @param lookups the feature lookups
 * @param onDemand on-demand features computed after the joins
 * @param excludeColumns columns to leave out of the result
 * @param availabilityFilter count a feature row only if it was ingested by the spine time
 * @param indicators add a per-lookup column telling missing / outside-window rows
 */
public record TrainingSetSpec(
    Spine spine,
    List<FeatureLookup> lookups,
    List<OnDemandFeature> onDemand,
    List<String> excludeColumns,
    boolean availabilityFilter,
    boolean indicators) {
  public TrainingSetSpec {
    Objects.requireNonNull(spine, "spine");
    lookups = List.copyOf(lookups);
    onDemand = List.copyOf(onDemand);
    excludeColumns = List.copyOf(excludeColumns);
  }

  /** A training set of {@code spine} with these lookups. */
  public static TrainingSetSpec of(Spine spine, FeatureLookup... lookups) {
    return new TrainingSetSpec(spine, List.of(lookups), List.of(), List.of(), false, false);
  }

  /** With these on-demand features. */
  public TrainingSetSpec withOnDemand(OnDemandFeature... features) {
    return new TrainingSetSpec(
        spine, lookups, List.of(features), excludeColumns, availabilityFilter, indicators);
  }

  /** Without these columns. */
  public TrainingSetSpec withExcludedColumns(String... columns) {
    return new TrainingSetSpec(
        spine, lookups, onDemand, List.of(columns), availabilityFilter, indicators);
  }

  /** With (or without) the availability-time filter. */
  public TrainingSetSpec withAvailabilityFilter(boolean on) {
    return new TrainingSetSpec(spine, lookups, onDemand, excludeColumns, on, indicators);
  }

  /** With (or without) per-lookup indicator columns. */
  public TrainingSetSpec withIndicators(boolean on) {
    return new TrainingSetSpec(spine, lookups, onDemand, excludeColumns, availabilityFilter, on);
  }
}
