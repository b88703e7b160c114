package dev.keel.tables;

import static dev.keel.tables.DuckDb.ident;
import static dev.keel.tables.DuckDb.literal;

import dev.keel.catalog.Names;
import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Collectors;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Table;
import org.apache.iceberg.util.SnapshotUtil;

/** Owns reads of one snapshot: previews, counts, history and time travel by id or instant. */
final class TableReader {
  /** Largest preview, in rows. */
  static final int MAX_PREVIEW = 10_000;

  private final IcebergTables iceberg;
  private final DuckDb duck;

  TableReader(IcebergTables iceberg, DuckDb duck) {
    this.iceberg = iceberg;
    this.duck = duck;
  }

  Preview preview(String fullName, SnapshotRef ref, List<String> columns, int limit) {
    if (limit < 0 || limit > MAX_PREVIEW) {
      throw Errors.invalid("'limit' must be 0 to " + MAX_PREVIEW + " (got " + limit + ").");
    }
    TableSnapshot snap = resolve(fullName, ref);
    List<Column> chosen = chosen(snap, columns);
    List<List<Object>> rows = new ArrayList<>();
    if (snap.dataFiles().isEmpty() || limit == 0) {
      return new Preview(snap.snapshotId(), chosen, rows);
    }
    String select =
        chosen.stream()
            .map(
                c ->
                    c.type().kind() == ColumnType.Kind.TIMESTAMP
                        ? "epoch_us(" + ident(c.name()) + ")"
                        : c.type().kind() == ColumnType.Kind.DATE
                            ? "CAST(" + ident(c.name()) + " AS VARCHAR)"
                            : ident(c.name()))
            .collect(Collectors.joining(", "));
    try (Connection c = duck.open();
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT "
                    + select
                    + " FROM "
                    + readParquet(snap.dataFiles())
                    + " LIMIT "
                    + limit)) {
      while (r.next()) {
        List<Object> row = new ArrayList<>(chosen.size());
        for (int i = 0; i < chosen.size(); i++) {
          row.add(value(r, i + 1, chosen.get(i).type()));
        }
        rows.add(java.util.Collections.unmodifiableList(row));
      }
    } catch (SQLException e) {
      throw new KeelException(
          ErrorCode.INTERNAL_ERROR, "table read failed: " + Loaders.firstLine(e.getMessage()), e);
    }
    return new Preview(snap.snapshotId(), chosen, rows);
  }

  /** The named columns of the snapshot (all when {@code columns} is empty), in the order named. */
  private static List<Column> chosen(TableSnapshot snap, List<String> columns) {
    Map<String, Column> byName = new LinkedHashMap<>();
    snap.columns().forEach(c -> byName.put(c.name(), c));
    List<Column> chosen = new ArrayList<>();
    for (String c : columns) {
      Column col = byName.get(c.toLowerCase(Locale.ROOT));
      if (col == null) {
        throw Errors.invalid("'columns' names unknown column '" + c + "'.");
      }
      chosen.add(col);
    }
    if (chosen.isEmpty()) {
      chosen.addAll(snap.columns());
    }
    return chosen;
  }

  /**
   * Writes every row of a snapshot (no row limit) with the named columns to {@code target} as CSV
   * (with a header line) or Parquet, and returns the snapshot written.
   */
  long export(
      String fullName, SnapshotRef ref, List<String> columns, FileFormat format, Path target) {
    String options =
        switch (format) {
          case CSV -> "(FORMAT CSV, HEADER true)";
          case PARQUET -> "(FORMAT PARQUET)";
          case JSON -> throw Errors.invalid("'format' must be csv or parquet (got json).");
        };
    TableSnapshot snap = resolve(fullName, ref);
    List<Column> chosen = chosen(snap, columns);
    String select;
    if (snap.dataFiles().isEmpty()) {
      // An empty table still exports its header (CSV) or schema (Parquet).
      select =
          "SELECT "
              + chosen.stream()
                  .map(c -> "CAST(NULL AS " + c.type().duckType() + ") AS " + ident(c.name()))
                  .collect(Collectors.joining(", "))
              + " WHERE false";
    } else {
      select =
          "SELECT "
              + chosen.stream()
                  .map(
                      c ->
                          format == FileFormat.CSV && c.type().isNested()
                              // CSV holds a nested value as its JSON text
                              ? "CAST(to_json("
                                  + ident(c.name())
                                  + ") AS VARCHAR) AS "
                                  + ident(c.name())
                              : ident(c.name()))
                  .collect(Collectors.joining(", "))
              + " FROM "
              + readParquet(snap.dataFiles());
    }
    try (Connection c = duck.open();
        Statement s = c.createStatement()) {
      s.execute("COPY (" + select + ") TO " + literal(target.toString()) + " " + options);
    } catch (SQLException e) {
      throw new KeelException(
          ErrorCode.INTERNAL_ERROR, "table export failed: " + Loaders.firstLine(e.getMessage()), e);
    }
    return snap.snapshotId();
  }

  static String readParquet(List<Path> files) {
    return "read_parquet(["
        + files.stream().map(f -> literal(f.toString())).collect(Collectors.joining(", "))
        + "])";
  }

  private static Object value(ResultSet r, int i, ColumnType t) throws SQLException {
    Object o = r.getObject(i);
    if (o == null) {
      return null;
    }
    return switch (t.kind()) {
      case BOOLEAN -> r.getBoolean(i);
      case INT -> r.getInt(i);
      case LONG -> r.getLong(i);
      case FLOAT -> r.getFloat(i);
      case DOUBLE -> r.getDouble(i);
      case STRING -> r.getString(i);
      case DATE -> LocalDate.parse(r.getString(i));
      case TIMESTAMP -> Instant.EPOCH.plus(r.getLong(i), ChronoUnit.MICROS);
      case BINARY -> r.getBytes(i);
      case DECIMAL -> r.getBigDecimal(i);
      case STRUCT, ARRAY, MAP -> NestedValues.read(o, t);
    };
  }

  long count(String fullName, SnapshotRef ref) {
    String[] p = Names.checkFullName("full_name", fullName, 3);
    Table t = iceberg.table(p);
    org.apache.iceberg.Snapshot s = snapshot(t, ref, p);
    String total = s.summary().get("total-records");
    if (total != null) {
      return Long.parseLong(total);
    }
    return SnapshotFiles.files(t, s.snapshotId()).stream().mapToLong(DataFile::recordCount).sum();
  }

  List<Snapshot> history(String fullName) {
    String[] p = Names.checkFullName("full_name", fullName, 3);
    Table t = iceberg.table(p);
    TableMeta m = TableMeta.of(t);
    List<Snapshot> out = new ArrayList<>();
    for (org.apache.iceberg.Snapshot s : t.snapshots()) {
      out.add(entry(s, m));
    }
    out.sort((a, b) -> b.committedAt().compareTo(a.committedAt()));
    return out;
  }

  /** The current snapshot of a table; empty when the table does not exist or has none. */
  Optional<Snapshot> current(String fullName) {
    String[] p = Names.checkFullName("full_name", fullName, 3);
    return iceberg
        .load(IcebergTables.id(p[0], p[1], p[2]))
        .flatMap(t -> Optional.ofNullable(t.currentSnapshot()).map(s -> entry(s, TableMeta.of(t))));
  }

  private static Snapshot entry(org.apache.iceberg.Snapshot s, TableMeta m) {
    Map<String, String> sum = s.summary();
    return new Snapshot(
        s.snapshotId(),
        s.parentId() == null ? OptionalLong.empty() : OptionalLong.of(s.parentId()),
        Instant.ofEpochMilli(s.timestampMillis()),
        s.operation() == null ? "" : s.operation(),
        SnapshotFiles.num(sum, "added-records"),
        SnapshotFiles.num(sum, "deleted-records"),
        SnapshotFiles.num(sum, "added-data-files"),
        SnapshotFiles.num(sum, "deleted-data-files"),
        SnapshotFiles.num(sum, "total-records"),
        !m.primaryKeys().isEmpty() && SnapshotFiles.uniqueKeyAt(s, m.primaryKeys()));
  }

  TableSnapshot resolve(String fullName, SnapshotRef ref) {
    String[] p = Names.checkFullName("full_name", fullName, 3);
    Table t = iceberg.table(p);
    TableMeta m = TableMeta.of(t);
    org.apache.iceberg.Snapshot s = snapshot(t, ref, p);
    List<Path> paths = new ArrayList<>();
    for (DataFile d : SnapshotFiles.files(t, s.snapshotId())) {
      paths.add(IcebergTables.localPath(d.location()));
    }
    org.apache.iceberg.Schema schema =
        s.schemaId() == null ? t.schema() : t.schemas().getOrDefault(s.schemaId(), t.schema());
    return new TableSnapshot(
        String.join(".", p),
        s.snapshotId(),
        Instant.ofEpochMilli(s.timestampMillis()),
        IcebergTables.columns(schema),
        m.primaryKeys(),
        !m.primaryKeys().isEmpty() && SnapshotFiles.uniqueKeyAt(s, m.primaryKeys()),
        m.timeseriesKey(),
        paths);
  }

  private static org.apache.iceberg.Snapshot snapshot(Table t, SnapshotRef ref, String[] p) {
    String name = String.join(".", p);
    return switch (ref) {
      case SnapshotRef.Latest l -> {
        org.apache.iceberg.Snapshot s = t.currentSnapshot();
        if (s == null) {
          throw new KeelException(ErrorCode.INTERNAL_ERROR, "table " + name + " has no snapshot");
        }
        yield s;
      }
      case SnapshotRef.Id id -> {
        org.apache.iceberg.Snapshot s = t.snapshot(id.snapshotId());
        if (s == null) {
          throw new KeelException(
              ErrorCode.NOT_FOUND, "Table " + name + " has no snapshot " + id.snapshotId());
        }
        yield s;
      }
      case SnapshotRef.AsOf at -> {
        long millis = at.time().toEpochMilli();
        try {
          yield t.snapshot(SnapshotUtil.snapshotIdAsOfTime(t, millis));
        } catch (IllegalArgumentException e) {
          throw Errors.invalid(
              "as_of: " + at.time() + " is before the first snapshot of table " + name + ".");
        }
      }
    };
  }
}
