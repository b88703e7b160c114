package dev.keel.monitoring.engine;

import dev.keel.monitoring.Granularity;
import dev.keel.tables.Column;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** SQL text helpers for the engine's DuckDB queries. */
final class Sql {
  private Sql() {}

  /** A quoted identifier. */
  static String ident(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  /** A string literal. */
  static String literal(String s) {
    return "'" + s.replace("'", "''") + "'";
  }

  /** A DuckDB list literal of the files' paths. */
  static String fileList(List<Path> files) {
    List<String> parts = new ArrayList<>(files.size());
    for (Path p : files) {
      parts.add(literal(p.toAbsolutePath().toString()));
    }
    return "[" + String.join(", ", parts) + "]";
  }

  /**
   * A relation with exactly {@code columns} (in order) over the Parquet files; a typed empty
   * relation when there are none.
   */
  static String parquet(List<Column> columns, List<Path> files, boolean withFileInfo) {
    List<String> sel = new ArrayList<>();
    for (Column c : columns) {
      sel.add(ident(c.name()));
    }
    if (files.isEmpty()) {
      List<String> nulls = new ArrayList<>();
      for (Column c : columns) {
        nulls.add("CAST(NULL AS " + duckType(c.type().typeText()) + ") AS " + ident(c.name()));
      }
      if (withFileInfo) {
        nulls.add("CAST(NULL AS VARCHAR) AS filename");
        nulls.add("CAST(NULL AS BIGINT) AS file_row_number");
      }
      return "(SELECT " + String.join(", ", nulls) + " WHERE false)";
    }
    if (withFileInfo) {
      sel.add("filename");
      sel.add("file_row_number");
    }
    return "(SELECT "
        + String.join(", ", sel)
        + " FROM read_parquet("
        + fileList(files)
        + ", union_by_name = true"
        + (withFileInfo ? ", filename = true, file_row_number = true" : "")
        + "))";
  }

  /**
   * The start of the window of {@code g} holding the timestamp (or date) expression, as BIGINT
   * microseconds since the epoch (UTC); NULL for a NULL timestamp.
   */
  static String windowStartMicros(Granularity g, String tsExpr) {
    // epoch_us straight on the TIMESTAMPTZ (or DATE): a cast to TIMESTAMP goes through the
    // session's time zone calendar, which cost ~130 ns a row (1.3 s per 10M-row scan).
    String t = "epoch_us(" + tsExpr + ")";
    if (g.months() == 0) {
      long len = g.fixed().toNanos() / 1000;
      return "(" + t + " - (((" + t + " % " + len + ") + " + len + ") % " + len + "))";
    }
    String unit = g.months() == 12 ? "year" : "month";
    return "epoch_us(date_trunc('" + unit + "', make_timestamp(" + t + ")))";
  }

  /** DuckDB's type for a Spark DDL type text (primitives, decimal, struct, array, map). */
  static String duckType(String typeText) {
    return new TypeParser(typeText).parse();
  }

  private static final class TypeParser {
    private final String s;
    private int i;

    TypeParser(String s) {
      this.s = s.trim().toLowerCase(Locale.ROOT);
    }

    String parse() {
      String t = type();
      if (i != s.length()) {
        throw new IllegalArgumentException("bad type text: " + s);
      }
      return t;
    }

    private String word() {
      skip();
      int start = i;
      while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) {
        i++;
      }
      return s.substring(start, i);
    }

    private void skip() {
      while (i < s.length() && s.charAt(i) == ' ') {
        i++;
      }
    }

    private void expect(char c) {
      skip();
      if (i >= s.length() || s.charAt(i) != c) {
        throw new IllegalArgumentException("bad type text: " + s);
      }
      i++;
    }

    private String type() {
      String w = word();
      switch (w) {
        case "struct" -> {
          expect('<');
          List<String> fields = new ArrayList<>();
          while (true) {
            String name = word();
            expect(':');
            fields.add(ident(name) + " " + type());
            skip();
            if (s.charAt(i) == ',') {
              i++;
            } else {
              break;
            }
          }
          expect('>');
          return "STRUCT(" + String.join(", ", fields) + ")";
        }
        case "array" -> {
          expect('<');
          String e = type();
          expect('>');
          return e + "[]";
        }
        case "map" -> {
          expect('<');
          String k = type();
          expect(',');
          String v = type();
          expect('>');
          return "MAP(" + k + ", " + v + ")";
        }
        case "decimal" -> {
          skip();
          if (i < s.length() && s.charAt(i) == '(') {
            int end = s.indexOf(')', i);
            String ps = s.substring(i, end + 1);
            i = end + 1;
            return "DECIMAL" + ps;
          }
          return "DECIMAL(10,0)";
        }
        default -> {
          return switch (w) {
            case "boolean" -> "BOOLEAN";
            case "int", "integer" -> "INTEGER";
            case "long", "bigint" -> "BIGINT";
            case "float" -> "FLOAT";
            case "double" -> "DOUBLE";
            case "string" -> "VARCHAR";
            case "date" -> "DATE";
            case "timestamp" -> "TIMESTAMPTZ";
            case "binary" -> "BLOB";
            default -> throw new IllegalArgumentException("unsupported type: " + w);
          };
        }
      }
    }
  }
}
