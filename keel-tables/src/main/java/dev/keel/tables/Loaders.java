package dev.keel.tables;

import static dev.keel.tables.DuckDb.ident;
import static dev.keel.tables.DuckDb.literal;

import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Loads a write's input into a DuckDB temp table {@code incoming} with exactly the table's user
 * columns and types, refusing bad input with a message that names the row and column.
 */
final class Loaders {
  static final String INCOMING = "incoming";

  /** Staged rows of a table with nested columns, before they are cast into {@link #INCOMING}. */
  static final String INCOMING_RAW = "incoming_raw";

  private static final String ZONE_REGEX = "(Z|z|[+-][0-9]{2}(:?[0-9]{2})?)$";

  private Loaders() {}

  /** Source of a write's rows. */
  interface Loader {
    void load(Connection c, List<Column> columns) throws SQLException;
  }

  static void createIncoming(Statement s, List<Column> columns) throws SQLException {
    s.execute(
        "CREATE OR REPLACE TABLE "
            + INCOMING
            + " ("
            + columns.stream()
                .map(c -> ident(c.name()) + " " + c.type().duckType())
                .collect(Collectors.joining(", "))
            + ")");
  }

  // ------------------------------------------------------------------ rows

  static Loader rows(List<Map<String, Object>> rows) {
    return (c, columns) -> {
      try (RowAppender app = new RowAppender(c, columns)) {
        for (int i = 0; i < rows.size(); i++) {
          app.append(i, rows.get(i));
        }
      }
    };
  }

  /** Validates one value and converts it to the Java type {@link RowAppender} appends. */
  static Object convert(String where, ColumnType t, Object v) {
    return switch (t.kind()) {
      case STRUCT, ARRAY, MAP -> NestedValues.json(where, t, v);
      case BOOLEAN -> {
        if (v instanceof Boolean b) {
          yield b;
        }
        throw mismatch(where, t, v);
      }
      case INT -> {
        long l = integral(where, t, v);
        if (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
          throw Errors.invalid(where + ": " + v + " is out of range for INT");
        }
        yield (int) l;
      }
      case LONG -> integral(where, t, v);
      case FLOAT -> {
        if (v instanceof Number n
            && !(v instanceof BigDecimal bd && bd.abs().doubleValue() > Float.MAX_VALUE)) {
          yield n.floatValue();
        }
        throw mismatch(where, t, v);
      }
      case DOUBLE -> {
        if (v instanceof Number n) {
          yield n.doubleValue();
        }
        throw mismatch(where, t, v);
      }
      case STRING -> {
        if (v instanceof String s) {
          yield s;
        }
        throw mismatch(where, t, v);
      }
      case DATE -> {
        if (v instanceof LocalDate d) {
          yield d;
        }
        if (v instanceof String s) {
          try {
            yield LocalDate.parse(s);
          } catch (DateTimeParseException e) {
            throw Errors.invalid(where + ": expected DATE (yyyy-MM-dd), got " + show(v));
          }
        }
        throw mismatch(where, t, v);
      }
      case TIMESTAMP -> micros(instant(where, v));
      case BINARY -> {
        if (v instanceof byte[] b) {
          yield b;
        }
        if (v instanceof String s) {
          try {
            yield Base64.getDecoder().decode(s);
          } catch (IllegalArgumentException e) {
            throw Errors.invalid(where + ": expected BINARY (base64), got " + show(v));
          }
        }
        throw mismatch(where, t, v);
      }
      case DECIMAL -> {
        BigDecimal d;
        if (v instanceof BigDecimal bd) {
          d = bd;
        } else if (v instanceof BigInteger bi) {
          d = new BigDecimal(bi);
        } else if (v instanceof Long || v instanceof Integer || v instanceof Short) {
          d = BigDecimal.valueOf(((Number) v).longValue());
        } else if (v instanceof Double || v instanceof Float) {
          d = new BigDecimal(v.toString());
        } else if (v instanceof String s) {
          try {
            d = new BigDecimal(s.trim());
          } catch (NumberFormatException e) {
            throw mismatch(where, t, v);
          }
        } else {
          throw mismatch(where, t, v);
        }
        BigDecimal scaled;
        try {
          scaled = d.setScale(t.scale(), RoundingMode.UNNECESSARY);
        } catch (ArithmeticException e) {
          throw Errors.invalid(
              where + ": " + d.toPlainString() + " has more than " + t.scale() + " decimal places");
        }
        if (scaled.precision() > t.precision()) {
          throw Errors.invalid(where + ": " + d.toPlainString() + " does not fit " + t);
        }
        yield scaled;
      }
    };
  }

