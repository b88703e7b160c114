package dev.keel.registry;

import java.util.Objects;
import java.util.Optional;

/**
 * A model version with the lineage stored for it.
 *
 * @param version the version
 * @param lineage what was captured when it was created from a run; empty for versions not created
 *     from a run (or created before lineage was recorded; then {@link ModelVersion#runId()} may
 *     still name the run)
 */
public record ModelVersionLineage(ModelVersion version, Optional<VersionLineage> lineage) {
  public ModelVersionLineage {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(lineage, "lineage");
  }
}
