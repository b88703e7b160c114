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
 */
public record VersionDraft(
    String source, Optional<String> runId, Optional<String> comment, Map<String, String> tags) {
  public VersionDraft {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(comment, "comment");
    tags = Map.copyOf(tags);
  }
}