  private static long integral(String where, ColumnType t, Object v) {
    if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof BigInteger bi) {
      try {
        return bi.longValueExact();
      } catch (ArithmeticException e) {
        throw Errors.invalid(where + ": " + v + " is out of range for " + t);
      }
    }
    throw mismatch(where, t, v);
  }

  static Instant instant(String where, Object v) {
    if (v instanceof Instant i) {
      return i;
    }
    if (v instanceof OffsetDateTime o) {
      return o.toInstant();
    }
    if (v instanceof ZonedDateTime z) {
      return z.toInstant();
    }
    if (v instanceof String s) {
      try {
        return OffsetDateTime.parse(s.trim()).toInstant();
      } catch (DateTimeParseException e) {
        if (isLocalDateTime(s.trim())) {
          throw Errors.invalid(
              where
                  + ": timestamp "
                  + show(v)
                  + " has no time zone; TIMESTAMP columns hold instants, so add 'Z' or an offset"
                  + " such as +02:00");
        }
        throw Errors.invalid(
            where
                + ": expected TIMESTAMP (ISO-8601 with offset, e.g. 2024-01-01T00:00:00Z), got "
                + show(v));
      }
    }
    if (v instanceof LocalDateTime) {
      throw Errors.invalid(
          where + ": timestamp " + v + " has no time zone; pass an Instant or OffsetDateTime");
    }
    throw mismatch(where, ColumnType.TIMESTAMP, v);
  }

  private static boolean isLocalDateTime(String s) {
    try {
      LocalDateTime.parse(s.replace(' ', 'T'));
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  /** Microseconds since the epoch (sub-microsecond digits are dropped). */
  static long micros(Instant i) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, i);
  }

  private static KeelException mismatch(String where, ColumnType t, Object v) {
    return Errors.invalid(where + ": expected " + t + ", got " + show(v));
  }

  static String show(Object v) {
    String s;
    if (v instanceof String str) {
      s = "\"" + str + "\"";
    } else if (v instanceof Map<?, ?>) {
      s = "an object";
    } else if (v instanceof List<?>) {
      s = "an array";
    } else if (v instanceof byte[]) {
      s = "binary";
    } else {
      s = String.valueOf(v);
    }
    return s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }

  // ------------------------------------------------------------------ files

  /**
   * A file read by DuckDB: CSV (header line) and newline-delimited JSON are read as text and cast;
   * Parquet columns are cast from their own types. Every table column must be present and no other
   * column may be.
   */
  static Loader file(Path path, FileFormat format) {
    return (c, columns) -> {
      for (Column col : columns) {
        if (col.type().isNested()) {
          throw Errors.invalid(
              "file: column '"
                  + col.name()
                  + "' is "
                  + col.type().typeName()
                  + "; file uploads (CSV, JSON, Parquet) support flat columns only. Write rows"
                  + " with nested values through the rows API instead.");
        }
      }
      String p = literal(path.toAbsolutePath().toString());
      try (Statement s = c.createStatement()) {
        String source =
            switch (format) {
              case CSV ->
                  "read_csv(" + p + ", header = true, all_varchar = true, auto_detect = true)";
              case JSON -> jsonAsText(s, p);
              case PARQUET -> "read_parquet(" + p + ")";
            };
        try {
          s.execute("CREATE OR REPLACE TEMP TABLE raw AS SELECT * FROM " + source);
        } catch (SQLException e) {
          // DuckDB's message holds the spool file's path and SQL: the log gets it, not the client
          throw new KeelException(
              ErrorCode.INVALID_ARGUMENT,
              "file: cannot read it as "
                  + format
                  + ": it is not a valid "
                  + format
                  + " file (the server log has the details under this request's id).",
              e);
        }
        Map<String, String> rawTypes = new LinkedHashMap<>();
        try (ResultSet r =
            s.executeQuery(
                "SELECT column_name, data_type FROM information_schema.columns"
                    + " WHERE table_name = 'raw' ORDER BY ordinal_position")) {
          while (r.next()) {
            rawTypes.put(r.getString(1), r.getString(2));
          }
        }
        Map<String, String> rawByLower = new LinkedHashMap<>();
        for (String n : rawTypes.keySet()) {
          rawByLower.put(n.toLowerCase(Locale.ROOT), n);
        }
        Set<String> wanted = new TreeSet<>();
        columns.forEach(col -> wanted.add(col.name()));
        for (String n : rawByLower.keySet()) {
          if (!wanted.contains(n)) {
            throw Errors.invalid(
                "file: unknown column '"
                    + rawByLower.get(n)
                    + "'; the table's columns are "
                    + wanted);
          }
        }
        for (Column col : columns) {
          if (!rawByLower.containsKey(col.name())) {
            throw Errors.invalid("file: column '" + col.name() + "' is missing");
          }
        }
        s.execute(
            "CREATE OR REPLACE TEMP TABLE raw_n AS SELECT row_number() OVER () AS __row, * FROM raw");
        List<String> casts = new ArrayList<>();
        for (Column col : columns) {
          String raw = ident(rawByLower.get(col.name()));
          String rawType = rawTypes.get(rawByLower.get(col.name())).toUpperCase(Locale.ROOT);
          String cast = castExpr(raw, rawType, col.type());
          if (col.type().kind() == ColumnType.Kind.TIMESTAMP) {
            if (rawType.equals("TIMESTAMP") || rawType.startsWith("TIMESTAMP_")) {
              throw Errors.invalid(
                  "file: column '"
                      + col.name()
                      + "' holds timestamps without a time zone ("
                      + rawType
                      + "); TIMESTAMP columns hold instants");
            }
            if (rawType.equals("VARCHAR")) {
              failFirst(
                  s,
                  raw
                      + " IS NOT NULL AND NOT regexp_matches(trim("
                      + raw
                      + "), '"
                      + ZONE_REGEX
                      + "')",
                  raw,
                  col,
                  "has no time zone; add 'Z' or an offset such as +02:00");
            }
          }
          failFirst(
              s,
              raw + " IS NOT NULL AND (" + cast + ") IS NULL",
              raw,
              col,
              "is not a " + col.type());
          if (!col.nullable()) {
            failFirst(s, raw + " IS NULL", raw, col, "must not be null (it is a primary key)");
          }
          casts.add(cast + " AS " + ident(col.name()));
        }
        createIncoming(s, columns);
        s.execute(
            "INSERT INTO "
                + INCOMING
                + " SELECT "
                + String.join(", ", casts)
                + " FROM raw_n ORDER BY __row");
        s.execute("DROP TABLE raw");
        s.execute("DROP TABLE raw_n");
      }
    };
  }

  /**
   * Newline-delimited JSON with every key read as text (JSON strings without their quotes), so
   * values go through the same checks and casts as CSV and DuckDB's date/time guessing never
   * rewrites a string. The keys are found first (any line may add one).
   */
  private static String jsonAsText(Statement s, String p) throws SQLException {
    List<String> keys = new ArrayList<>();
    try (ResultSet r =
        s.executeQuery(
            "DESCRIBE SELECT * FROM read_json("
                + p
                + ", format = 'newline_delimited', sample_size = -1, maximum_depth = 1)")) {
      while (r.next()) {
        keys.add(r.getString(1));
      }
    } catch (SQLException e) {
      throw new KeelException(
          ErrorCode.INVALID_ARGUMENT,
          "file: cannot read it as JSON: it is not newline-delimited JSON objects (the server log"
              + " has the details under this request's id).",
          e);
    }
    if (keys.isEmpty()) {
      throw Errors.invalid("file: no JSON objects found.");
    }
    return "read_json("
        + p
        + ", format = 'newline_delimited', columns = {"
        + keys.stream().map(k -> literal(k) + ": 'VARCHAR'").collect(Collectors.joining(", "))
        + "})";
  }

  private static String castExpr(String raw, String rawType, ColumnType t) {
    if (t.kind() == ColumnType.Kind.BOOLEAN && rawType.equals("VARCHAR")) {
      return "TRY_CAST(lower(trim(" + raw + ")) AS BOOLEAN)";
    }
    if (rawType.equals("VARCHAR") && t.kind() != ColumnType.Kind.STRING) {
      return "TRY_CAST(trim(" + raw + ") AS " + t.duckType() + ")";
    }
    return "TRY_CAST(" + raw + " AS " + t.duckType() + ")";
  }

  private static void failFirst(
      Statement s, String condition, String raw, Column col, String problem) throws SQLException {
    try (ResultSet r =
        s.executeQuery(
            "SELECT __row, CAST("
                + raw
                + " AS VARCHAR) FROM raw_n WHERE "
                + condition
                + " ORDER BY __row LIMIT 1")) {
      if (r.next()) {
        String value = r.getString(2);
        throw Errors.invalid(
            "file row "
                + r.getLong(1)
                + ", column '"
                + col.name()
                + "': "
                + (value == null ? "null" : show(value))
                + " "
                + problem);
      }
    }
  }

  static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
