package dev.keel.serving;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.Arrays;
import java.util.Objects;

/**
 * One model output: a named tensor of shape {@code [rows, d1, ...]} with values flattened in
 * row-major order, held as doubles (float and double outputs; a float's double value is exact),
 * longs (integer and boolean outputs, booleans as 0/1) or strings. Immutable.
 */
public final class OutputTensor {
  private final String name;
  private final long[] shape;
  private final double[] doubles;
  private final long[] longs;
  private final String[] strings;

  private OutputTensor(
      String name, long[] shape, double[] doubles, long[] longs, String[] strings) {
    this.name = Objects.requireNonNull(name, "name");
    this.shape = shape;
    this.doubles = doubles;
    this.longs = longs;
    this.strings = strings;
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    if (shape.length == 0 || n != length()) {
      throw new IllegalArgumentException(
          "output '" + name + "': shape " + Arrays.toString(shape) + " vs " + length() + " values");
    }
  }

  /** A floating-point output. */
  public static OutputTensor ofDoubles(String name, long[] shape, double[] values) {
    return new OutputTensor(name, shape.clone(), values.clone(), null, null);
  }

  /** An integer output. */
  public static OutputTensor ofLongs(String name, long[] shape, long[] values) {
    return new OutputTensor(name, shape.clone(), null, values.clone(), null);
  }

  /** A string output. */
  public static OutputTensor ofStrings(String name, long[] shape, String[] values) {
    return new OutputTensor(name, shape.clone(), null, null, values.clone());
  }

  /** Wraps arrays the caller gives up (no copy); for the runtimes in this package. */
  static OutputTensor owning(
      String name, long[] shape, double[] doubles, long[] longs, String[] strings) {
    return new OutputTensor(name, shape, doubles, longs, strings);
  }

  /** The output name (the ONNX output name; {@code predictions} for XGBoost). */
  public String name() {
    return name;
  }

  /** The shape; the first dimension is the number of rows. */
  public long[] shape() {
    return shape.clone();
  }

  /** The number of rows. */
  public int rows() {
    return (int) shape[0];
  }

  /** The number of values per row. */
  public int width() {
    return rows() == 0 ? 0 : length() / rows();
  }

  /** The number of values. */
  public int length() {
    return doubles != null ? doubles.length : longs != null ? longs.length : strings.length;
  }

  /** Whether the values are strings. */
  public boolean isString() {
    return strings != null;
  }

  /** The value at flat index {@code i} as a double (numeric outputs only). */
  public double doubleAt(int i) {
    if (doubles != null) {
      return doubles[i];
    }
    if (longs != null) {
      return longs[i];
    }
    throw new IllegalStateException("output '" + name + "' holds strings");
  }

  /** The value at flat index {@code i} as a string (any output). */
  public String stringAt(int i) {
    if (strings != null) {
      return strings[i];
    }
    return doubles != null ? Double.toString(doubles[i]) : Long.toString(longs[i]);
  }

  /** Writes the value at flat index {@code i}. */
  void writeValue(JsonGenerator g, int i) throws IOException {
    if (doubles != null) {
      double v = doubles[i];
      if (Double.isFinite(v)) {
        g.writeNumber(v);
      } else {
        // Plain JSON has no NaN/Infinity; written as the strings Python's json would not
        // produce but that every JSON reader accepts.
        g.writeString(Double.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity");
      }
    } else if (longs != null) {
      g.writeNumber(longs[i]);
    } else {
      g.writeString(strings[i]);
    }
  }

  /** Writes the values of row {@code row} as nested lists of the trailing dimensions. */
  void writeRow(JsonGenerator g, int row) throws IOException {
    int width = width();
    writeNested(g, 1, row * width, width);
  }

  /** Writes the whole tensor as nested lists. */
  void writeAll(JsonGenerator g) throws IOException {
    writeNested(g, 0, 0, length());
  }

  private void writeNested(JsonGenerator g, int dim, int offset, int size) throws IOException {
    if (dim == shape.length) {
      writeValue(g, offset);
      return;
    }
    int n = (int) shape[dim];
    int step = n == 0 ? 0 : size / n;
    g.writeStartArray();
    for (int k = 0; k < n; k++) {
      writeNested(g, dim + 1, offset + k * step, step);
    }
    g.writeEndArray();
  }
}
