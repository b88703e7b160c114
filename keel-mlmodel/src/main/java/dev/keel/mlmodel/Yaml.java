package dev.keel.mlmodel;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Writes block-style YAML the way PyYAML's {@code safe_dump(data, default_flow_style=False)} writes
 * it, which is how MLflow writes {@code MLmodel} and {@code conda.yaml}: keys sorted, lists at
 * their key's indentation, a string plain when YAML 1.1 reads it back as the same string and
 * single-quoted otherwise, and long scalars folded at spaces past column 80. Values are {@link Map}
 * with {@link String} keys, {@link List}, {@link String}, {@link Number}, {@link Boolean} and
 * {@code null}. Strings with control or non-ASCII characters are double-quoted with JSON escapes
 * (PyYAML escapes them too, though not always the same way).
 */
public final class Yaml {
  private static final int WIDTH = 80;

  /** What a YAML 1.1 reader (PyYAML or SnakeYAML) resolves to a non-string, so must be quoted. */
  private static final Pattern IMPLICIT =
      Pattern.compile(
          String.join(
              "|",
              // booleans
              "yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF",
              // null, merge key, value key
              "~|null|Null|NULL|<<|=",
              // integers: binary, octal, decimal, hex, sexagesimal
              "[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+",
              "[-+]?[1-9][0-9_]*(:[0-5]?[0-9])+",
              // floats (PyYAML needs a dot; SnakeYAML also reads 1e5), sexagesimal, inf, nan
              "[-+]?(\\.[0-9]+|[0-9][0-9_]*(\\.[0-9_]*)?)([eE][-+]?[0-9]+)?",
              "[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\\.[0-9_]*",
              "[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)",
              // timestamps
              "[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}.*"));

  private static final String FIRST_INDICATORS = "#,[]{}&*!|>'\"%@`";

  private Yaml() {}

  /** The document for a top-level mapping, sorted by key, ending with a newline. */
  public static String write(Map<String, ?> root) {
    StringBuilder sb = new StringBuilder();
    map(sb, root, 0);
    return sb.toString();
  }

  private static void map(StringBuilder sb, Map<?, ?> m, int indent) {
    Map<String, Object> sorted = new TreeMap<>();
    m.forEach((k, v) -> sorted.put((String) k, v));
    for (Map.Entry<String, Object> e : sorted.entrySet()) {
      int lineStart = sb.length();
      sb.append(" ".repeat(indent));
      scalar(sb, e.getKey(), indent, indent + 2, false);
      sb.append(':');
      value(sb, e.getValue(), indent, sb.length() - lineStart);
    }
  }

  /** Writes what follows {@code key:} (or {@code -}) for a value at {@code indent}. */
  private static void value(StringBuilder sb, Object v, int indent, int column) {
    if (v instanceof Map<?, ?> m) {
      if (m.isEmpty()) {
        sb.append(" {}\n");
      } else {
        sb.append('\n');
        map(sb, m, indent + 2);
      }
    } else if (v instanceof List<?> l) {
      if (l.isEmpty()) {
        sb.append(" []\n");
        return;
      }
      sb.append('\n');
      for (Object item : l) {
        sb.append(" ".repeat(indent)).append("- ");
        if (item instanceof Map<?, ?> im && !im.isEmpty()) {
          // The first key sits after "- ", the rest under it.
          StringBuilder inner = new StringBuilder();
          map(inner, im, indent + 2);
          sb.append(inner.substring(indent + 2));
        } else if (item instanceof List<?>) {
          throw new IllegalArgumentException("nested lists are not written");
        } else {
          scalar(sb, item, indent + 2, indent + 2, true);
          sb.append('\n');
        }
      }
    } else {
      sb.append(' ');
      scalar(sb, v, column + 1, indent + 2, true);
      sb.append('\n');
    }
  }

  /**
   * Writes a scalar that starts at {@code column}; long strings fold onto lines indented by {@code
   * indent} when {@code split}.
   */
  private static void scalar(StringBuilder sb, Object v, int column, int indent, boolean split) {
    if (v == null) {
      sb.append("null");
    } else if (v instanceof Boolean || v instanceof Integer || v instanceof Long) {
      sb.append(v);
    } else if (v instanceof Double || v instanceof Float) {
      sb.append(((Number) v).doubleValue());
    } else {
      String s = v.toString();
      if (s.chars().anyMatch(c -> c < 0x20 || c > 0x7e)) {
        sb.append(PyJson.compact(s)); // a double-quoted YAML scalar reads JSON escapes
      } else if (plain(s)) {
        folded(sb, s, column, indent, split, false);
      } else {
        sb.append('\'');
        folded(sb, s, column + 1, indent, split, true);
        sb.append('\'');
      }
    }
  }

  /** Whether {@code s} (printable ASCII) can be written plain and reads back as this string. */
  static boolean plain(String s) {
    if (s.isEmpty() || s.startsWith(" ") || s.endsWith(" ") || IMPLICIT.matcher(s).matches()) {
      return false;
    }
    char first = s.charAt(0);
    if (FIRST_INDICATORS.indexOf(first) >= 0) {
      return false;
    }
    if ((first == '?' || first == ':' || first == '-') && (s.length() == 1 || s.charAt(1) == ' ')) {
      return false;
    }
    for (int i = 1; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == ':' && (i + 1 == s.length() || s.charAt(i + 1) == ' ')) {
        return false;
      }
      if (c == '#' && s.charAt(i - 1) == ' ') {
        return false;
      }
    }
    return true;
  }

  /**
   * Writes {@code s} (quotes doubled when {@code quoted}), replacing a single space by a line break
   * and {@code indent} spaces once the line is past {@value #WIDTH} columns, as PyYAML does.
   */
  private static void folded(
      StringBuilder sb, String s, int column, int indent, boolean split, boolean quoted) {
    int col = column;
    int start = 0;
    boolean spaces = false;
    int n = s.length();
    for (int end = 0; end <= n; end++) {
      boolean atEnd = end == n;
      char ch = atEnd ? 0 : s.charAt(end);
      if (spaces) {
        if (atEnd || ch != ' ') {
          boolean single = start + 1 == end;
          if (single && col > WIDTH && split && start != 0 && end != n) {
            sb.append('\n').append(" ".repeat(indent));
            col = indent;
          } else {
            sb.append(s, start, end);
            col += end - start;
          }
          start = end;
        }
      } else if (atEnd || ch == ' ' || (quoted && ch == '\'')) {
        if (start < end) {
          sb.append(s, start, end);
          col += end - start;
          start = end;
        }
      }
      if (quoted && !atEnd && ch == '\'') {
        sb.append("''");
        col += 2;
        start = end + 1;
      }
      if (!atEnd) {
        spaces = ch == ' ';
      }
    }
  }
}
