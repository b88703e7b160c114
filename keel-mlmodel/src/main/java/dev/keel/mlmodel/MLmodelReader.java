package dev.keel.mlmodel;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.keel.core.KeelException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Reads and checks the contents of an {@code MLmodel} file (Keel format version {@value
 * MLmodel#FORMAT_VERSION}), without touching any other file of the package:
 *
 * <ul>
 *   <li>it is at most {@value #MAX_MLMODEL_BYTES} bytes of YAML (no duplicate keys, bounded aliases
 *       and nesting) and a mapping with a non-empty {@code flavors} mapping;
 *   <li>every flavor is a mapping; {@code onnx} and {@code xgboost} name a {@code data} file; the
 *       paths the MLmodel names ({@code artifact_path}, flavor {@code data} / {@code model_path},
 *       {@code saved_input_example_info} paths) are strings (the caller resolves and checks them
 *       against its storage);
 *   <li>the signature's {@code inputs} and {@code outputs} are JSON arrays of column specs (of the
 *       primitive types of {@link ColumnType}) or of tensor specs (numpy dtypes, at most {@value
 *       TensorSpec#MAX_RANK} dimensions of {@code -1} or more), never a mix; names are all present
 *       or all absent, and never repeated; {@code params} is a JSON array.
 * </ul>
 *
 * <p>Unknown top-level keys and unknown flavor keys are ignored or kept, not refused, so packages
 * written by newer MLflow versions still read. Nothing is executed.
 */
public final class MLmodelReader {

  /** Largest accepted MLmodel file, in bytes (1 MiB). */
  public static final long MAX_MLMODEL_BYTES = 1L << 20;

  /** Most entries accepted in one signature schema. */
  public static final int MAX_SCHEMA_ENTRIES = 100_000;

  private static final ObjectMapper YAML = yamlMapper();

  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();

  private MLmodelReader() {}

  /**
   * Reads an MLmodel file's bytes.
   *
   * @throws KeelException INVALID_ARGUMENT saying exactly what is wrong (the message names the
   *     MLmodel key or the signature part, such as {@code MLmodel has no flavors} or {@code
   *     signature inputs entry 2 has no 'type' string})
   */
  public static MLmodel read(byte[] bytes) {
    if (bytes.length > MAX_MLMODEL_BYTES) {
      throw bad("MLmodel is more than " + MAX_MLMODEL_BYTES + " bytes");
    }
    JsonNode root;
    try {
      root = YAML.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw bad("MLmodel is not valid YAML" + where(e.getLocation()));
    } catch (java.io.IOException | RuntimeException e) {
      // SnakeYAML reports some malformed input (bad code points, limits) unchecked.
      throw bad("MLmodel is not valid YAML");
    }
    if (root == null || !root.isObject()) {
      throw bad("MLmodel is not a YAML mapping");
    }
    Optional<String> artifactPath = path(root.get("artifact_path"), "'artifact_path'");
    Map<String, Flavor> flavors = flavors(root.get("flavors"));
    Optional<ModelSignature> signature = signature(root.get("signature"));
    Optional<InputExampleInfo> example = inputExample(root.get("saved_input_example_info"));
    return new MLmodel(
        flavors,
        signature,
        example,
        artifactPath,
        scalar(root, "mlflow_version"),
        scalar(root, "model_uuid"),
        scalar(root, "run_id"),
        scalar(root, "utc_time_created"));
  }

  // --- flavors -----------------------------------------------------------------------------------

  private static Map<String, Flavor> flavors(JsonNode node) {
    if (node == null || node.isNull() || (node.isObject() && node.isEmpty())) {
      throw bad("MLmodel has no flavors");
    }
    if (!node.isObject()) {
      throw bad("MLmodel 'flavors' is not a mapping");
    }
    Map<String, Flavor> flavors = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      String name = e.getKey();
      JsonNode config = e.getValue();
      if (config == null || config.isNull()) {
        config = YAML.createObjectNode();
      }
      if (!config.isObject()) {
        throw bad("MLmodel flavor '" + name + "' is not a mapping");
      }
      checkData(name, config);
      @SuppressWarnings("unchecked")
      Map<String, Object> map = (Map<String, Object>) plain(config);
      flavors.put(name, new Flavor(name, map));
    }
    return flavors;
  }

  private static void checkData(String flavor, JsonNode config) {
    JsonNode data = config.get("data");
    String key = "data";
    if ((data == null || data.isNull()) && flavor.equals(Flavor.PYTHON_FUNCTION)) {
      data = config.get("model_path");
      key = "model_path";
    }
    if (data == null || data.isNull()) {
      if (flavor.equals(Flavor.ONNX) || flavor.equals(Flavor.XGBOOST)) {
        throw bad("MLmodel flavor '" + flavor + "' names no data file ('data')");
      }
      return;
    }
    path(data, "flavor '" + flavor + "' " + key);
  }

  /** A path named in the MLmodel: a string (resolved and checked by the caller). */
  private static Optional<String> path(JsonNode node, String what) {
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (!node.isTextual()) {
      throw bad("MLmodel " + what + " is not a string");
    }
    return Optional.of(node.asText());
  }

  // --- signature and input example ---------------------------------------------------------------

  private static Optional<ModelSignature> signature(JsonNode node) {
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (!node.isObject()) {
      throw bad("MLmodel 'signature' is not a mapping");
    }
    List<SchemaSpec> inputs = schema("inputs", node.get("inputs"));
    List<SchemaSpec> outputs = schema("outputs", node.get("outputs"));
    Optional<String> params = Optional.empty();
    JsonNode p = node.get("params");
    if (p != null && !p.isNull()) {
      JsonNode parsed = parseSchemaJson("params", p);
      if (!parsed.isArray()) {
        throw bad("signature params is not a JSON array");
      }
      params = Optional.of(p.asText());
    }
    try {
      return Optional.of(new ModelSignature(inputs, outputs, params));
    } catch (IllegalArgumentException e) {
      throw bad(e.getMessage());
    }
  }

  private static JsonNode parseSchemaJson(String part, JsonNode node) {
    if (!node.isTextual()) {
      throw bad("signature " + part + " is not a JSON string");
    }
    try {
      return JSON.readTree(node.asText());
    } catch (JsonProcessingException e) {
      throw bad("signature " + part + " is not valid JSON" + where(e.getLocation()));
    }
  }

  private static List<SchemaSpec> schema(String part, JsonNode node) {
    if (node == null || node.isNull()) {
      return List.of();
    }
    JsonNode json = parseSchemaJson(part, node);
    if (!json.isArray()) {
      throw bad("signature " + part + " is not a JSON array of column or tensor specs");
    }
    if (json.size() > MAX_SCHEMA_ENTRIES) {
      throw bad("signature " + part + " has more than " + MAX_SCHEMA_ENTRIES + " entries");
    }
    List<SchemaSpec> specs = new ArrayList<>();
    int columns = 0;
    int tensors = 0;
    int named = 0;
    for (int i = 0; i < json.size(); i++) {
      SchemaSpec spec = spec(part, i, json.get(i));
      if (spec instanceof TensorSpec) {
        tensors++;
      } else {
        columns++;
      }
      if (spec.name().isPresent()) {
        named++;
      }
      specs.add(spec);
    }
    if (columns > 0 && tensors > 0) {
      throw bad(
          "signature "
              + part
              + " mixes column specs and tensor specs; a schema holds only one kind");
    }
    if (named > 0 && named < specs.size()) {
      throw bad("signature " + part + " names some entries but not all");
    }
    return specs;
  }

  private static SchemaSpec spec(String part, int i, JsonNode e) {
    String where = "signature " + part + " entry " + i;
    if (!e.isObject()) {
      throw bad(where + " is not a JSON object");
    }
    Optional<String> name = Optional.empty();
    JsonNode n = e.get("name");
    if (n != null && !n.isNull()) {
      if (!n.isTextual()) {
        throw bad(where + " has a 'name' that is not a string");
      }
      if (n.asText().isBlank()) {
        throw bad(where + " has a blank 'name'");
      }
      name = Optional.of(n.asText());
    }
    JsonNode type = e.get("type");
    if (type == null || !type.isTextual()) {
      throw bad(where + " has no 'type' string");
    }
    if (type.asText().equals("tensor")) {
      return tensor(where, name, e.get("tensor-spec"));
    }
    Optional<ColumnType> columnType = ColumnType.fromWire(type.asText());
    if (columnType.isEmpty()) {
      throw bad(
          where
              + " has type '"
              + printable(type.asText())
              + "', which Keel format version "
              + MLmodel.FORMAT_VERSION
              + " does not read (boolean, integer, long, float, double, string, binary,"
              + " datetime or tensor)");
    }
    JsonNode required = e.get("required");
    if (required != null && !required.isNull() && !required.isBoolean()) {
      throw bad(where + " has a 'required' that is not a boolean");
    }
    boolean req = required == null || required.isNull() || required.asBoolean();
    return new ColumnSpec(name, columnType.get(), req);
  }

  private static TensorSpec tensor(String where, Optional<String> name, JsonNode spec) {
    if (spec == null || !spec.isObject()) {
      throw bad(where + " is a tensor without a 'tensor-spec' object");
    }
    JsonNode dtype = spec.get("dtype");
    if (dtype == null || !dtype.isTextual() || !TensorSpec.knownDtype(dtype.asText())) {
      throw bad(where + " has no numpy dtype Keel knows in 'tensor-spec'");
    }
    JsonNode shape = spec.get("shape");
    if (shape == null || !shape.isArray() || shape.size() > TensorSpec.MAX_RANK) {
      throw bad(
          where + " has no 'shape' array (of at most " + TensorSpec.MAX_RANK + " dimensions)");
    }
    List<Long> dims = new ArrayList<>();
    for (JsonNode d : shape) {
      if (!d.canConvertToLong() || !d.isIntegralNumber() || d.asLong() < -1) {
        throw bad(where + " has a shape dimension that is not an integer >= -1");
      }
      dims.add(d.asLong());
    }
    return new TensorSpec(name, dtype.asText(), dims);
  }

  private static Optional<InputExampleInfo> inputExample(JsonNode info) {
    if (info == null || info.isNull()) {
      return Optional.empty();
    }
    if (!info.isObject()) {
      throw bad("MLmodel 'saved_input_example_info' is not a mapping");
    }
    Optional<String> serving =
        path(info.get("serving_input_path"), "saved_input_example_info serving_input_path");
    Optional<String> artifact =
        path(info.get("artifact_path"), "saved_input_example_info artifact_path");
    JsonNode type = info.get("type");
    Optional<String> t =
        type == null || type.isNull() || !type.isValueNode()
            ? Optional.empty()
            : Optional.of(type.asText());
    return Optional.of(new InputExampleInfo(artifact, t, serving));
  }

  // --- helpers -----------------------------------------------------------------------------------

  private static Optional<String> scalar(JsonNode root, String key) {
    JsonNode n = root.get(key);
    if (n == null || n.isNull()) {
      return Optional.empty();
    }
    if (!n.isValueNode()) {
      throw bad("MLmodel '" + key + "' is not a scalar");
    }
    return Optional.of(n.asText());
  }

  private static KeelException bad(String why) {
    return KeelException.invalid(why);
  }

  /** YAML null-free immutable Java values (maps keep their order). */
  private static Object plain(JsonNode n) {
    if (n.isObject()) {
      Map<String, Object> m = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> e : n.properties()) {
        if (!e.getValue().isNull()) {
          m.put(e.getKey(), plain(e.getValue()));
        }
      }
      return Collections.unmodifiableMap(m);
    }
    if (n.isArray()) {
      List<Object> l = new ArrayList<>();
      for (JsonNode e : n) {
        if (!e.isNull()) {
          l.add(plain(e));
        }
      }
      return Collections.unmodifiableList(l);
    }
    if (n.isBoolean()) {
      return n.booleanValue();
    }
    if (n.isNumber()) {
      return n.numberValue();
    }
    return n.asText();
  }

  private static String where(JsonLocation loc) {
    if (loc == null || loc.getLineNr() < 1) {
      return "";
    }
    return " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
  }

  /** A value for an error message: control characters replaced, at most 200 characters. */
  public static String printable(String s) {
    StringBuilder b = new StringBuilder();
    s.codePoints().limit(200).forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? '?' : c));
    return s.codePointCount(0, s.length()) > 200 ? b + "..." : b.toString();
  }

  private static ObjectMapper yamlMapper() {
    LoaderOptions options = new LoaderOptions();
    options.setMaxAliasesForCollections(20);
    options.setNestingDepthLimit(64);
    options.setCodePointLimit((int) MAX_MLMODEL_BYTES * 2);
    options.setAllowDuplicateKeys(false);
    return YAMLMapper.builder(YAMLFactory.builder().loaderOptions(options).build())
        .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
        .build();
  }
}
