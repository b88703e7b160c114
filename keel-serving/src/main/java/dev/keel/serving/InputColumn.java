package dev.keel.serving;

import dev.keel.mlmodel.ColumnType;
import java.util.Arrays;
import java.util.Objects;

/**
 * One input of an {@link InputBatch}: a named column of a column-based signature (shape {@code
 * [rows]}) or a named tensor of a tensor-based one (shape {@code [rows, d1, d2, ...]}), with its
 * values flattened in row-major order.
 *
 * <p>Values are held in one primitive array chosen by the element type: {@code double} for {@link
 * ColumnType#FLOAT} and {@link ColumnType#DOUBLE} (a missing value is {@code NaN}), {@code long}
 * for {@link ColumnType#INTEGER} and {@link ColumnType#LONG}, {@code boolean} for {@link
 * ColumnType#BOOLEAN}, and {@code String} for {@link ColumnType#STRING}, {@link ColumnType#BINARY}
 * and {@link ColumnType#DATETIME} (as sent). Instances are immutable: the factories copy their
 * arrays and the accessors return copies.
 */
public final class InputColumn {
  private final String name;
  private final ColumnType type;
  private final long[] shape;
  final double[] doubles;
  final long[] longs;
  final boolean[] booleans;
  final String[] strings;

  private InputColumn(
      String name,
      ColumnType type,
      long[] shape,
      double[] doubles,
      long[] longs,
      boolean[] booleans,
      String[] strings) {
    this.name = Objects.requireNonNull(name, "name");
    this.type = Objects.requireNonNull(type, "type");
    if (shape.length == 0) {
      throw new IllegalArgumentException("shape must have at least the row dimension");
    }
    long n = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
      }
      n = Math.multiplyExact(n, d);
    }
    this.shape = shape;
    this.doubles = doubles;
    this.longs = longs;
    this.booleans = booleans;
    this.strings = strings;
    if (n != length()) {
      throw new IllegalArgumentException(
          "column '"
              + name
              + "': shape "
              + Arrays.toString(shape)
              + " needs "
              + n
              + " values, got "
              + length());
    }
  }

  /** A floating-point column ({@code type} FLOAT or DOUBLE) of shape {@code [values.length]}. */
  public static InputColumn ofDoubles(String name, ColumnType type, double[] values) {
    return ofDoubles(name, type, new long[] {values.length}, values);
  }

  /** A floating-point input ({@code type} FLOAT or DOUBLE) of the given shape. */
  public static InputColumn ofDoubles(String name, ColumnType type, long[] shape, double[] values) {
    requireType(type, ColumnType.FLOAT, ColumnType.DOUBLE);
    return new InputColumn(name, type, shape.clone(), values.clone(), null, null, null);
  }

  /** An integer column ({@code type} INTEGER or LONG) of shape {@code [values.length]}. */
  public static InputColumn ofLongs(String name, ColumnType type, long[] values) {
    return ofLongs(name, type, new long[] {values.length}, values);
  }

  /** An integer input ({@code type} INTEGER or LONG) of the given shape. */
  public static InputColumn ofLongs(String name, ColumnType type, long[] shape, long[] values) {
    requireType(type, ColumnType.INTEGER, ColumnType.LONG);
    return new InputColumn(name, type, shape.clone(), null, values.clone(), null, null);
  }

  /** A boolean input of the given shape. */
  public static InputColumn ofBooleans(String name, long[] shape, boolean[] values) {
    return new InputColumn(
        name, ColumnType.BOOLEAN, shape.clone(), null, null, values.clone(), null);
  }

  /** A string-valued input ({@code type} STRING, BINARY or DATETIME) of the given shape. */
  public static InputColumn ofStrings(String name, ColumnType type, long[] shape, String[] values) {
    requireType(type, ColumnType.STRING, ColumnType.BINARY, ColumnType.DATETIME);
    for (String s : values) {
      Objects.requireNonNull(s, "string value");
    }
    return new InputColumn(name, type, shape.clone(), null, null, null, values.clone());
  }

  /** Wraps arrays the caller gives up (no copy); for the parser in this package. */
  static InputColumn owning(
      String name,
      ColumnType type,
      long[] shape,
      double[] doubles,
      long[] longs,
      boolean[] booleans,
      String[] strings) {
    return new InputColumn(name, type, shape, doubles, longs, booleans, strings);
  }

  private static void requireType(ColumnType type, ColumnType... allowed) {
    for (ColumnType t : allowed) {
      if (t == type) {
        return;
      }
    }
    throw new IllegalArgumentException(
        "type " + type + " is not one of " + Arrays.toString(allowed));
  }

  /** The column or tensor name. */
  public String name() {
    return name;
  }

  /** The element type. */
  public ColumnType type() {
    return type;
  }

  /** The shape; the first dimension is the number of rows. */
  public long[] shape() {
    return shape.clone();
  }

  /** The number of rows (the first dimension). */
  public int rows() {
    return (int) shape[0];
  }

  /** The number of values per row (1 for a column). */
  public int width() {
    return rows() == 0 ? 0 : length() / rows();
  }

  /** Whether the values are held as doubles (FLOAT or DOUBLE). */
  public boolean isFloatingPoint() {
    return doubles != null;
  }

  /** Whether the values are held as longs (INTEGER or LONG). */
  public boolean isIntegral() {
    return longs != null;
  }

  /** The values as doubles: a copy for FLOAT/DOUBLE, converted for INTEGER/LONG/BOOLEAN. */
  public double[] doubles() {
    if (doubles != null) {
      return doubles.clone();
    }
    double[] out = new double[length()];
    for (int i = 0; i < out.length; i++) {
      out[i] = doubleAt(i);
    }
    return out;
  }

  /** The value at flat index {@code i} as a double (numbers and booleans only). */
  public double doubleAt(int i) {
    if (doubles != null) {
      return doubles[i];
    }
    if (longs != null) {
      return longs[i];
    }
    if (booleans != null) {
      return booleans[i] ? 1.0 : 0.0;
    }
    throw new IllegalStateException("column '" + name + "' holds " + type.wireName() + " values");
  }

  /** A copy of the integer values; empty array unless INTEGER or LONG. */
  public long[] longs() {
    return longs == null ? new long[0] : longs.clone();
  }

  /** A copy of the boolean values; empty array unless BOOLEAN. */
  public boolean[] booleans() {
    return booleans == null ? new boolean[0] : booleans.clone();
  }

  /** A copy of the string values; empty array unless STRING, BINARY or DATETIME. */
  public String[] strings() {
    return strings == null ? new String[0] : strings.clone();
  }

  /** The number of values (the product of the shape). */
  public int length() {
    if (doubles != null) {
      return doubles.length;
    }
    if (longs != null) {
      return longs.length;
    }
    if (booleans != null) {
      return booleans.length;
    }
    return strings.length;
  }
}
