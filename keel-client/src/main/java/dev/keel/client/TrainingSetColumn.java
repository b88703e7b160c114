package dev.keel.client;

import java.util.Objects;

/**
 * A named, typed column of a spine given as rows, or of a streamed training set.
 *
 * @param name the column name
 * @param type for spine columns: {@code BOOLEAN}, {@code INT}, {@code LONG}, {@code DOUBLE}, {@code
 *     STRING} or {@code TIMESTAMP}; in a streamed set, the engine's type ({@code BIGINT}, {@code
 *     DOUBLE}, {@code VARCHAR}, {@code TIMESTAMP WITH TIME ZONE}...)
 */
public record TrainingSetColumn(String name, String type) {
  public TrainingSetColumn {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
  }
}
