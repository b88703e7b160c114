package dev.keel.tables;

import java.util.List;

/**
 * The outcome of {@link TableService#removeOrphans}: data and metadata files in a table's folder
 * that the table's history did not reach, and that were removed.
 *
 * @param files the removed files' paths relative to the table's folder (e.g. {@code
 *     data/<uuid>.parquet}, {@code metadata/<n>-<uuid>.metadata.json}), sorted
 * @param bytes their total size
 */
public record RemovedFiles(List<String> files, long bytes) {
  public RemovedFiles {
    files = List.copyOf(files);
  }
}
