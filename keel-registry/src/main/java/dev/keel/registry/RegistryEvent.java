package dev.keel.registry;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A registry change that others may act on (job triggers): a model created, a version that became
 * READY, an alias set. Read from durable facts ({@link RegistryService#eventsSince}) or heard as it
 * happens ({@link RegistryListener}).
 *
 * @param kind what happened
 * @param modelFullName {@code catalog.schema.model}
 * @param version the version (empty for MODEL_CREATED)
 * @param alias the alias set (ALIAS_SET only)
 * @param at when: the model's creation time, the version's READY time, the alias move's time
 */
public record RegistryEvent(
    Kind kind, String modelFullName, OptionalLong version, Optional<String> alias, Instant at) {
  public RegistryEvent {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(modelFullName, "modelFullName");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(alias, "alias");
    Objects.requireNonNull(at, "at");
  }

  /** The kinds of registry events. */
  public enum Kind {
    MODEL_CREATED,
    VERSION_READY,
    ALIAS_SET
  }
}
