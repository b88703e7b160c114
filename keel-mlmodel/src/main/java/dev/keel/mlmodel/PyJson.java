package dev.keel.mlmodel;

import java.util.List;
import java.util.Map;

/**
 * Writes JSON the way Python's {@code json.dumps} does by default ({@code ", "} and {@code ": "}
 * separators, non-ASCII escaped, or indented), so files match what MLflow writes. Values are {@link
 * Map} (in its order), {@link List}, {@link String}, {@link Number}, {@link Boolean} and {@code
 * null}.
 */
public final class PyJson {
  private PyJson() {}

  /** One line, as {@code json.dumps(value)}. */
  public static String compact(Object value) {
    StringBuilder sb = new StringBuilder();
    write(sb, value, -1, 0);
    return sb.toString();
  }

  /** Indented by {@code indent} spaces, as {@code json.dumps(value, indent=indent)}. */
  public static String indented(Object value, int indent) {
    StringBuilder sb = new StringBuilder();
    write(sb, value, indent, 0);
    return sb.toString();
  }

  private static void write(StringBuilder sb, Object v, int indent, int level) {
    if (v == null) {
      sb.append("null");
    } else if (v instanceof String s) {
      string(sb, s);
    } else if (v instanceof Boolean b) {
      sb.append(b ? "true" : "false");
    } else if (v instanceof Number n) {
      number(sb, n);
    } else if (v instanceof Map<?, ?> m) {
      if (m.isEmpty()) {
        sb.append("{}");
        return;
      }
      sb.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        separator(sb, first, indent, level + 1);
        first = false;
        string(sb, String.valueOf(e.getKey()));
        sb.append(": ");
        write(sb, e.getValue(), indent, level + 1);
      }
      close(sb, indent, level);
      sb.append('}');
    } else if (v instanceof List<?> l) {
      if (l.isEmpty()) {
        sb.append("[]");
        return;
      }
      sb.append('[');
      boolean first = true;
      for (Object o : l) {
        separator(sb, first, indent, level + 1);
        first = false;
        write(sb, o, indent, level + 1);
      }
      close(sb, indent, level);
      sb.append(']');
    } else {
      throw new IllegalArgumentException("cannot write a " + v.getClass().getName() + " as JSON");
    }
  }

  private static void separator(StringBuilder sb, boolean first, int indent, int level) {
    if (indent < 0) {
      if (!first) {
        sb.append(", ");
      }
    } else {
      if (!first) {
        sb.append(',');
      }
      sb.append('\n').append(" ".repeat(indent * level));
    }
  }

  private static void close(StringBuilder sb, int indent, int level) {
    if (indent >= 0) {
      sb.append('\n').append(" ".repeat(indent * level));
    }
  }

  private static void number(StringBuilder sb, Number n) {
    if (n instanceof Double || n instanceof Float) {
      // A float is written as the shortest decimal that reads back as the same float.
      double d = n instanceof Float f ? Double.parseDouble(Float.toString(f)) : n.doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        throw new IllegalArgumentException("JSON has no " + d);
      }
      sb.append(d);
    } else {
      sb.append(n);
    }
  }

  private static void string(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        default -> {
          if (c < 0x20 || c > 0x7e) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
