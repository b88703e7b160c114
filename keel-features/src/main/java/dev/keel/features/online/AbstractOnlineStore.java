package dev.keel.features.online;

import dev.keel.core.KeelException;
import dev.keel.features.online.OnlineCodec.KeyType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What both backends share: argument checks, key and vector encoding, the layout of a feature
 * table, and building read results with statuses and max ages. A backend stores layouts, applies
 * encoded batches with skip-if-older, and fetches stored rows.
 */
abstract class AbstractOnlineStore implements OnlineStore {
  static final int MAX_NAME = 256;

  /** A stored row: its event time and bytes (8-byte sortable time, then the vector). */
  record Stored(long micros, byte[] data) {}

  /**
   * Event-time microseconds as 8 bytes whose unsigned byte order is time order: the sign bit
   * flipped, big-endian. Stored rows start with them, so a backend compares times byte-wise.
   */
  static long sortableTime(long micros) {
    return micros ^ Long.MIN_VALUE;
  }

  /** The event time of a stored row (its first 8 bytes). */
  static long storedMicros(byte[] row) {
    return new OnlineCodec.Reader(row, 0).u64() ^ Long.MIN_VALUE;
  }

  /**
   * One encoded batch to apply; arrays are filled up to {@code size}. {@code rows[i]} is the stored
   * form: 8-byte sortable event time, then the feature vector.
   */
  static final class Batch {
    final byte[][] keys = new byte[BATCH_ROWS][];
    final long[] micros = new long[BATCH_ROWS];
    final byte[][] rows = new byte[BATCH_ROWS][];
    int size;
  }

  private final Clock clock;
  private final Map<String, TableLayout> layouts = new ConcurrentHashMap<>();

  AbstractOnlineStore(Clock clock) {
    this.clock = clock;
  }

  // ------------------------------------------------------------------ backend

  /** The stored layout of a table, if any. */
  abstract Optional<TableLayout> loadLayout(String table);

  /** Stores {@code proposed} unless the table has a layout; returns the stored one. */
  abstract TableLayout storeLayout(TableLayout proposed);

  /**
   * Applies a batch in order with skip-if-older, atomically; a row of an equal event time replaces
   * a different stored row only with {@code replaceEqual}.
   */
  abstract WriteResult apply(TableLayout table, Batch batch, boolean replaceEqual);

  /** For each table {@code t} and row {@code r} with {@code keys[t][r] != null}, the stored row. */
  abstract void fetch(TableLayout[] tables, byte[][][] keys, Stored[][] out);

  /** Removes rows and layout. */
  abstract boolean drop(String table);

  final void forgetLayout(String table) {
    layouts.remove(table);
  }

  final void rememberLayout(TableLayout t) {
    layouts.put(t.name(), t);
  }

  final Optional<TableLayout> layout(String table) {
    TableLayout t = layouts.get(table);
    if (t != null) {
      return Optional.of(t);
    }
    Optional<TableLayout> loaded = loadLayout(table);
    loaded.ifPresent(this::rememberLayout);
    return loaded;
  }

  // -------------------------------------------------------------------- write

  @Override
  public final WriteResult write(
      String featureTable,
      List<String> keyColumns,
      List<String> featureColumns,
      List<OnlineRow> rows) {
    checkNames(featureTable, keyColumns, featureColumns);
    if (rows.isEmpty()) {
      return WriteResult.NONE;
    }
    TableLayout layout = proposed(featureTable, keyColumns, featureColumns, rows.get(0));
    Optional<TableLayout> existing = layout(featureTable);
    TableLayout target = existing.orElse(layout);
    checkSame(target, layout, keyColumns);
    int[] perm = permutation(target, keyColumns);
    OnlineCodec.Buf buf = new OnlineCodec.Buf(256);
    for (int i = 0; i < rows.size(); i++) {
      encodeRow(target, perm, rows.get(i), i, buf, null, 0);
    }
    return writeChecked(featureTable, keyColumns, featureColumns, rows.iterator(), layout, false);
  }

