package dev.keel.features.training;

/**
 * Finds the files of a feature table: its current snapshot, or a recorded one (to rebuild a
 * training set exactly). The table service implements it over its tables; tests use {@link
 * StaticFeatureSourceResolver}.
 */
public interface FeatureSourceResolver {
  /**
   * The table's current snapshot.
   *
   * @throws dev.keel.core.KeelException NOT_FOUND ({@code NOT_FOUND}) for an unknown table
   */
  FeatureSource resolve(String table);

  /**
   * The table at the snapshot {@code snapshotId}.
   *
   * @throws dev.keel.core.KeelException NOT_FOUND for an unknown table or snapshot
   */
  FeatureSource resolveAt(String table, long snapshotId);
}
