package dev.keel.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * Keel's {@code label_join}: where an inference log's labels come from when they arrive later than
 * the predictions, joined on a key column (the serving inference tables' {@code prediction_id}).
 *
 * @param tableName the label table, {@code catalog.schema.table}
 * @param keyCol the column both tables share
 */
public record MonitorLabelJoin(String tableName, String keyCol) {
  /** Checks for nulls. */
  public MonitorLabelJoin {
    Objects.requireNonNull(tableName, "tableName");
    Objects.requireNonNull(keyCol, "keyCol");
  }

  /** The join as the API sends it. */
  public ObjectNode toJson() {
    return KeelJson.object().put("table_name", tableName).put("key_col", keyCol);
  }
}