  @Override
  public final WriteResult write(
      String featureTable,
      List<String> keyColumns,
      List<String> featureColumns,
      Iterator<OnlineRow> rows) {
    return write(featureTable, keyColumns, featureColumns, rows, false);
  }

  @Override
  public final WriteResult write(
      String featureTable,
      List<String> keyColumns,
      List<String> featureColumns,
      Iterator<OnlineRow> rows,
      boolean replaceEqual) {
    checkNames(featureTable, keyColumns, featureColumns);
    if (!rows.hasNext()) {
      return WriteResult.NONE;
    }
    OnlineRow first = rows.next();
    TableLayout layout = proposed(featureTable, keyColumns, featureColumns, first);
    return writeChecked(
        featureTable,
        keyColumns,
        featureColumns,
        concat(List.of(first).iterator(), rows),
        layout,
        replaceEqual);
  }

  private WriteResult writeChecked(
      String featureTable,
      List<String> keyColumns,
      List<String> featureColumns,
      Iterator<OnlineRow> rows,
      TableLayout proposed,
      boolean replaceEqual) {
    OnlineCodec.Buf buf = new OnlineCodec.Buf(256);
    TableLayout target = layout(featureTable).orElse(null);
    if (target == null) {
      // A new table: check the first batch before storing its layout, so that a bad first batch
      // leaves nothing behind.
      List<OnlineRow> head = new ArrayList<>();
      while (head.size() < BATCH_ROWS && rows.hasNext()) {
        head.add(rows.next());
      }
      int[] perm = permutation(proposed, keyColumns);
      for (int i = 0; i < head.size(); i++) {
        encodeRow(proposed, perm, head.get(i), i, buf, null, 0);
      }
      target = storeLayout(proposed);
      rememberLayout(target);
      rows = concat(head.iterator(), rows);
    }
    checkSame(target, proposed, keyColumns);
    int[] perm = permutation(target, keyColumns);
    Batch batch = new Batch();
    WriteResult total = WriteResult.NONE;
    long index = 0;
    while (rows.hasNext()) {
      batch.size = 0;
      while (batch.size < BATCH_ROWS && rows.hasNext()) {
        encodeRow(target, perm, rows.next(), index++, buf, batch, batch.size);
        batch.size++;
      }
      total = total.plus(apply(target, batch, replaceEqual));
    }
    return total;
  }

  private static Iterator<OnlineRow> concat(Iterator<OnlineRow> a, Iterator<OnlineRow> b) {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return a.hasNext() || b.hasNext();
      }

