package dev.keel.features.online;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The values of one requested feature for every entity row, in entity-row order: Feast's {@code
 * results[i]} ({@code values}, {@code statuses}, {@code event_timestamps}).
 *
 * <p>{@code values} holds a null wherever the status is not {@link FeatureStatus#PRESENT} (it
 * becomes JSON {@code null}). {@code eventTimestamps} holds the stored row's event time, or {@link
 * Instant#EPOCH} for {@link FeatureStatus#NOT_FOUND}, as Feast does.
 *
 * @param feature the requested feature
 * @param values one value per entity row; elements may be null
 * @param statuses one status per entity row
 * @param eventTimestamps one event time per entity row
 */
public record FeatureResult(
    FeatureRef feature,
    List<Object> values,
    List<FeatureStatus> statuses,
    List<Instant> eventTimestamps) {
  /** Checks that the three lists have one element per entity row. */
  public FeatureResult {
    Objects.requireNonNull(feature, "feature");
    Objects.requireNonNull(values, "values");
    Objects.requireNonNull(statuses, "statuses");
    Objects.requireNonNull(eventTimestamps, "eventTimestamps");
    if (values.size() != statuses.size() || values.size() != eventTimestamps.size()) {
      throw new IllegalArgumentException("values, statuses and eventTimestamps differ in length");
    }
  }
}
