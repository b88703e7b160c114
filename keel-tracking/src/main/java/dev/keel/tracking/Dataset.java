package dev.keel.tracking;

import java.util.Optional;

/**
 * A dataset used by a run, identified by name and digest within an experiment.
 *
 * @param name dataset name
 * @param digest content digest
 * @param sourceType e.g. {@code local}, {@code iceberg}, {@code http}
 * @param source where it came from, as JSON text
 * @param schema optional schema JSON
 * @param profile optional profile JSON
 */
public record Dataset(
    String name,
    String digest,
    String sourceType,
    String source,
    Optional<String> schema,
    Optional<String> profile) {}
