package dev.keel.monitoring;

import java.util.Objects;

/**
 * Keel: an inference log's labels live in another table and arrive later, joined by request id. The
 * label column is the inference log's {@code label_col}, read from this table.
 *
 * @param tableName the label table, {@code catalog.schema.table}
 * @param keyCol the column both tables share (a request id); how a key labelled more than once is
 *     counted is defined in docs/monitoring.md
 */
public record LabelJoin(String tableName, String keyCol) {
  public LabelJoin {
    Objects.requireNonNull(tableName, "tableName");
    Objects.requireNonNull(keyCol, "keyCol");
  }
}
