package dev.keel.client;

import java.util.List;

/**
 * What {@link TablesClient#removeOrphans} removed: data files no snapshot held and metadata files
 * the table's history did not reach.
 *
 * @param files paths relative to the table's folder (e.g. {@code data/<uuid>.parquet}, {@code
 *     metadata/<uuid>-m0.avro})
 * @param bytes their total size
 */
public record RemovedFiles(List<String> files, long bytes) {
  public RemovedFiles {
    files = List.copyOf(files);
  }
}
