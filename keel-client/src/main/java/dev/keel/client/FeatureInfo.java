package dev.keel.client;

import java.time.Duration;
import java.util.Optional;

/**
 * A feature: a non-key column of a feature table.
 *
 * @param name the column name
 * @param typeText its type ({@code DOUBLE}, {@code STRING}...)
 * @param description its description, when set
 * @param maxAge how old a value may be when looked up online, when set
 */
public record FeatureInfo(
    String name, String typeText, Optional<String> description, Optional<Duration> maxAge) {}
