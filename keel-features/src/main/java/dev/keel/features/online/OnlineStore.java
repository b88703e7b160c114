package dev.keel.features.online;

import java.util.Iterator;
import java.util.List;

/**
 * The online feature store: per feature table and entity key, the feature vector with the newest
 * event time. Implementations: {@link EmbeddedOnlineStore} and {@link RedisOnlineStore}; open one
 * with {@link OnlineStores#open}. Implementations are thread-safe.
 *
 * <p><b>Skip-if-older</b> (Feast's rule): a row whose event time is older than <em>or equal to</em>
 * the stored row of the same feature table and entity key is skipped, so replaying a publish is a
 * no-op and the newest row wins whatever the arrival order, also within one write. Event times are
 * compared at microsecond precision.
 *
 * <p><b>Layout of a feature table</b>: the first write to a table fixes its key columns (with the
 * types of the first row's key values) and its feature columns; later writes must name the same
 * columns (key columns in any order), until {@link #deleteTable} drops the table.
 */
public interface OnlineStore extends AutoCloseable {
  /** Rows per batch: each batch is applied atomically, then the next one. */
  int BATCH_ROWS = 8192;

  /**
   * Publishes rows, streaming: rows are checked and applied batch by batch ({@link #BATCH_ROWS}),
   * so a bad row fails the write and leaves earlier batches applied. Use {@link #write(String,
   * List, List, List)} for all-or-nothing checking.
   *
   * @param featureTable the feature table's name
   * @param keyColumns the entity key columns, in the order of {@link OnlineRow#key()}
   * @param featureColumns the feature columns, in the order of {@link OnlineRow#values()}
   * @param rows the rows
   * @return rows written and rows skipped as older or equal
   * @throws dev.keel.core.KeelException INVALID_ARGUMENT for bad names, values or a layout that
   *     differs from the table's
   */
  WriteResult write(
      String featureTable,
      List<String> keyColumns,
      List<String> featureColumns,
      Iterator<OnlineRow> rows);

  /**
   * As {@link #write(String, List, List, Iterator)}, with a choice for a row whose event time
   * equals the stored row's: with {@code replaceEqual} it replaces the stored row unless both are
   * the same bytes (so replaying a write still writes nothing); without it, it is skipped (Feast's
   * rule). The publisher uses {@code true}: it sends each entity's winner by the shared tie rule
   * ({@code dev.keel.features.training.RowOrder}), which must replace an older winner of the same
   * event time.
   */
  WriteResult write(
      String featureTable,
      List<String> keyColumns,
      List<String> featureColumns,
      Iterator<OnlineRow> rows,
      boolean replaceEqual);

  /**
   * Publishes rows after checking all of them: bad input changes nothing.
   *
   * @see #write(String, List, List, Iterator)
   */
  WriteResult write(
      String featureTable,
      List<String> keyColumns,
      List<String> featureColumns,
      List<OnlineRow> rows);

  /**
   * Reads features for entity rows. Results are per feature, in request order, with one value,
   * status and event time per entity row. A feature table that was never written (or was deleted)
   * gives {@link FeatureStatus#NOT_FOUND}; max ages are checked against the store's clock.
   *
   * @throws dev.keel.core.KeelException INVALID_ARGUMENT for an empty request, an unknown feature
   *     of a known table, a missing key column or a bad key value
   */
  OnlineFeatures read(List<FeatureRef> features, EntityRows entities);

  /**
   * Drops every row and the layout of a feature table.
   *
   * @return whether the table existed
   */
  boolean deleteTable(String featureTable);

  /** The feature tables and their row counts. */
  OnlineStoreStats stats();

  /** Releases connections; the data stays. */
  @Override
  void close();
}
