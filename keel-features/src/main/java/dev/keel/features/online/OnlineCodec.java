package dev.keel.features.online;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

/**
 * The online store's byte formats, shared by both backends; version 1. Big-endian throughout.
 *
 * <ul>
 *   <li><b>Entity key</b>: u32 column count, then per key column sorted by name: u32 name length,
 *       UTF-8 name, u8 type ({@link KeyType#tag}), u32 value length, value (long: 8 bytes, int: 4
 *       bytes, boolean: 1 byte, string: UTF-8). Column names and types are part of the key, so
 *       {@code id=1L}, {@code id=1} and {@code id="1"} are three different entities.
 *   <li><b>Feature vector</b>: varint value count, then per value a tag byte and its payload: 0
 *       null, 1 false, 2 true, 3 int (4 bytes), 4 long (8), 5 float (4, IEEE bits), 6 double (8), 7
 *       string (varint length + UTF-8), 8 timestamp (8 bytes epoch second + 4 bytes nano), 9 bytes
 *       (varint length + bytes).
 *   <li><b>Event time</b>: microseconds since the epoch; as 8 bytes, the sign bit is flipped so
 *       that unsigned byte order is time order (Redis compares them byte-wise in Lua).
 * </ul>
 */
final class OnlineCodec {
  static final int FORMAT_VERSION = 1;

  private OnlineCodec() {}

  /** The entity key column types. */
  enum KeyType {
    LONG(1, "long"),
    INT(2, "int"),
    STRING(3, "string"),
    BOOLEAN(4, "boolean");

    final int tag;
    final String label;

    KeyType(int tag, String label) {
      this.tag = tag;
      this.label = label;
    }

    /** The type of a key value, or null if it cannot be a key. */
    static KeyType of(Object v) {
      if (v instanceof Long) {
        return LONG;
      } else if (v instanceof Integer) {
        return INT;
      } else if (v instanceof String) {
        return STRING;
      } else if (v instanceof Boolean) {
        return BOOLEAN;
      }
      return null;
    }

    static KeyType ofTag(int tag) {
      for (KeyType t : values()) {
        if (t.tag == tag) {
          return t;
        }
      }
      throw new IllegalStateException("unknown key type tag " + tag);
    }
  }

  static final byte NULL = 0;
  static final byte FALSE = 1;
  static final byte TRUE = 2;
  static final byte INT = 3;
  static final byte LONG = 4;
  static final byte FLOAT = 5;
  static final byte DOUBLE = 6;
  static final byte STRING = 7;
  static final byte TIMESTAMP = 8;
  static final byte BYTES = 9;

  /** Whether {@code v} is a storable feature value (null included). */
  static boolean isValue(Object v) {
    return v == null
        || v instanceof Boolean
        || v instanceof Integer
        || v instanceof Long
        || v instanceof Float
        || v instanceof Double
        || v instanceof String
        || v instanceof Instant
        || v instanceof byte[];
  }

  /** Microseconds since the epoch, truncated; throws ArithmeticException out of range. */
  static long micros(Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
  }

