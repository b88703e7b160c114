package dev.keel.serving.endpoints;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.keel.core.KeelException;
import dev.keel.mlmodel.ColumnSpec;
import dev.keel.mlmodel.ModelSignature;
import dev.keel.mlmodel.SchemaSpec;
import dev.keel.serving.InputBatch;
import dev.keel.serving.ScoringInput;
import dev.keel.serving.ScoringLimits;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a model's input from lookup keys: reads the key columns of a {@code dataframe_split} or
 * {@code dataframe_records} request, looks the spec's features up, and lays out a {@code
 * dataframe_split} in signature order (request columns win over features; a feature with no row and
 * no default is null, which doubles read as NaN), then parses it as any request.
 */
final class FeatureInput {
  private static final ObjectMapper JSON =
      JsonMapper.builder(
              JsonFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder().maxNestingDepth(64).build())
                  .build())
          .build();

  private FeatureInput() {}

  static InputBatch parse(
      FeatureSource source,
      String spec,
      ModelSignature signature,
      String contentType,
      byte[] body,
      ScoringLimits limits) {
    if (!contentType.isEmpty() && !contentType.toLowerCase().startsWith("application/json")) {
      throw KeelException.invalid(
          "Models served with feature spec '"
              + spec
              + "' take JSON (dataframe_split or dataframe_records) holding the lookup keys.");
    }
    if (signature.inputs().isEmpty() || signature.tensorInputs()) {
      throw KeelException.invalid(
          "Feature lookup needs a model with column inputs; this one takes tensors.");
    }
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (IOException e) {
      throw KeelException.invalid("The request body is not valid JSON: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw KeelException.invalid("The request body must be a JSON object.");
    }
    Map<String, List<JsonNode>> columns = new LinkedHashMap<>();
    int rows;
    if (root.has("dataframe_split")) {
      JsonNode split = root.get("dataframe_split");
      JsonNode cols = split.path("columns");
      JsonNode data = split.path("data");
      if (!cols.isArray() || !data.isArray()) {
        throw KeelException.invalid("'dataframe_split' needs 'columns' and 'data' lists.");
      }
      rows = data.size();
      for (JsonNode c : cols) {
        columns.put(c.asText(), new ArrayList<>());
      }
      List<String> names = new ArrayList<>(columns.keySet());
      for (int r = 0; r < rows; r++) {
        JsonNode row = data.get(r);
        if (!row.isArray() || row.size() != names.size()) {
          throw KeelException.invalid(
              "'dataframe_split.data[" + r + "]' must hold " + names.size() + " values.");
        }
        for (int c = 0; c < names.size(); c++) {
          columns.get(names.get(c)).add(row.get(c));
        }
      }
    } else if (root.has("dataframe_records")) {
      JsonNode recs = root.get("dataframe_records");
      if (!recs.isArray()) {
        throw KeelException.invalid("'dataframe_records' must be a list of objects.");
      }
      rows = recs.size();
      for (int r = 0; r < rows; r++) {
        JsonNode rec = recs.get(r);
        if (!rec.isObject()) {
          throw KeelException.invalid("'dataframe_records[" + r + "]' must be an object.");
        }
        for (Iterator<String> it = rec.fieldNames(); it.hasNext(); ) {
          columns.computeIfAbsent(it.next(), k -> new ArrayList<>());
        }
      }
      for (Map.Entry<String, List<JsonNode>> c : columns.entrySet()) {
        for (int r = 0; r < rows; r++) {
          c.getValue().add(recs.get(r).path(c.getKey()));
        }
      }
    } else {
      throw KeelException.invalid(
          "Models served with feature spec '"
              + spec
              + "' take dataframe_split or dataframe_records holding the lookup keys.");
    }
    if (rows == 0) {
      throw KeelException.invalid("The request has no rows.");
    }
    if (rows > limits.maxRows()) {
      throw KeelException.invalid(
          "The request has " + rows + " rows; at most " + limits.maxRows() + ".");
    }
    List<String> keys = source.lookupKeys(spec);
    List<List<Object>> keyRows = new ArrayList<>(rows);
    for (String k : keys) {
      if (!columns.containsKey(k)) {
        throw KeelException.invalid(
            "Missing lookup key column '" + k + "' (feature spec " + spec + ").");
      }
    }
    for (int r = 0; r < rows; r++) {
      List<Object> row = new ArrayList<>(keys.size());
      for (String k : keys) {
        JsonNode v = columns.get(k).get(r);
        if (v == null || v.isNull() || v.isMissingNode()) {
          throw KeelException.invalid("Lookup key column '" + k + "' is null in row " + r + ".");
        }
        row.add(
            v.isIntegralNumber()
                ? (Object) v.asLong()
                : v.isNumber()
                    ? (Object) v.asDouble()
                    : v.isBoolean() ? v.asBoolean() : v.asText());
      }
      keyRows.add(row);
    }
    Map<String, List<Object>> features = source.features(spec, keys, keyRows);
    List<String> inputs = new ArrayList<>();
    for (SchemaSpec s : signature.inputs()) {
      String name = ((ColumnSpec) s).name().orElse("");
      if (!columns.containsKey(name) && !features.containsKey(name)) {
        throw KeelException.invalid(
            "Column '" + name + "' is neither in the request nor a feature of spec " + spec + ".");
      }
      inputs.add(name);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(256 + rows * inputs.size() * 12);
    try (JsonGenerator g = JSON.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeObjectFieldStart("dataframe_split");
      g.writeArrayFieldStart("columns");
      for (String n : inputs) {
        g.writeString(n);
      }
      g.writeEndArray();
      g.writeArrayFieldStart("data");
      for (int r = 0; r < rows; r++) {
        g.writeStartArray();
        for (String n : inputs) {
          List<JsonNode> fromRequest = columns.get(n);
          if (fromRequest != null) {
            g.writeTree(fromRequest.get(r));
          } else {
            writeValue(g, features.get(n).get(r));
          }
        }
        g.writeEndArray();
      }
      g.writeEndArray();
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return ScoringInput.parse("application/json", out.toByteArray(), signature, limits);
  }

  private static void writeValue(JsonGenerator g, Object v) throws IOException {
    switch (v) {
      case null -> g.writeNull();
      case Double d -> g.writeNumber(d);
      case Float f -> g.writeNumber(f);
      case Long l -> g.writeNumber(l);
      case Integer i -> g.writeNumber(i);
      case Short s -> g.writeNumber(s);
      case java.math.BigDecimal b -> g.writeNumber(b);
      case Boolean b -> g.writeBoolean(b);
      default -> g.writeString(v.toString());
    }
  }
}
