package dev.keel.features;

import dev.keel.features.training.Spine;
import dev.keel.tables.SnapshotRef;
import java.util.Objects;

/** Where a training set's examples come from: a Keel table (at a snapshot) or rows given here. */
public sealed interface SpineSource {
  /** The rows of table {@code name} at {@code ref}; the snapshot read is recorded. */
  record Table(String name, SnapshotRef ref) implements SpineSource {
    public Table {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(ref, "ref");
    }
  }

  /** Rows (or Parquet files) given by the caller; recorded as they are. */
  record Given(Spine spine) implements SpineSource {
    public Given {
      Objects.requireNonNull(spine, "spine");
    }
  }
}
