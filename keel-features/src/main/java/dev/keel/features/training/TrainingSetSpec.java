package dev.keel.features.training;

import dev.keel.core.KeelException;
import java.util.List;

/**
 * What a training set is made of. It is a plain value: {@link #toJson()} records it and {@link
 * #fromJson(String)} rebuilds it (on-demand functions are referenced by name).
 *
 * @param spine the training examples
 * @param lookups the feature lookups, in output order
 * @param onDemand on-demand features, computed after the lookups, in output order
 * @param excludeColumns output columns to leave out (they may still feed on-demand features)
 * @param availabilityFilter also require {@code ingestion_time <= t} for a feature row to count;
 *     rows with a NULL ingestion time are then ignored; every lookup needs a timestamp lookup key
 *     and a table with an ingestion-time column
 * @param indicators add one {@code <table>__status} column per lookup: {@code PRESENT}, {@code
 *     MISSING} or {@code OUTSIDE_WINDOW}
 */
public record TrainingSetSpec(
    Spine spine,
    List<FeatureLookup> lookups,
    List<OnDemandFeature> onDemand,
    List<String> excludeColumns,
    boolean availabilityFilter,
    boolean indicators) {

  /** Copies the lists; requires a spine. */
  public TrainingSetSpec {
    if (spine == null) {
      throw KeelException.invalid("spine: a training set needs a spine");
    }
    lookups = lookups == null ? List.of() : List.copyOf(lookups);
    onDemand = onDemand == null ? List.of() : List.copyOf(onDemand);
    excludeColumns = excludeColumns == null ? List.of() : List.copyOf(excludeColumns);
  }

  /** A spec with only a spine and lookups (no on-demand features, exclusions, filter or flags). */
  public static TrainingSetSpec of(Spine spine, List<FeatureLookup> lookups) {
    return new TrainingSetSpec(spine, lookups, List.of(), List.of(), false, false);
  }

  /** This spec as JSON (a stable shape, described in {@code docs/features.md}). */
  public String toJson() {
    return SpecJson.write(this);
  }

  /**
   * Rebuilds a spec from {@link #toJson()}'s output.
   *
   * @throws KeelException INVALID if the JSON is malformed or breaks a rule
   */
  public static TrainingSetSpec fromJson(String json) {
    return SpecJson.read(json);
  }
}
