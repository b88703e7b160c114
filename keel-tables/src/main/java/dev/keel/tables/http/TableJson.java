package dev.keel.tables.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.core.KeelException;
import dev.keel.tables.Column;
import dev.keel.tables.TableInfo;
import dev.keel.tables.WriteResult;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON of tables shared by the routes that take or return them (tables, feature store): Unity
 * Catalog {@code ColumnInfo} and {@code TableInfo}, rows as objects, write results.
 */
public final class TableJson {
  private TableJson() {}

  /**
   * Columns from a UC {@code columns} array (ordered by {@code position} when every one has it).
   */
  public static List<Column> columns(JsonNode cols, String field) {
    if (cols == null || !cols.isArray() || cols.isEmpty()) {
      throw KeelException.invalid("'" + field + "' is required and must be a non-empty array.");
    }
    List<JsonNode> sorted = new ArrayList<>();
    cols.forEach(sorted::add);
    if (sorted.stream().allMatch(c -> c.hasNonNull("position"))) {
      sorted.sort((x, y) -> Integer.compare(x.get("position").asInt(), y.get("position").asInt()));
    }
    List<Column> columns = new ArrayList<>();
    for (int i = 0; i < sorted.size(); i++) {
      columns.add(TableRoutes.column(sorted.get(i), field + "[" + i + "]"));
    }
    return columns;
  }

  /** Rows given as an array of objects (column → JSON value). */
  public static List<Map<String, Object>> rows(JsonNode rows, String field) {
    if (rows == null || !rows.isArray()) {
      throw KeelException.invalid("'" + field + "' is required and must be an array of objects.");
    }
    List<Map<String, Object>> out = new ArrayList<>(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      JsonNode r = rows.get(i);
      if (!r.isObject()) {
        throw KeelException.invalid(field + "[" + i + "]: expected an object.");
      }
      Map<String, Object> m = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = r.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        m.put(e.getKey(), TableRoutes.value(e.getValue()));
      }
      out.add(m);
    }
    return out;
  }

  /** A table in UC's {@code TableInfo} shape plus Keel's keys. */
  public static ObjectNode table(TableInfo t) {
    return TableRoutes.tableJson(t);
  }

  /** A write's outcome. */
  public static ObjectNode writeResult(WriteResult r) {
    return TableRoutes.resultJson(r);
  }
}
