package dev.keel.tables.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.FloatNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.keel.core.KeelException;
import dev.keel.http.Json;
import dev.keel.http.Request;
import dev.keel.tables.Column;
import dev.keel.tables.ColumnType;
import dev.keel.tables.TableInfo;
import dev.keel.tables.WriteResult;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON of tables shared by the routes that take or return them (tables, feature store): Unity
 * Catalog {@code ColumnInfo} and {@code TableInfo}, rows as objects, write results.
 */
public final class TableJson {
  private TableJson() {}

  /**
   * The columns of a request's UC {@code columns} array field (see {@link #columns(JsonNode,
   * String)}).
   */
  public static List<Column> columns(Request r, String field) {
    return columns(r.json(field).orElse(MissingNode.getInstance()), field);
  }

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
      columns.add(column(sorted.get(i), field + "[" + i + "]"));
    }
    return columns;
  }

  /** One UC {@code ColumnInfo}; {@code field} names it in errors (e.g. {@code columns[0]}). */
  static Column column(JsonNode c, String field) {
    if (!c.isObject()) {
      throw KeelException.invalid("'" + field + "' must be an object.");
    }
    String name = c.path("name").asText("");
    ColumnType type;
    if (c.hasNonNull("type_text") && !c.get("type_text").asText().isEmpty()) {
      type = ColumnType.parse(field + ".type_text", c.get("type_text").asText());
    } else if (c.hasNonNull("type_name")) {
      String tn = c.get("type_name").asText();
      if (tn.equalsIgnoreCase("DECIMAL") && c.hasNonNull("type_precision")) {
        type = ColumnType.decimal(c.get("type_precision").asInt(), c.path("type_scale").asInt(0));
      } else {
        type = ColumnType.parse(field + ".type_name", tn);
      }
    } else {
      throw KeelException.invalid("'" + field + ".type_name' is required.");
    }
    boolean nullable = !c.hasNonNull("nullable") || c.get("nullable").asBoolean(true);
    Optional<String> comment =
        c.hasNonNull("comment") ? Optional.of(c.get("comment").asText()) : Optional.empty();
    return new Column(name, type, nullable, comment);
  }

  /** The rows of a request's array field (see {@link #rows(JsonNode, String)}). */
  public static List<Map<String, Object>> rows(Request r, String field) {
    return rows(r.json(field).orElse(MissingNode.getInstance()), field);
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
        m.put(e.getKey(), value(e.getValue()));
      }
      out.add(m);
    }
    return out;
  }

  /** A row value as the table service takes it (JSON null is null: a SQL NULL). */
  static Object value(JsonNode v) {
    if (v.isNull()) {
      return null;
    }
    if (v.isBoolean()) {
      return v.booleanValue();
    }
    if (v.isIntegralNumber()) {
      return v.canConvertToLong() ? (Object) v.longValue() : v.bigIntegerValue();
    }
    if (v.isNumber()) {
      return v.isBigDecimal() ? v.decimalValue() : (Object) v.doubleValue();
    }
    if (v.isTextual()) {
      return v.textValue();
    }
    if (v.isArray()) { // an ARRAY column's value (refused by flat columns: "got an array")
      List<Object> out = new ArrayList<>(v.size());
      v.forEach(e -> out.add(value(e)));
      return out;
    }
    // a STRUCT or MAP column's value (refused by flat columns: "got an object")
    Map<String, Object> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      out.put(e.getKey(), value(e.getValue()));
    }
    return out;
  }

  /**
   * A value of a table preview as JSON: numbers and booleans as such, BINARY as base64, a STRUCT or
   * MAP as an object, an ARRAY as an array, anything else (strings, dates, instants) as its
   * ISO-8601 text.
   */
  public static JsonNode cell(Object v) {
    return switch (v) {
      case null -> NullNode.getInstance();
      case Boolean b -> BooleanNode.valueOf(b);
      case Integer i -> IntNode.valueOf(i);
      case Long x -> LongNode.valueOf(x);
      case Float f -> FloatNode.valueOf(f);
      case Double d -> DoubleNode.valueOf(d);
      case BigDecimal d -> DecimalNode.valueOf(d);
      case byte[] bytes -> TextNode.valueOf(Base64.getEncoder().encodeToString(bytes));
      case Map<?, ?> m -> {
        ObjectNode o = Json.object();
        m.forEach((k, x) -> o.set(String.valueOf(k), cell(x)));
        yield o;
      }
      case List<?> l -> {
        ArrayNode a = Json.MAPPER.createArrayNode();
        l.forEach(x -> a.add(cell(x)));
        yield a;
      }
      default -> TextNode.valueOf(v.toString()); // String, LocalDate, Instant (ISO-8601)
    };
  }

  /**
   * A table in Unity Catalog's {@code TableInfo} shape, plus Keel's {@code primary_keys}, {@code
   * timeseries_key} and {@code ingestion_time}.
   */
  public static ObjectNode table(TableInfo t) {
    ObjectNode n = Json.object();
    n.put("name", t.name());
    n.put("catalog_name", t.catalogName());
    n.put("schema_name", t.schemaName());
    n.put("full_name", t.fullName());
    n.put("table_type", TableInfo.TABLE_TYPE);
    n.put("data_source_format", TableInfo.DATA_SOURCE_FORMAT);
    ArrayNode cols = n.putArray("columns");
    for (int i = 0; i < t.columns().size(); i++) {
      Column c = t.columns().get(i);
      ObjectNode o = cols.addObject();
      o.put("name", c.name());
      o.put("type_name", c.type().typeName());
      o.put("type_text", c.type().typeText());
      ObjectNode tj = Json.object();
      tj.put("name", c.name());
      if (c.type().isNested()) {
        tj.set("type", sparkType(c.type()));
      } else {
        tj.put("type", c.type().sparkJsonType());
      }
      tj.put("nullable", c.nullable());
      tj.putObject("metadata");
      o.put("type_json", tj.toString());
      if (c.type().kind() == ColumnType.Kind.DECIMAL) {
        o.put("type_precision", c.type().precision());
        o.put("type_scale", c.type().scale());
      }
      o.put("position", i);
      o.put("nullable", c.nullable());
      c.comment().ifPresent(cm -> o.put("comment", cm));
    }
    n.put("storage_location", t.storageLocation());
    n.put("table_id", t.tableId());
    n.put("owner", t.owner());
    t.comment().ifPresent(c -> n.put("comment", c));
    ObjectNode props = n.putObject("properties");
    t.properties().forEach(props::put);
    n.put("created_at", t.createdAt());
    n.put("created_by", t.createdBy());
    n.put("updated_at", t.updatedAt());
    n.put("updated_by", t.updatedBy());
    ArrayNode pk = n.putArray("primary_keys");
    t.primaryKeys().forEach(pk::add);
    t.timeseriesKey().ifPresent(k -> n.put("timeseries_key", k));
    n.put("ingestion_time", t.ingestionTime());
    return n;
  }

  /** Spark's JSON of a nested type, for {@code type_json}. */
  private static JsonNode sparkType(ColumnType t) {
    try {
      return Json.MAPPER.readTree(t.sparkJsonType());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("ColumnType wrote invalid JSON for " + t, e);
    }
  }

  /** A write's outcome. */
  public static ObjectNode writeResult(WriteResult r) {
    ObjectNode n = Json.object();
    n.put("snapshot_id", r.snapshotId());
    n.put("rows_added", r.rowsAdded());
    n.put("rows_deleted", r.rowsDeleted());
    return n;
  }
}
