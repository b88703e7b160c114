package dev.keel.serving;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.KeelException;
import dev.keel.mlmodel.ColumnType;
import java.util.Locale;

/** Fills one input's values, converting JSON values or CSV text to the input's type. */
final class ColumnBuilder {
  private final String name;
  private final ColumnType type;
  private final long[] shape;
  private final double[] doubles;
  private final long[] longs;
  private final boolean[] booleans;
  private final String[] strings;

  ColumnBuilder(String name, ColumnType type, long[] shape) {
    this.name = name;
    this.type = type;
    this.shape = shape;
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    int size = (int) n;
    switch (type) {
      case FLOAT, DOUBLE -> {
        doubles = new double[size];
        longs = null;
        booleans = null;
        strings = null;
      }
      case INTEGER, LONG -> {
        doubles = null;
        longs = new long[size];
        booleans = null;
        strings = null;
      }
      case BOOLEAN -> {
        doubles = null;
        longs = null;
        booleans = new boolean[size];
        strings = null;
      }
      default -> {
        doubles = null;
        longs = null;
        booleans = null;
        strings = new String[size];
      }
    }
  }

  String name() {
    return name;
  }

  /** Sets flat index {@code i} from a JSON value ({@code row} is for messages). */
  void setJson(int i, int row, JsonNode v) {
    if (v == null || v.isNull() || v.isMissingNode()) {
      setMissing(i, row);
      return;
    }
    switch (type) {
      case FLOAT, DOUBLE -> {
        if (!v.isNumber()) {
          throw wrongType(row, v);
        }
        double d = v.doubleValue();
        if (type == ColumnType.FLOAT && Double.isFinite(d) && Math.abs(d) > Float.MAX_VALUE) {
          throw bad(row, "value " + v.asText() + " is out of range for float");
        }
        doubles[i] = d;
      }
      case INTEGER, LONG -> {
        if (!v.isIntegralNumber()) {
          throw wrongType(row, v);
        }
        if (!v.canConvertToLong() || (type == ColumnType.INTEGER && !v.canConvertToInt())) {
          throw bad(row, "value " + v.asText() + " is out of range for " + type.wireName());
        }
        longs[i] = v.longValue();
      }
      case BOOLEAN -> {
        if (!v.isBoolean()) {
          throw wrongType(row, v);
        }
        booleans[i] = v.booleanValue();
      }
      default -> {
        if (!v.isTextual()) {
          throw wrongType(row, v);
        }
        strings[i] = v.textValue();
      }
    }
  }

  /** Sets flat index {@code i} from CSV text; an empty field is a missing value. */
  void setText(int i, int row, String text) {
    if (text.isEmpty()) {
      setMissing(i, row);
      return;
    }
    switch (type) {
      case FLOAT, DOUBLE -> {
        double d = parseDouble(row, text);
        if (type == ColumnType.FLOAT && Double.isFinite(d) && Math.abs(d) > Float.MAX_VALUE) {
          throw bad(row, "value " + quote(text) + " is out of range for float");
        }
        doubles[i] = d;
      }
      case INTEGER, LONG -> {
        long v;
        try {
          v = Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
          throw bad(row, "expected " + type.wireName() + ", got " + quote(text));
        }
        if (type == ColumnType.INTEGER && (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE)) {
          throw bad(row, "value " + quote(text) + " is out of range for integer");
        }
        longs[i] = v;
      }
      case BOOLEAN -> {
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.equals("true")) {
          booleans[i] = true;
        } else if (t.equals("false")) {
          booleans[i] = false;
        } else {
          throw bad(row, "expected boolean, got " + quote(text));
        }
      }
      default -> strings[i] = text;
    }
  }

  private double parseDouble(int row, String text) {
    String t = text.strip();
    // Only decimal numbers (what pandas reads as floats); no hex floats, no "NaN"/"Infinity".
    if (t.isEmpty() || !t.matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?")) {
      throw bad(row, "expected " + type.wireName() + ", got " + quote(text));
    }
    return Double.parseDouble(t);
  }

  /** A missing value: NaN for float and double inputs, refused for every other type. */
  void setMissing(int i, int row) {
    if (doubles != null) {
      doubles[i] = Double.NaN;
      return;
    }
    throw bad(row, "missing value (null) is not allowed for type " + type.wireName());
  }

  /** Fills every value as missing (an absent optional input). */
  void fillMissing() {
    if (doubles == null) {
      throw KeelException.invalid(
          "Input '"
              + name
              + "' is optional and absent, but a missing "
              + type.wireName()
              + " input cannot be filled (only float and double inputs take NaN)");
    }
    java.util.Arrays.fill(doubles, Double.NaN);
  }

  InputColumn build() {
    return InputColumn.owning(name, type, shape, doubles, longs, booleans, strings);
  }

  private KeelException wrongType(int row, JsonNode v) {
    return bad(row, "expected " + type.wireName() + ", got " + describe(v));
  }

  KeelException bad(int row, String problem) {
    return KeelException.invalid("Input '" + name + "' (row " + row + "): " + problem);
  }

  static String describe(JsonNode v) {
    if (v.isTextual()) {
      return "string " + quote(v.textValue());
    }
    if (v.isBoolean()) {
      return "boolean " + v.asText();
    }
    if (v.isNumber()) {
      return (v.isIntegralNumber() ? "integer " : "number ") + v.asText();
    }
    if (v.isArray()) {
      return "an array";
    }
    if (v.isObject()) {
      return "an object";
    }
    return v.getNodeType().name().toLowerCase(Locale.ROOT);
  }

  static String quote(String s) {
    String t = s.length() > 50 ? s.substring(0, 50) + "..." : s;
    StringBuilder b = new StringBuilder("'");
    for (int k = 0; k < t.length(); k++) {
      char c = t.charAt(k);
      b.append(Character.isISOControl(c) ? '?' : c);
    }
    return b.append('\'').toString();
  }
}
