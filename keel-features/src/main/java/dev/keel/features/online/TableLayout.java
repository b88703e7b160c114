package dev.keel.features.online;

import dev.keel.features.online.OnlineCodec.KeyType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The layout of one feature table in the online store: key columns sorted by name with their types,
 * and feature columns in vector order. Fixed by the first write, stored by the backend.
 */
final class TableLayout {
  private final String name;
  private final List<String> keyColumns;
  private final List<KeyType> keyTypes;
  private final List<String> featureColumns;
  private final Map<String, Integer> features = new HashMap<>();
  private final byte[][] keyHeaders;

  TableLayout(
      String name, List<String> keyColumns, List<KeyType> keyTypes, List<String> featureColumns) {
    this.name = name;
    this.keyColumns = List.copyOf(keyColumns);
    this.keyTypes = List.copyOf(keyTypes);
    this.featureColumns = List.copyOf(featureColumns);
    for (int i = 0; i < featureColumns.size(); i++) {
      features.putIfAbsent(featureColumns.get(i), i);
    }
    keyHeaders = new byte[keyColumns.size()][];
    for (int i = 0; i < keyHeaders.length; i++) {
      keyHeaders[i] = OnlineCodec.keyHeader(keyColumns.get(i));
    }
  }

  String name() {
    return name;
  }

  List<String> keyColumns() {
    return keyColumns;
  }

  List<KeyType> keyTypes() {
    return keyTypes;
  }

  List<String> featureColumns() {
    return featureColumns;
  }

  /** Whether both describe the same columns and types. */
  boolean sameColumns(TableLayout o) {
    return keyColumns.equals(o.keyColumns)
        && keyTypes.equals(o.keyTypes)
        && featureColumns.equals(o.featureColumns);
  }

  /** Index of a feature column, or -1. */
  int featureIndex(String feature) {
    Integer i = features.get(feature);
    return i == null ? -1 : i;
  }

  /** The encoded headers (u32 length + UTF-8 name) of the key columns; do not modify. */
  byte[][] keyHeaders() {
    return keyHeaders;
  }

  /** Stats of this table with a row count. */
  OnlineTableStats stats(long entities) {
    return new OnlineTableStats(
        name, keyColumns, keyTypes.stream().map(t -> t.label).toList(), featureColumns, entities);
  }

  /** Serialized form, for the backend's table of layouts. */
  byte[] encode() {
    OnlineCodec.Buf b = new OnlineCodec.Buf(256);
    b.u32(OnlineCodec.FORMAT_VERSION);
    b.u32(keyColumns.size());
    for (int i = 0; i < keyColumns.size(); i++) {
      string(b, keyColumns.get(i));
      b.u8(keyTypes.get(i).tag);
    }
    b.u32(featureColumns.size());
    for (String f : featureColumns) {
      string(b, f);
    }
    return b.toArray();
  }

  static TableLayout decode(String name, byte[] a) {
    OnlineCodec.Reader r = new OnlineCodec.Reader(a, 0);
    int version = r.u32();
    if (version != OnlineCodec.FORMAT_VERSION) {
      throw new IllegalStateException(
          "online store: feature table '" + name + "' has format version " + version);
    }
    int nk = r.u32();
    List<String> keys = new ArrayList<>(nk);
    List<KeyType> types = new ArrayList<>(nk);
    for (int i = 0; i < nk; i++) {
      keys.add(r.string(r.u32()));
      types.add(KeyType.ofTag(r.u8()));
    }
    int nf = r.u32();
    List<String> features = new ArrayList<>(nf);
    for (int i = 0; i < nf; i++) {
      features.add(r.string(r.u32()));
    }
    return new TableLayout(name, keys, types, features);
  }

  private static void string(OnlineCodec.Buf b, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    b.u32(bytes.length);
    b.bytes(bytes);
  }

  /** Human-readable description for error messages. */
  String describe() {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < keyColumns.size(); i++) {
      keys.add(keyColumns.get(i) + " " + keyTypes.get(i).label);
    }
    return "keys " + keys + ", features " + featureColumns;
  }
}
