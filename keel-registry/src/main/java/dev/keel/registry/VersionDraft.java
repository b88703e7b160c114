package dev.keel.registry;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a new version is created from, already checked by {@link RegistryService}.
 *
 * @param source the source as given
 * @param runId the run it came from, when known
 * @param comment free text, when set
 * @param tags initial tags
 * @param lineage the run's lineage captured at creation, when the version comes from a run
 */
public record VersionDraft(
    String source,
    Optional<String> runId,
    Optional<String> comment,
    Map<String, String> tags,
    Optional<VersionLineage> lineage) {
  public VersionDraft {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(comment, "comment");
    Objects.requireNonNull(lineage, "lineage");
    tags = Map.copyOf(tags);
  }

  public VersionDraft(
      String source, Optional<String> runId, Optional<String> comment, Map<String, String> tags) {
    this(source, runId, comment, tags, Optional.empty());
  }
}
