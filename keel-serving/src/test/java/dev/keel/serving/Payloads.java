package dev.keel.serving;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One table ({@code columns}, {@code data}) written in every MLflow scoring format. */
final class Payloads {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  /** A content type and body. */
  record Payload(String format, String contentType, byte[] body) {
    @Override
    public String toString() {
      return format;
    }
  }

  private Payloads() {}

  static Map<String, Payload> all(JsonNode table) {
    List<String> columns = Fixtures.columns(table);
    JsonNode data = table.get("data");
    Map<String, Payload> out = new LinkedHashMap<>();
    ObjectNode split = F.objectNode();
    split.set("columns", table.get("columns"));
    split.set("data", data);
    ArrayNode index = split.putArray("index");
    for (int r = 0; r < data.size(); r++) {
      index.add(r);
    }
    out.put(
        "dataframe_split", json("dataframe_split", F.objectNode().set("dataframe_split", split)));
    ArrayNode records = F.arrayNode();
    ArrayNode dictInstances = F.arrayNode();
    for (JsonNode row : data) {
      ObjectNode rec = records.addObject();
      ObjectNode inst = dictInstances.addObject();
      for (int c = 0; c < columns.size(); c++) {
        if (!row.get(c).isNull()) {
          rec.set(columns.get(c), row.get(c)); // a null cell: key left out
        }
        inst.set(columns.get(c), row.get(c)); // and here an explicit null
      }
    }
    out.put(
        "dataframe_records",
        json("dataframe_records", F.objectNode().set("dataframe_records", records)));
    out.put("instances (rows)", json("instances (rows)", F.objectNode().set("instances", data)));
    out.put(
        "instances (objects)",
        json("instances (objects)", F.objectNode().set("instances", dictInstances)));
    ObjectNode cols = F.objectNode();
    for (int c = 0; c < columns.size(); c++) {
      ArrayNode values = cols.putArray(columns.get(c));
      for (JsonNode row : data) {
        values.add(row.get(c));
      }
    }
    out.put("inputs (columns)", json("inputs (columns)", F.objectNode().set("inputs", cols)));
    out.put("inputs (rows)", json("inputs (rows)", F.objectNode().set("inputs", data)));
    StringBuilder csv = new StringBuilder(String.join(",", columns)).append("\r\n");
    for (JsonNode row : data) {
      for (int c = 0; c < row.size(); c++) {
        if (c > 0) {
          csv.append(',');
        }
        if (!row.get(c).isNull()) {
          csv.append(row.get(c).asText());
        }
      }
      csv.append("\r\n");
    }
    out.put(
        "text/csv",
        new Payload("text/csv", "text/csv", csv.toString().getBytes(StandardCharsets.UTF_8)));
    return out;
  }

  private static Payload json(String format, JsonNode body) {
    try {
      return new Payload(format, "application/json", Fixtures.JSON.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
