package dev.keel.tables;

import static dev.keel.tables.IcebergTables.INGESTED_AT;

import dev.keel.catalog.CatalogService;
import dev.keel.catalog.Names;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Owns the checks of a create-table request: names, columns, keys, comment and properties. */
final class TableSpecValidator {
  private static final Pattern COLUMN_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

  /**
   * Column names a table cannot have: {@code file_row_number} is the column DuckDB adds when Keel
   * reads a data file with its row numbers (optimize, upsert, training sets) and a data file
   * holding it cannot be read that way; {@code rowid} is the row order of DuckDB's staging table,
   * which a column of that name would hide; {@code _ingested_at} is Keel's system column. Names
   * starting with two underscores are Keel's too. Other names DuckDB uses ({@code filename}, {@code
   * file_index}) are virtual columns that a table's own column replaces, and work.
   */
  static final List<String> RESERVED = List.of("file_row_number", "rowid", INGESTED_AT);

  private TableSpecValidator() {}

  /** A create request that passed every check: names and keys lower-cased, columns by name. */
  record Valid(
      String catalogName,
      String schemaName,
      String name,
      List<String> primaryKeys,
      Map<String, Column> columns,
      Optional<String> timeseriesKey) {}

  /** Checks {@code spec} (all but the schema's existence), throwing INVALID_PARAMETER_VALUE. */
  static Valid validate(TableSpec spec) {
    String cat = Names.check("catalog_name", spec.catalogName());
    String sch = Names.check("schema_name", spec.schemaName());
    String name = Names.check("name", spec.name());
    if (spec.columns().isEmpty()) {
      throw Errors.invalid("'columns' must hold at least one column.");
    }
    List<String> pks = new ArrayList<>();
    for (String pk : spec.primaryKeys()) {
      pks.add(pk == null ? "" : pk.toLowerCase(Locale.ROOT));
    }
    Map<String, Column> cols = new LinkedHashMap<>();
    for (int i = 0; i < spec.columns().size(); i++) {
      Column c = spec.columns().get(i);
      String field = "columns[" + i + "].name";
      if (!COLUMN_NAME.matcher(c.name()).matches()) {
        throw Errors.invalid(
            "'"
                + field
                + "' '"
                + c.name()
                + "' must start with a letter or underscore and hold only letters, digits and"
                + " underscores (at most 128).");
      }
      String n = c.name().toLowerCase(Locale.ROOT);
      if (n.startsWith("__") || RESERVED.contains(n)) {
        throw Errors.invalid(
            "'"
                + field
                + "' '"
                + n
                + "' is reserved: Keel reserves "
                + String.join(", ", RESERVED)
                + " (a system column: set ingestion_time instead) and names starting with two"
                + " underscores.");
      }
      if (cols.containsKey(n)) {
        throw Errors.invalid("'" + field + "' '" + n + "' appears twice.");
      }
      String commentField = "columns[" + i + "].comment";
      c.comment().ifPresent(cm -> checkLength(commentField, cm));
      cols.put(n, new Column(n, c.type(), c.nullable() && !pks.contains(n), c.comment()));
    }
    Set<String> seen = new HashSet<>();
    for (String pk : pks) {
      Column c = cols.get(pk);
      if (c == null) {
        throw Errors.invalid("'primary_keys' names unknown column '" + pk + "'.");
      }
      if (!seen.add(pk)) {
        throw Errors.invalid("'primary_keys' names '" + pk + "' twice.");
      }
      if (c.type().isNested()) {
        throw Errors.invalid(
            "'primary_keys' column '"
                + pk
                + "' is "
                + c.type().typeName()
                + "; keys cannot be STRUCT, ARRAY or MAP.");
      }
      if (c.type().kind() == ColumnType.Kind.FLOAT || c.type().kind() == ColumnType.Kind.DOUBLE) {
        throw Errors.invalid(
            "'primary_keys' column '"
                + pk
                + "' is "
                + c.type()
                + "; keys cannot be floating point.");
      }
    }
    Optional<String> ts = spec.timeseriesKey().map(t -> t.toLowerCase(Locale.ROOT));
    if (ts.isPresent()) {
      Column c = cols.get(ts.get());
      if (c == null) {
        throw Errors.invalid("'timeseries_key' names unknown column '" + ts.get() + "'.");
      }
      if (c.type().kind() != ColumnType.Kind.TIMESTAMP && c.type().kind() != ColumnType.Kind.DATE) {
        throw Errors.invalid(
            "'timeseries_key' column '"
                + ts.get()
                + "' must be TIMESTAMP or DATE, not "
                + c.type()
                + ".");
      }
    }
    spec.comment().ifPresent(c -> checkLength("comment", c));
    for (String k : spec.properties().keySet()) {
      if (k.isEmpty() || k.length() > 255) {
        throw Errors.invalid("'properties' keys must be 1 to 255 characters.");
      }
      if (k.startsWith("keel.") || IcebergTables.SYSTEM_PROPERTIES.contains(k)) {
        throw Errors.invalid("'properties' key '" + k + "' is reserved.");
      }
      checkLength("properties." + k, spec.properties().get(k));
    }
    if (spec.properties().size() > CatalogService.MAX_PROPERTIES) {
      throw Errors.invalid(
          "'properties' has more than " + CatalogService.MAX_PROPERTIES + " entries.");
    }
    return new Valid(cat, sch, name, pks, cols, ts);
  }

  private static void checkLength(String field, String value) {
    if (value.length() > CatalogService.MAX_COMMENT) {
      throw Errors.invalid(
          "'" + field + "' is too long: at most " + CatalogService.MAX_COMMENT + " characters.");
    }
  }
}
