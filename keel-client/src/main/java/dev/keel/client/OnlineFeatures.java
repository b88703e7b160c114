package dev.keel.client;

import java.util.List;
import java.util.NoSuchElementException;

/**
 * The answer of {@link FeatureStoreClient#onlineFeatures}, in Feast's columnar shape: the entity
 * key columns first, then one column per feature.
 *
 * @param featureNames the names of {@code results}, in order
 * @param results the columns
 */
public record OnlineFeatures(List<String> featureNames, List<FeatureValues> results) {
  public OnlineFeatures {
    featureNames = List.copyOf(featureNames);
    results = List.copyOf(results);
  }

  /** The column named {@code name}. */
  public FeatureValues get(String name) {
    int i = featureNames.indexOf(name);
    if (i < 0) {
      throw new NoSuchElementException("no feature '" + name + "' in " + featureNames);
    }
    return results.get(i);
  }
}
