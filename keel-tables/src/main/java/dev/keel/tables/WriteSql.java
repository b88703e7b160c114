package dev.keel.tables;

import static dev.keel.tables.DuckDb.ident;
import static dev.keel.tables.DuckDb.literal;

import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Table;
import org.apache.iceberg.expressions.Expressions;

/**
 * Owns the DuckDB SQL of writes over the staged {@code incoming} rows: key checks, the files an
 * upsert touches, key ranges for pruning, and sorted Parquet copies with Iceberg field ids.
 */
final class WriteSql {
  private WriteSql() {}

  /**
   * One primary key that appears more than once in {@code incoming} (as strings), and its count.
   */
  static Optional<List<String>> duplicateKey(Statement s, List<String> pks) throws SQLException {
    return duplicateKey(s, pks, Loaders.INCOMING);
  }

  /** One primary key that appears more than once in {@code relation}, and its count. */
  static Optional<List<String>> duplicateKey(Statement s, List<String> pks, String relation)
      throws SQLException {
    String keys = pks.stream().map(DuckDb::ident).collect(Collectors.joining(", "));
    try (ResultSet r =
        s.executeQuery(
            "SELECT "
                + pks.stream()
                    .map(k -> "CAST(" + ident(k) + " AS VARCHAR)")
                    .collect(Collectors.joining(", "))
                + ", count(*) FROM "
                + relation
                + " GROUP BY "
                + keys
                + " HAVING count(*) > 1 LIMIT 1")) {
      if (!r.next()) {
        return Optional.empty();
      }
      List<String> out = new ArrayList<>();
      for (int i = 1; i <= pks.size() + 1; i++) {
        out.add(r.getString(i));
      }
      return Optional.of(out);
    }
  }

  static void checkKeys(Statement s, List<String> pks) throws SQLException {
    String keys = pks.stream().map(DuckDb::ident).collect(Collectors.joining(", "));
    String nulls = pks.stream().map(k -> ident(k) + " IS NULL").collect(Collectors.joining(" OR "));
    try (ResultSet r =
        s.executeQuery(
            "SELECT " + keys + " FROM " + Loaders.INCOMING + " WHERE " + nulls + " LIMIT 1")) {
      if (r.next()) {
        throw Errors.invalid("rows: primary key " + pks + " must not be null.");
      }
    }
    Optional<List<String>> dup = duplicateKey(s, pks);
    if (dup.isPresent()) {
      List<String> key = new ArrayList<>();
      for (int i = 0; i < pks.size(); i++) {
        key.add(pks.get(i) + "=" + dup.get().get(i));
      }
      throw Errors.invalid(
          "rows: primary key ("
              + String.join(", ", key)
              + ") appears "
              + dup.get().get(pks.size())
              + " times in one upsert; each key may appear once.");
    }
  }

  static String keyJoin(List<String> pks) {
    return pks.stream()
        .map(k -> "f." + ident(k) + " = i." + ident(k))
        .collect(Collectors.joining(" AND "));
  }

  /** The data files holding at least one incoming key. */
  static List<DataFile> affected(Statement s, List<DataFile> files, List<String> pks)
      throws SQLException {
    if (files.isEmpty()) {
      return List.of();
    }
    Map<String, DataFile> byPath = new HashMap<>();
    for (DataFile d : files) {
      byPath.put(IcebergTables.localPath(d.location()).toString(), d);
    }
    String list = byPath.keySet().stream().map(DuckDb::literal).collect(Collectors.joining(", "));
    List<DataFile> out = new ArrayList<>();
    try (ResultSet r =
        s.executeQuery(
            "SELECT DISTINCT f.__keel_file FROM read_parquet(["
                + list
                + "], filename = '__keel_file') f SEMI JOIN "
                + Loaders.INCOMING
                + " i ON "
                + keyJoin(pks))) {
      while (r.next()) {
        DataFile d = byPath.get(r.getString(1));
        if (d == null) {
          throw new KeelException(
              ErrorCode.INTERNAL_ERROR, "DuckDB reported an unknown data file " + r.getString(1));
        }
        out.add(d);
      }
    }
    return out;
  }

