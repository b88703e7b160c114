package dev.keel.features.online;

import java.util.List;
import java.util.Objects;

/**
 * The answer to {@link OnlineStore#read}: one {@link FeatureResult} per requested feature, in
 * request order, each with one entry per entity row. An HTTP layer produces Feast's {@code
 * get-online-features} response from it: {@code metadata.feature_names} = the join keys, then
 * {@link FeatureRef#feature()} (or {@link FeatureRef#name()} for full feature names); {@code
 * results} = one column per join key (status {@code PRESENT}, timestamp epoch), then these results.
 *
 * @param results one per requested feature
 * @param entityRows the number of entity rows read
 */
public record OnlineFeatures(List<FeatureResult> results, int entityRows) {
  /** Copies the list. */
  public OnlineFeatures {
    results = List.copyOf(Objects.requireNonNull(results, "results"));
  }
}