  static Instant instantOfMicros(long micros) {
    return Instant.ofEpochSecond(
        Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
  }

  /** A growable byte buffer. Not thread-safe. */
  static final class Buf {
    byte[] a;
    int n;

    Buf(int capacity) {
      a = new byte[capacity];
    }

    void reset() {
      n = 0;
    }

    private void ensure(int more) {
      if (n + more > a.length) {
        a = Arrays.copyOf(a, Math.max(a.length * 2, n + more));
      }
    }

    void u8(int v) {
      ensure(1);
      a[n++] = (byte) v;
    }

    void u32(int v) {
      ensure(4);
      a[n++] = (byte) (v >>> 24);
      a[n++] = (byte) (v >>> 16);
      a[n++] = (byte) (v >>> 8);
      a[n++] = (byte) v;
    }

    void u64(long v) {
      ensure(8);
      for (int s = 56; s >= 0; s -= 8) {
        a[n++] = (byte) (v >>> s);
      }
    }

    void varint(int v) {
      ensure(5);
      while ((v & ~0x7F) != 0) {
        a[n++] = (byte) ((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      a[n++] = (byte) v;
    }

    void bytes(byte[] b) {
      ensure(b.length);
      System.arraycopy(b, 0, a, n, b.length);
      n += b.length;
    }

    byte[] toArray() {
      return Arrays.copyOf(a, n);
    }
  }

  /** Reads what {@link Buf} wrote. */
  static final class Reader {
    private final byte[] a;
    private int p;

    Reader(byte[] a, int from) {
      this.a = a;
      this.p = from;
    }

    int u8() {
      return a[p++] & 0xFF;
    }

    int u32() {
      int v = ((a[p] & 0xFF) << 24) | ((a[p + 1] & 0xFF) << 16) | ((a[p + 2] & 0xFF) << 8);
      v |= a[p + 3] & 0xFF;
      p += 4;
      return v;
    }

    long u64() {
      long v = 0;
      for (int i = 0; i < 8; i++) {
        v = (v << 8) | (a[p++] & 0xFF);
      }
      return v;
    }

    int varint() {
      int v = 0;
      for (int shift = 0; ; shift += 7) {
        int b = a[p++];
        v |= (b & 0x7F) << shift;
        if ((b & 0x80) == 0) {
          return v;
        }
      }
    }

    byte[] bytes(int len) {
      byte[] b = Arrays.copyOfRange(a, p, p + len);
      p += len;
      return b;
    }

    String string(int len) {
      String s = new String(a, p, len, StandardCharsets.UTF_8);
      p += len;
      return s;
    }
  }

  // ------------------------------------------------------------------ keys

  /** Appends one key column (already-encoded header = u32 name length + name) and its value. */
  static void keyValue(Buf out, byte[] header, KeyType type, Object v) {
    out.bytes(header);
    out.u8(type.tag);
    switch (type) {
      case LONG -> {
        out.u32(8);
        out.u64(((Number) v).longValue());
      }
      case INT -> {
        out.u32(4);
        out.u32(((Number) v).intValue());
      }
      case BOOLEAN -> {
        out.u32(1);
        out.u8(((Boolean) v) ? 1 : 0);
      }
      case STRING -> {
        byte[] s = ((String) v).getBytes(StandardCharsets.UTF_8);
        out.u32(s.length);
        out.bytes(s);
      }
    }
  }

  /** The header of a key column: u32 name length, UTF-8 name. */
  static byte[] keyHeader(String name) {
    byte[] s = name.getBytes(StandardCharsets.UTF_8);
    Buf b = new Buf(4 + s.length);
    b.u32(s.length);
    b.bytes(s);
    return b.toArray();
  }

  // ---------------------------------------------------------------- values

  static void value(Buf out, Object v) {
    switch (v) {
      case null -> out.u8(NULL);
      case Boolean b -> out.u8(b ? TRUE : FALSE);
      case Integer i -> {
        out.u8(INT);
        out.u32(i);
      }
      case Long l -> {
        out.u8(LONG);
        out.u64(l);
      }
      case Float f -> {
        out.u8(FLOAT);
        out.u32(Float.floatToRawIntBits(f));
      }
      case Double d -> {
        out.u8(DOUBLE);
        out.u64(Double.doubleToRawLongBits(d));
      }
      case String s -> {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.u8(STRING);
        out.varint(b.length);
        out.bytes(b);
      }
      case Instant t -> {
        out.u8(TIMESTAMP);
        out.u64(t.getEpochSecond());
        out.u32(t.getNano());
      }
      case byte[] b -> {
        out.u8(BYTES);
        out.varint(b.length);
        out.bytes(b);
      }
      default -> throw new IllegalArgumentException("unsupported value " + v.getClass());
    }
  }

  /** Appends a feature vector. */
  static void vector(Buf out, java.util.List<Object> values) {
    out.varint(values.size());
    for (Object v : values) {
      value(out, v);
    }
  }

  /** Decodes a feature vector starting at {@code from}. */
  static Object[] decodeVector(byte[] a, int from) {
    Reader r = new Reader(a, from);
    Object[] out = new Object[r.varint()];
    for (int i = 0; i < out.length; i++) {
      out[i] = decodeValue(r);
    }
    return out;
  }

  private static Object decodeValue(Reader r) {
    int tag = r.u8();
    return switch (tag) {
      case NULL -> null;
      case FALSE -> Boolean.FALSE;
      case TRUE -> Boolean.TRUE;
      case INT -> r.u32();
      case LONG -> r.u64();
      case FLOAT -> Float.intBitsToFloat(r.u32());
      case DOUBLE -> Double.longBitsToDouble(r.u64());
      case STRING -> r.string(r.varint());
      case TIMESTAMP -> {
        long s = r.u64();
        yield Instant.ofEpochSecond(s, r.u32());
      }
      case BYTES -> r.bytes(r.varint());
      default -> throw new IllegalStateException("corrupt feature vector: tag " + tag);
    };
  }
}
