package dev.keel.client;

import java.util.Objects;

/**
 * A dataset the version's run logged as an input ({@code runs/log-inputs}), as recorded when the
 * version was created.
 *
 * @param name the dataset's name
 * @param digest its digest
 * @param sourceType its source type, e.g. {@code delta_table}
 * @param source its source as the logger wrote it (for a table, JSON with its name and version)
 * @param context the input's {@code mlflow.data.context} tag, e.g. {@code training}; {@code ""}
 *     when none
 */
public record LineageDataset(
    String name, String digest, String sourceType, String source, String context) {
  /** Checks for nulls. */
  public LineageDataset {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(sourceType, "sourceType");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(context, "context");
  }
}
