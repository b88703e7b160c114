package dev.keel.client;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Writes the block-style YAML that MLflow's {@code yaml.safe_dump} produces for {@code MLmodel},
 * {@code conda.yaml} and {@code python_env.yaml}: keys sorted, lists at their key's indentation,
 * strings plain when YAML 1.1 reads that back as the same string (not a number, boolean, null or
 * timestamp) and single-quoted otherwise. Values are {@link Map} with {@link String} keys, {@link
 * List}, {@link String}, {@link Number}, {@link Boolean} and {@code null}.
 */
final class Yaml {
  /** Characters that can stay plain in block context (a leading "-" needs a non-space after it). */
  private static final Pattern PLAIN =
      Pattern.compile("(-(?=[^ ]))?[A-Za-z0-9_][A-Za-z0-9_.\\-/=<>+ ]*");

  /** What YAML 1.1 (PyYAML) would read as a number or a timestamp, so must be quoted. */
  private static final Pattern NUMBER_OR_DATE =
      Pattern.compile(
          "[-+]?(\\.[0-9]+|[0-9][0-9_]*(\\.[0-9_]*)?)([eE][-+]?[0-9]+)?|[-+]?0x[0-9a-fA-F_]+"
              + "|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}.*");

  private static final Set<String> RESERVED =
      Set.of("true", "false", "yes", "no", "on", "off", "null", "y", "n", "~");

  private Yaml() {}

  /** The document for a top-level mapping, sorted by key, ending with a newline. */
  static String write(Map<String, ?> root) {
    StringBuilder sb = new StringBuilder();
    map(sb, root, 0);
    return sb.toString();
  }

  private static void map(StringBuilder sb, Map<?, ?> m, int indent) {
    Map<String, Object> sorted = new TreeMap<>();
    m.forEach((k, v) -> sorted.put((String) k, v));
    for (Map.Entry<String, Object> e : sorted.entrySet()) {
      sb.append(" ".repeat(indent)).append(scalar(e.getKey())).append(':');
      value(sb, e.getValue(), indent);
    }
  }

  /** Writes what follows {@code key:} (or {@code -}) for a value at {@code indent}. */
  private static void value(StringBuilder sb, Object v, int indent) {
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
          sb.append(scalar(item)).append('\n');
        }
      }
    } else {
      sb.append(' ').append(scalar(v)).append('\n');
    }
  }

  static String scalar(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof Boolean || v instanceof Integer || v instanceof Long) {
      return v.toString();
    }
    if (v instanceof Double || v instanceof Float) {
      return Double.toString(((Number) v).doubleValue());
    }
    String s = v.toString();
    if (PLAIN.matcher(s).matches()
        && !s.endsWith(" ")
        && !NUMBER_OR_DATE.matcher(s).matches()
        && !RESERVED.contains(s.toLowerCase(Locale.ROOT))) {
      return s;
    }
    boolean control = s.chars().anyMatch(c -> c < 0x20 || c == 0x7f);
    if (control) {
      return PyJson.compact(s); // a double-quoted YAML scalar reads JSON escapes
    }
    return "'" + s.replace("'", "''") + "'";
  }
}
