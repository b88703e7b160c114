package dev.keel.client;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One column of an online lookup's answer: per entity, a value (may be null when not {@link
 * FeatureStatus#PRESENT}), its status and its event time ({@link Instant#EPOCH} when unknown).
 *
 * @param name the feature (or entity key) name
 * @param values one value per entity, in request order
 * @param statuses one status per entity
 * @param eventTimestamps one event time per entity
 */
public record FeatureValues(
    String name, List<Object> values, List<FeatureStatus> statuses, List<Instant> eventTimestamps) {
  public FeatureValues {
    values = Collections.unmodifiableList(new ArrayList<>(values));
    statuses = List.copyOf(statuses);
    eventTimestamps = List.copyOf(eventTimestamps);
  }
}