      @Override
      public OnlineRow next() {
        return a.hasNext() ? a.next() : b.next();
      }
    };
  }

  private static void checkNames(
      String featureTable, List<String> keyColumns, List<String> featureColumns) {
    checkTableName(featureTable);
    if (keyColumns.isEmpty()) {
      throw KeelException.invalid("keyColumns: at least one key column is required");
    }
    if (featureColumns.isEmpty()) {
      throw KeelException.invalid("featureColumns: at least one feature column is required");
    }
    checkColumns("keyColumns", keyColumns);
    checkColumns("featureColumns", featureColumns);
  }

  static void checkTableName(String featureTable) {
    if (featureTable.isBlank() || featureTable.length() > MAX_NAME) {
      throw KeelException.invalid(
          "featureTable: must be 1 to " + MAX_NAME + " characters and not blank");
    }
  }

  private static void checkColumns(String field, List<String> columns) {
    Set<String> seen = new HashSet<>();
    for (String c : columns) {
      if (c == null || c.isBlank() || c.length() > MAX_NAME) {
        throw KeelException.invalid(
            field + ": column names must be 1 to " + MAX_NAME + " characters and not blank");
      }
      if (!seen.add(c)) {
        throw KeelException.invalid(field + ": column '" + c + "' appears twice");
      }
    }
  }

  /** The layout this write implies: key columns sorted, typed by the first row. */
  private static TableLayout proposed(
      String table, List<String> keyColumns, List<String> featureColumns, OnlineRow first) {
    if (first.key().size() != keyColumns.size()) {
      throw KeelException.invalid(
          "rows[0].key: expected "
              + keyColumns.size()
              + " values "
              + keyColumns
              + ", got "
              + first.key().size());
    }
    Integer[] order = new Integer[keyColumns.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> keyColumns.get(a).compareTo(keyColumns.get(b)));
    List<String> sorted = new ArrayList<>();
    List<KeyType> types = new ArrayList<>();
    for (int i : order) {
      Object v = first.key().get(i);
      KeyType t = v == null ? null : KeyType.of(v);
      if (t == null) {
        throw badKey("rows[0].key[" + i + "]", keyColumns.get(i), v);
      }
      sorted.add(keyColumns.get(i));
      types.add(t);
    }
    return new TableLayout(table, sorted, types, featureColumns);
  }

  private static KeelException badKey(String field, String column, Object v) {
    return KeelException.invalid(
        field
            + " (key column '"
            + column
            + "'): "
            + (v == null ? "must not be null" : "unsupported type " + v.getClass().getSimpleName())
            + "; key values are long, int, string or boolean");
  }

  /** Fails unless the write's layout matches the stored one; int and long keys may mix. */
  private static void checkSame(TableLayout stored, TableLayout write, List<String> keyColumns) {
    if (!stored.keyColumns().equals(write.keyColumns())
        || !stored.featureColumns().equals(write.featureColumns())) {
      throw KeelException.invalid(
          "featureColumns: feature table '"
              + stored.name()
              + "' has "
              + stored.describe()
              + " in the online store; this write has "
              + write.describe()
              + " (delete the table from the online store to change its layout)");
    }
    for (int i = 0; i < stored.keyTypes().size(); i++) {
      if (!compatible(stored.keyTypes().get(i), write.keyTypes().get(i))) {
        throw KeelException.invalid(
            "rows[0].key["
                + keyColumns.indexOf(stored.keyColumns().get(i))
                + "] (key column '"
                + stored.keyColumns().get(i)
                + "'): expected "
                + stored.keyTypes().get(i).label
                + ", got "
                + write.keyTypes().get(i).label);
      }
    }
  }

  private static boolean compatible(KeyType stored, KeyType given) {
    return stored == given
        || (stored == KeyType.LONG && given == KeyType.INT)
        || (stored == KeyType.INT && given == KeyType.LONG);
  }

  /** perm[i] = index in {@code columns} of the table's i-th (sorted) key column, or -1. */
  private static int[] permutation(TableLayout t, List<String> columns) {
    int[] perm = new int[t.keyColumns().size()];
    for (int i = 0; i < perm.length; i++) {
      perm[i] = columns.indexOf(t.keyColumns().get(i));
    }
    return perm;
  }

  private void encodeRow(
      TableLayout t,
      int[] perm,
      OnlineRow row,
      long index,
      OnlineCodec.Buf buf,
      Batch out,
      int at) {
    if (row.key().size() != perm.length) {
      throw KeelException.invalid(
          "rows[" + index + "].key: expected " + perm.length + " values, got " + row.key().size());
    }
    if (row.values().size() != t.featureColumns().size()) {
      throw KeelException.invalid(
          "rows["
              + index
              + "].values: expected "
              + t.featureColumns().size()
              + " values "
              + t.featureColumns()
              + ", got "
              + row.values().size());
    }
    long micros;
    try {
      micros = OnlineCodec.micros(row.eventTime());
    } catch (ArithmeticException e) {
      throw KeelException.invalid("rows[" + index + "].eventTime: out of range");
    }
    buf.reset();
    buf.u32(perm.length);
    byte[][] headers = t.keyHeaders();
    for (int i = 0; i < perm.length; i++) {
      Object v = row.key().get(perm[i]);
      KeyType type = t.keyTypes().get(i);
      if (!keyFits(type, v)) {
        String field = "rows[" + index + "].key[" + perm[i] + "]";
        if (v == null || KeyType.of(v) == null) {
          throw badKey(field, t.keyColumns().get(i), v);
        }
        throw KeelException.invalid(
            field
                + " (key column '"
                + t.keyColumns().get(i)
                + "'): expected "
                + type.label
                + ", got "
                + KeyType.of(v).label
                + (v instanceof Long ? " out of int range" : ""));
      }
      OnlineCodec.keyValue(buf, headers[i], type, v);
    }
    byte[] key = out == null ? null : buf.toArray();
    buf.reset();
    buf.u64(sortableTime(micros));
    for (int i = 0; i < row.values().size(); i++) {
      Object v = row.values().get(i);
      if (!OnlineCodec.isValue(v)) {
        throw KeelException.invalid(
            "rows["
                + index
                + "].values["
                + i
                + "] (feature '"
                + t.featureColumns().get(i)
                + "'): unsupported type "
                + v.getClass().getSimpleName()
                + "; values are boolean, int, long, float, double, string, timestamp, bytes or"
                + " null");
      }
    }
    if (out != null) {
      OnlineCodec.vector(buf, row.values());
      out.keys[at] = key;
      out.micros[at] = micros;
      out.rows[at] = buf.toArray();
    }
  }

  /** Whether a key value can be stored under a column of this type (int and long convert). */
  private static boolean keyFits(KeyType type, Object v) {
    return switch (type) {
      case LONG -> v instanceof Long || v instanceof Integer;
      case INT ->
          v instanceof Integer
              || (v instanceof Long l && l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE);
      case STRING -> v instanceof String;
      case BOOLEAN -> v instanceof Boolean;
    };
  }

  // --------------------------------------------------------------------- read

  @Override
  public final OnlineFeatures read(List<FeatureRef> features, EntityRows entities) {
    if (features.isEmpty()) {
      throw KeelException.invalid("features: at least one feature is required");
    }
    List<String> columns = entities.columns();
    List<List<Object>> rows = entities.rows();
    int n = rows.size();
    for (int r = 0; r < n; r++) {
      if (rows.get(r).size() != columns.size()) {
        throw KeelException.invalid(
            "entities.rows["
                + r
                + "]: expected "
                + columns.size()
                + " values "
                + columns
                + ", got "
                + rows.get(r).size());
      }
    }
    Map<String, Integer> tableIndex = new LinkedHashMap<>();
    List<TableLayout> tables = new ArrayList<>();
    int[] featTable = new int[features.size()];
    int[] featCol = new int[features.size()];
    for (int f = 0; f < features.size(); f++) {
      FeatureRef ref = features.get(f);
      Integer ti = tableIndex.get(ref.featureTable());
      if (ti == null) {
        checkTableName(ref.featureTable());
        ti = tables.size();
        tableIndex.put(ref.featureTable(), ti);
        tables.add(layout(ref.featureTable()).orElse(null));
      }
      featTable[f] = ti;
      TableLayout t = tables.get(ti);
      featCol[f] = -1;
      if (t != null) {
        featCol[f] = t.featureIndex(ref.feature());
        if (featCol[f] < 0) {
          throw KeelException.invalid(
              "features: feature table '"
                  + ref.featureTable()
                  + "' has no feature '"
                  + ref.feature()
                  + "' (it has "
                  + t.featureColumns()
                  + ")");
        }
      }
    }
    TableLayout[] tableArray = tables.toArray(new TableLayout[0]);
    byte[][][] keys = new byte[tableArray.length][][];
    OnlineCodec.Buf buf = new OnlineCodec.Buf(128);
    for (int t = 0; t < tableArray.length; t++) {
      keys[t] = new byte[n][];
      if (tableArray[t] != null) {
        encodeEntityKeys(tableArray[t], columns, rows, buf, keys[t]);
      }
    }
    Stored[][] stored = new Stored[tableArray.length][n];
    fetch(tableArray, keys, stored);

    Instant now = clock.instant();
    Object[][][] decoded = new Object[tableArray.length][n][];
    List<FeatureResult> results = new ArrayList<>(features.size());
    for (int f = 0; f < features.size(); f++) {
      FeatureRef ref = features.get(f);
      int t = featTable[f];
      Object[] values = new Object[n];
      FeatureStatus[] statuses = new FeatureStatus[n];
      Instant[] times = new Instant[n];
      for (int r = 0; r < n; r++) {
        Stored s = stored[t][r];
        if (s == null) {
          statuses[r] = FeatureStatus.NOT_FOUND;
          times[r] = Instant.EPOCH;
          continue;
        }
        Instant eventTime = OnlineCodec.instantOfMicros(s.micros());
        times[r] = eventTime;
        if (ref.maxAge().isPresent() && tooOld(now, eventTime, ref.maxAge().get())) {
          statuses[r] = FeatureStatus.OUTSIDE_MAX_AGE;
          continue;
        }
        if (decoded[t][r] == null) {
          decoded[t][r] = OnlineCodec.decodeVector(s.data(), 8);
        }
        Object v = decoded[t][r][featCol[f]];
        values[r] = v;
        statuses[r] = v == null ? FeatureStatus.NULL_VALUE : FeatureStatus.PRESENT;
      }
      results.add(
          new FeatureResult(
              ref,
              Collections.unmodifiableList(Arrays.asList(values)),
              List.of(statuses),
              List.of(times)));
    }
    return new OnlineFeatures(results, n);
  }

  /** Age greater than max age; an age equal to it is still fresh. */
  static boolean tooOld(Instant now, Instant eventTime, Duration maxAge) {
    return eventTime.plus(maxAge).isBefore(now);
  }

  private static void encodeEntityKeys(
      TableLayout t,
      List<String> columns,
      List<List<Object>> rows,
      OnlineCodec.Buf buf,
      byte[][] out) {
    int[] perm = permutation(t, columns);
    for (int i = 0; i < perm.length; i++) {
      if (perm[i] < 0) {
        throw KeelException.invalid(
            "entities: feature table '"
                + t.name()
                + "' needs key column '"
                + t.keyColumns().get(i)
                + "' (its keys are "
                + t.keyColumns()
                + ")");
      }
    }
    byte[][] headers = t.keyHeaders();
    rowLoop:
    for (int r = 0; r < rows.size(); r++) {
      List<Object> row = rows.get(r);
      buf.reset();
      buf.u32(perm.length);
      for (int i = 0; i < perm.length; i++) {
        Object v = row.get(perm[i]);
        if (v == null || KeyType.of(v) == null) {
          throw KeelException.invalid(
              "entities.rows["
                  + r
                  + "]["
                  + perm[i]
                  + "] (key column '"
                  + t.keyColumns().get(i)
                  + "'): "
                  + (v == null
                      ? "must not be null"
                      : "unsupported type " + v.getClass().getSimpleName()));
        }
        KeyType type = t.keyTypes().get(i);
        if (!keyFits(type, v)) {
          continue rowLoop; // another type: no entity of this table can have this key
        }
        OnlineCodec.keyValue(buf, headers[i], type, v);
      }
      out[r] = buf.toArray();
    }
  }

  // -------------------------------------------------------------------- admin

  @Override
  public final boolean deleteTable(String featureTable) {
    checkTableName(featureTable);
    try {
      return drop(featureTable);
    } finally {
      forgetLayout(featureTable);
    }
  }

  /** A map from wrapped byte arrays, for grouping keys. */
  static final class Key {
    final byte[] bytes;
    private final int hash;

    Key(byte[] bytes) {
      this.bytes = bytes;
      this.hash = Arrays.hashCode(bytes);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && Arrays.equals(bytes, k.bytes);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }
}
