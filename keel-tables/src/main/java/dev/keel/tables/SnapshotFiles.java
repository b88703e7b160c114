package dev.keel.tables;

import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;

/**
 * Owns what is read from one snapshot's metadata: its data files, summary numbers, unique-key mark.
 */
final class SnapshotFiles {
  /**
   * Snapshot-summary property: the comma-separated primary key that no two rows of the snapshot
   * share (see {@link TableSnapshot#primaryKeyUnique()}); absent when Keel does not know that.
   */
  static final String UNIQUE_KEY = "keel.unique-key";

  private SnapshotFiles() {}

  /**
   * Whether {@code snapshot} carries the {@link #UNIQUE_KEY} mark for (a subset of) {@code pks}.
   */
  static boolean uniqueKeyAt(org.apache.iceberg.Snapshot snapshot, List<String> pks) {
    String marked = snapshot.summary().get(UNIQUE_KEY);
    return marked != null && pks.containsAll(IcebergTables.splitKeys(marked));
  }

  static long num(Map<String, String> summary, String key) {
    String v = summary.get(key);
    return v == null ? 0 : Long.parseLong(v);
  }

  static List<DataFile> files(Table t, long snapshotId) {
    return files(t, snapshotId, Expressions.alwaysTrue());
  }

  static List<DataFile> files(
      Table t, long snapshotId, org.apache.iceberg.expressions.Expression filter) {
    List<DataFile> out = new ArrayList<>();
    try (CloseableIterable<FileScanTask> tasks =
        t.newScan().useSnapshot(snapshotId).filter(filter).planFiles()) {
      for (FileScanTask task : tasks) {
        if (!task.deletes().isEmpty()) {
          throw new KeelException(
              ErrorCode.INTERNAL_ERROR, "table has delete files, which Keel does not write");
        }
        out.add(task.file());
      }
    } catch (IOException e) {
      throw new KeelException(ErrorCode.INTERNAL_ERROR, "cannot plan files: " + e.getMessage(), e);
    }
    // A stable order, the order of the writes: readers that keep row order (training-set spines,
    // previews) see the same rows in the same order every time they read this snapshot.
    out.sort(
        java.util.Comparator.comparing(
                (DataFile d) -> d.dataSequenceNumber(),
                java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder()))
            .thenComparing(DataFile::location));
    return out;
  }
}
