package dev.keel.tables;

import dev.keel.core.KeelException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses Spark/Databricks DDL type text into a {@link ColumnType}: flat names ({@code bigint},
 * {@code decimal(10,2)}), and {@code struct<name:type [NOT NULL],...>}, {@code array<type>}, {@code
 * map<key,value>} nested arbitrarily, case-insensitively. Field names may be backquoted; the colon
 * after a field name is optional, as in Spark.
 */
final class ColumnTypeParser {
  private static final Pattern DECIMAL_TEXT =
      Pattern.compile("decimal\\s*\\(\\s*(\\d{1,2})\\s*,\\s*(\\d{1,2})\\s*\\)");

  private static final String FLAT_TYPES =
      "BOOLEAN, INT, LONG, FLOAT, DOUBLE, STRING, DATE, TIMESTAMP, BINARY, DECIMAL(p,s)";

  private final String field;
  private final String original;
  private final String text;
  private int pos;

  private ColumnTypeParser(String field, String original) {
    this.field = field;
    this.original = original;
    this.text = original.toLowerCase(Locale.ROOT);
  }

  /** See {@link ColumnType#parse}. */
  static ColumnType parse(String field, String text) {
    String t = text == null ? "" : text.trim();
    String lower = t.toLowerCase(Locale.ROOT);
    if (!lower.contains("<") && !lower.contains(">")) {
      return flat(field, text, lower);
    }
    ColumnTypeParser p = new ColumnTypeParser(field, t);
    ColumnType type = p.type(0);
    p.skipSpace();
    if (p.pos < p.text.length()) {
      throw p.error("unexpected '" + p.text.charAt(p.pos) + "'");
    }
    return type;
  }

  /** A flat type name, as Keel always accepted them. */
  private static ColumnType flat(String field, String text, String t) {
    Matcher m = DECIMAL_TEXT.matcher(t);
    if (m.matches()) {
      try {
        return ColumnType.decimal(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
      } catch (KeelException e) {
        throw Errors.invalid("'" + field + "' " + e.getMessage());
      }
    }
    return switch (t) {
      case "boolean" -> ColumnType.BOOLEAN;
      case "int", "integer" -> ColumnType.INT;
      case "long", "bigint" -> ColumnType.LONG;
      case "float" -> ColumnType.FLOAT;
      case "double" -> ColumnType.DOUBLE;
      case "string" -> ColumnType.STRING;
      case "date" -> ColumnType.DATE;
      case "timestamp" -> ColumnType.TIMESTAMP;
      case "binary" -> ColumnType.BINARY;
      case "decimal" -> ColumnType.decimal(10, 0);
      case "timestamp_ntz" ->
          throw Errors.invalid(
              "'"
                  + field
                  + "' TIMESTAMP_NTZ is not supported: timestamps are instants (TIMESTAMP, with"
                  + " a zone).");
      case "struct", "array", "map" ->
          throw Errors.invalid(
              "'"
                  + field
                  + "' "
                  + t.toUpperCase(Locale.ROOT)
                  + " needs its parts: give the type text, such as struct<a:int,b:string>,"
                  + " array<double> or map<string,double>.");
      default ->
          throw Errors.invalid(
              "'"
                  + field
                  + "' has unsupported type '"
                  + text
                  + "': expected one of "
                  + FLAT_TYPES
                  + ", STRUCT<...>, ARRAY<...>, MAP<...>.");
    };
  }

  private ColumnType type(int depth) {
    if (depth > ColumnType.MAX_DEPTH) {
      throw error("types nest at most " + ColumnType.MAX_DEPTH + " levels deep");
    }
    skipSpace();
    int start = pos;
    String word = word();
    try {
      switch (word) {
        case "struct" -> {
          expect('<');
          List<ColumnType.Field> fields = new ArrayList<>();
          do {
            fields.add(structField(depth));
          } while (accept(','));
          expect('>');
          return ColumnType.struct(fields);
        }
        case "array" -> {
          expect('<');
          ColumnType element = type(depth + 1);
          expect('>');
          return ColumnType.array(element);
        }
        case "map" -> {
          expect('<');
          ColumnType key = type(depth + 1);
          expect(',');
          ColumnType value = type(depth + 1);
          expect('>');
          return ColumnType.map(key, value);
        }
        case "decimal" -> {
          skipSpace();
          if (pos < text.length() && text.charAt(pos) == '(') {
            int close = text.indexOf(')', pos);
            if (close < 0) {
              throw error("missing ')'");
            }
            pos = close + 1;
          }
          return flat(field, original.substring(start, pos), text.substring(start, pos).trim());
        }
        case "" -> throw error("expected a type");
        default -> {
          return flat(field, original.substring(start, pos), word);
        }
      }
    } catch (KeelException e) {
      if (e.getMessage().startsWith("'" + field + "'")) {
        throw e;
      }
      throw error(e.getMessage());
    }
  }

  private ColumnType.Field structField(int depth) {
    skipSpace();
    String name;
    if (accept('`')) {
      int close = text.indexOf('`', pos);
      if (close < 0) {
        throw error("missing closing '`'");
      }
      name = text.substring(pos, close);
      pos = close + 1;
    } else {
      name = word();
      if (name.isEmpty()) {
        throw error("expected a field name");
      }
    }
    accept(':');
    ColumnType type = type(depth + 1);
    boolean nullable = true;
    skipSpace();
    int mark = pos;
    String next = word();
    if (next.equals("not")) {
      skipSpace();
      if (!word().equals("null")) {
        throw error("expected NULL after NOT");
      }
      nullable = false;
      skipSpace();
      mark = pos;
      next = word();
    }
    if (next.equals("comment")) {
      throw error("field comments are not supported");
    }
    if (!next.isEmpty()) {
      pos = mark;
      throw error("unexpected '" + next + "' after field '" + name + "'");
    }
    return new ColumnType.Field(name, type, nullable);
  }

  private String word() {
    skipSpace();
    int start = pos;
    while (pos < text.length()
        && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
      pos++;
    }
    return text.substring(start, pos);
  }

  private void skipSpace() {
    while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
  }

  private boolean accept(char c) {
    skipSpace();
    if (pos < text.length() && text.charAt(pos) == c) {
      pos++;
      return true;
    }
    return false;
  }

  private void expect(char c) {
    if (!accept(c)) {
      throw error(
          "expected '"
              + c
              + "'"
              + (pos < text.length() ? " but found '" + text.charAt(pos) + "'" : " at the end"));
    }
  }

  private KeelException error(String reason) {
    String r = reason.endsWith(".") ? reason.substring(0, reason.length() - 1) : reason;
    return Errors.invalid(
        "'"
            + field
            + "' has invalid type '"
            + original
            + "': "
            + r
            + " (at character "
            + (pos + 1)
            + ").");
  }
}