  /**
   * {@code ORDER BY} the primary key, then {@code tiebreak} (the rows' order before), for a new
   * data file of a table with a primary key; empty for one without. Feature tables are read by key
   * and time: a training set's point-in-time join sorts each table by its key, and DuckDB sorts a
   * file already in key order far faster (3 lookups into 3 × 5M rows: 2.9 s against 4.1–6.5 s for
   * files in time order, docs/benchmarks.md). Rows that tie on the whole key keep their order.
   */
  static String sortedBy(List<String> pks, String alias, String tiebreak) {
    if (pks.isEmpty()) {
      return "";
    }
    return " ORDER BY "
        + pks.stream().map(k -> alias + ident(k)).collect(Collectors.joining(", "))
        + ", "
        + tiebreak;
  }

  /** {@code COPY (query) TO file} as Parquet with every column's Iceberg field id. */
  static void copy(Statement s, String query, Path file, Table t) throws SQLException {
    String ids =
        t.schema().columns().stream()
            .map(f -> ident(f.name()) + ": " + fieldIds(f.fieldId(), f.type()))
            .collect(Collectors.joining(", "));
    s.execute(
        "COPY ("
            + query
            + ") TO "
            + literal(file.toString())
            + " (FORMAT parquet, COMPRESSION zstd, FIELD_IDS {"
            + ids
            + "})");
  }

  /**
   * DuckDB's {@code FIELD_IDS} value of a column or nested field: the id, or for a nested type
   * {@code {__duckdb_field_id: id, <child>: ...}} (children {@code element} of a list, {@code key}
   * and {@code value} of a map, the fields of a struct).
   */
  private static String fieldIds(int id, org.apache.iceberg.types.Type type) {
    if (type.isPrimitiveType()) {
      return String.valueOf(id);
    }
    StringBuilder b = new StringBuilder("{__duckdb_field_id: ").append(id);
    for (org.apache.iceberg.types.Types.NestedField f : type.asNestedType().fields()) {
      String name =
          switch (type.typeId()) {
            case LIST -> "element";
            case MAP -> f.fieldId() == type.asMapType().keyId() ? "key" : "value";
            default -> f.name();
          };
      b.append(", ").append(ident(name)).append(": ").append(fieldIds(f.fieldId(), f.type()));
    }
    return b.append("}").toString();
  }

  /**
   * A filter that keeps every data file that may hold an incoming key: per primary-key column of an
   * orderable type (INT, LONG, STRING, DATE), the incoming keys' [min, max] range. Iceberg prunes
   * files whose column bounds miss it, so an upsert reads only candidate files.
   */
  static org.apache.iceberg.expressions.Expression keyRange(Statement s, TableMeta m)
      throws SQLException {
    org.apache.iceberg.expressions.Expression e = Expressions.alwaysTrue();
    Map<String, Column> byName = new HashMap<>();
    m.userColumns().forEach(c -> byName.put(c.name(), c));
    for (String k : m.primaryKeys()) {
      ColumnType.Kind kind = byName.get(k).type().kind();
      if (kind != ColumnType.Kind.INT
          && kind != ColumnType.Kind.LONG
          && kind != ColumnType.Kind.STRING
          && kind != ColumnType.Kind.DATE) {
        continue;
      }
      try (ResultSet r =
          s.executeQuery(
              "SELECT CAST(min("
                  + ident(k)
                  + ") AS VARCHAR), CAST(max("
                  + ident(k)
                  + ") AS VARCHAR) FROM "
                  + Loaders.INCOMING)) {
        r.next();
        String lo = r.getString(1);
        String hi = r.getString(2);
        if (lo == null || hi == null) {
          continue;
        }
        Object low =
            switch (kind) {
              case INT -> Integer.valueOf(lo);
              case LONG -> Long.valueOf(lo);
              default -> lo; // strings; dates as yyyy-MM-dd, which Iceberg converts
            };
        Object high =
            switch (kind) {
              case INT -> Integer.valueOf(hi);
              case LONG -> Long.valueOf(hi);
              default -> hi;
            };
        e =
            Expressions.and(
                e,
                Expressions.and(
                    Expressions.greaterThanOrEqual(k, low), Expressions.lessThanOrEqual(k, high)));
      }
    }
    return e;
  }

  static long scalarLong(Statement s, String sql) throws SQLException {
    try (ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }
}
