package dev.keel.registry.modelpackage;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.keel.core.KeelException;
import dev.keel.tracking.artifacts.ArtifactPath;
import dev.keel.tracking.artifacts.ArtifactStore;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Reads and checks a model package in MLflow's on-disk layout through an {@link ArtifactStore}.
 *
 * <p>What is checked (Keel format version {@value ModelPackage#FORMAT_VERSION}):
 *
 * <ul>
 *   <li>{@code MLmodel} exists, is at most {@value #MAX_MLMODEL_BYTES} bytes, is YAML and a mapping
 *       with a non-empty {@code flavors} mapping;
 *   <li>every path the MLmodel names (flavor {@code data} / {@code model_path}, the input example,
 *       the top-level {@code artifact_path}) is relative, without {@code ..}, and is resolved under
 *       the package directory with {@link ArtifactPath}; anything else is refused;
 *   <li>every flavor's data file or directory exists;
 *   <li>a package whose only flavors are pickle-based ({@link Flavor#pickleBased()}) is refused:
 *       Keel never loads pickles;
 *   <li>{@code onnx}: the data file decodes as an ONNX {@code ModelProto} in protobuf wire format,
 *       with {@code ir_version} and {@code graph} (streamed, at most {@value #MAX_ONNX_BYTES}
 *       bytes);
 *   <li>{@code xgboost}: {@code model_format} is {@code json}, {@code ubj} or {@code xgb} (the
 *       default); a {@code json} file is streamed through a JSON parser (at most {@value
 *       #MAX_JSON_MODEL_BYTES} bytes) and must be an object with a {@code learner} object and a
 *       {@code version} array; a {@code ubj} file must be non-empty and start with the UBJSON
 *       object marker {@code '{'}; an {@code xgb} file must be non-empty. Deeper checks of {@code
 *       ubj} and {@code xgb} files happen when the serving runtime loads them;
 *   <li>the signature's {@code inputs} and {@code outputs} are JSON arrays of column specs (of the
 *       primitive types of {@link ColumnType}) or of tensor specs, never a mix; column names are
 *       all present or all absent.
 * </ul>
 *
 * <p>Unknown top-level keys and unknown flavor keys are kept or ignored, not refused, so packages
 * written by newer MLflow versions still read. Nothing is executed and no pickle is opened.
 */
public final class ModelPackageReader {

  /** The name of the package's descriptor file. */
  public static final String MLMODEL = "MLmodel";

  /** Largest accepted MLmodel file, in bytes (1 MiB). */
  public static final long MAX_MLMODEL_BYTES = 1L << 20;

  /** Largest JSON model file that is checked, in bytes (512 MiB); larger ones are refused. */
  public static final long MAX_JSON_MODEL_BYTES = 512L << 20;

  /** Largest ONNX model file (protobuf's 2 GiB limit); larger ones are refused. */
  public static final long MAX_ONNX_BYTES = (2L << 30) - 1;

  /** Most entries accepted in one signature schema. */
  public static final int MAX_SCHEMA_ENTRIES = 100_000;

  /** Most dimensions accepted in one tensor shape. */
  public static final int MAX_TENSOR_RANK = 64;

  private static final Set<String> XGBOOST_FORMATS = Set.of("json", "ubj", "xgb");

  private static final Pattern DTYPE =
      Pattern.compile(
          "bool|int8|int16|int32|int64|uint8|uint16|uint32|uint64|float16|float32|float64"
              + "|str|bytes|object|(datetime64|timedelta64)(\\[[a-zA-Z]{1,3}\\])?");

  private static final ObjectMapper YAML = yamlMapper();

  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();

  private static final JsonFactory STREAMING_JSON =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxNestingDepth(256)
                  .maxStringLength(64 << 20)
                  .maxNumberLength(1000)
                  .build())
          .build();

  private ModelPackageReader() {}

  /**
   * Reads and checks the model package in {@code dir}.
   *
   * @param store where the package lives
   * @param dir the package directory (the one holding {@code MLmodel})
   * @return the package
   * @throws KeelException INVALID_PARAMETER_VALUE saying exactly what is wrong with the package
   *     (messages start with {@code Invalid model package '<dir>': })
   * @throws IOException if the store cannot be read
   */
  public static ModelPackage read(ArtifactStore store, ArtifactPath dir) throws IOException {
    return new Run(store, dir).read();
  }

  /** One read of one package, holding what the error messages need. */
  private static final class Run {
    private final ArtifactStore store;
    private final ArtifactPath dir;

    Run(ArtifactStore store, ArtifactPath dir) {
      this.store = store;
      this.dir = dir;
    }

    ModelPackage read() throws IOException {
      JsonNode root = readMlmodel();
      optionalRelativePath(root, "artifact_path");
      Map<String, Flavor> flavors = flavors(root.get("flavors"));
      if (flavors.values().stream().allMatch(Flavor::pickleBased)) {
        throw bad(
            "pickle-based flavors are not loaded by Keel: the package has only "
                + String.join(", ", flavors.keySet())
                + "; log the model with the onnx or xgboost flavor");
      }
      for (Flavor flavor : flavors.values()) {
        checkData(flavor);
      }
      Optional<Signature> signature = signature(root.get("signature"));
      Optional<ArtifactPath> inputExample = inputExample(root.get("saved_input_example_info"));
      return new ModelPackage(
          dir,
          ModelPackage.FORMAT_VERSION,
          flavors,
          signature,
          inputExample,
          scalar(root, "mlflow_version"),
          scalar(root, "model_uuid"),
          scalar(root, "run_id"),
          scalar(root, "utc_time_created"));
    }

    // --- MLmodel -------------------------------------------------------------------------------

    private JsonNode readMlmodel() throws IOException {
      ArtifactPath path = dir.resolve(MLMODEL);
      OptionalLong size = store.size(path);
      if (size.isEmpty()) {
        throw bad("there is no MLmodel file in the model directory");
      }
      if (size.getAsLong() > MAX_MLMODEL_BYTES) {
        throw bad("MLmodel is " + size.getAsLong() + " bytes, more than " + MAX_MLMODEL_BYTES);
      }
      byte[] bytes;
      try (InputStream in = store.open(path)) {
        bytes = in.readNBytes((int) MAX_MLMODEL_BYTES + 1);
      }
      if (bytes.length > MAX_MLMODEL_BYTES) {
        throw bad("MLmodel is more than " + MAX_MLMODEL_BYTES + " bytes");
      }
      JsonNode root;
      try {
        root = YAML.readTree(bytes);
      } catch (JsonProcessingException e) {
        throw bad("MLmodel is not valid YAML" + where(e.getLocation()));
      } catch (RuntimeException e) {
        // SnakeYAML reports some malformed input (bad code points, limits) unchecked.
        throw bad("MLmodel is not valid YAML");
      }
      if (root == null || !root.isObject()) {
        throw bad("MLmodel is not a YAML mapping");
      }
      return root;
    }

    private Map<String, Flavor> flavors(JsonNode node) {
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
        Optional<ArtifactPath> data = dataPath(name, config);
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) plain(config);
        flavors.put(name, new Flavor(name, map, data));
      }
      return flavors;
    }

    private Optional<ArtifactPath> dataPath(String flavor, JsonNode config) {
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
        return Optional.empty();
      }
      return Optional.of(relative("flavor '" + flavor + "' " + key, data));
    }

    /** Resolves a path named in the MLmodel under the package directory, or refuses it. */
    private ArtifactPath relative(String what, JsonNode node) {
      if (!node.isTextual()) {
        throw bad("MLmodel " + what + " is not a string");
      }
      String raw = node.asText();
      try {
        ArtifactPath rel = ArtifactPath.parse("p", raw, false);
        return dir.resolve(rel.value());
      } catch (KeelException e) {
        String why = e.getMessage();
        String prefix = "Invalid path: 'p' ";
        if (why.startsWith(prefix)) {
          why = "it " + why.substring(prefix.length());
        }
        throw bad(
            "MLmodel "
                + what
                + " '"
                + printable(raw)
                + "' must be a relative path inside the model directory: "
                + why);
      }
    }

    private void optionalRelativePath(JsonNode root, String key) {
      JsonNode node = root.get(key);
      if (node != null && !node.isNull()) {
        relative("'" + key + "'", node);
      }
    }

    // --- data files ----------------------------------------------------------------------------

    private void checkData(Flavor flavor) throws IOException {
      if (flavor.data().isEmpty()) {
        return;
      }
      ArtifactPath data = flavor.data().get();
      String label = "flavor '" + flavor.name() + "' data file '" + relativeName(data) + "'";
      OptionalLong size = store.size(data);
      boolean isFile = size.isPresent();
      if (!isFile && store.list(data).isEmpty()) {
        throw bad(label + " is not in the model directory");
      }
      switch (flavor.name()) {
        case Flavor.ONNX -> {
          requireFile(label, isFile);
          checkOnnx(label, data, size.getAsLong());
        }
        case Flavor.XGBOOST -> {
          requireFile(label, isFile);
          checkXgboost(flavor, label, data, size.getAsLong());
        }
        default -> {}
      }
    }

    private void requireFile(String label, boolean isFile) {
      if (!isFile) {
        throw bad(label + " is a directory, not a file");
      }
    }

    private void checkOnnx(String label, ArtifactPath data, long size) throws IOException {
      if (size > MAX_ONNX_BYTES) {
        throw bad(label + " is larger than the 2 GiB an ONNX protobuf can be");
      }
      try (InputStream in = store.open(data)) {
        OnnxModelCheck.check(in, size);
      } catch (OnnxModelCheck.NotOnnx e) {
        throw bad(label + " is not a parseable ONNX ModelProto: " + e.getMessage());
      }
    }

    private void checkXgboost(Flavor flavor, String label, ArtifactPath data, long size)
        throws IOException {
      String format = flavor.string("model_format").orElse("xgb");
      if (!XGBOOST_FORMATS.contains(format)) {
        throw bad(
            "MLmodel flavor 'xgboost' has model_format '"
                + printable(format)
                + "'; Keel reads json, ubj and xgb");
      }
      if (size == 0) {
        throw bad(label + " is empty");
      }
      switch (format) {
        case "json" -> checkXgboostJson(label, data, size);
        case "ubj" -> {
          int first;
          try (InputStream in = store.open(data)) {
            first = in.read();
          }
          if (first != '{') {
            throw bad(label + " is not UBJSON: it does not start with the object marker '{'");
          }
        }
        default -> {}
      }
    }

    private void checkXgboostJson(String label, ArtifactPath data, long size) throws IOException {
      if (size > MAX_JSON_MODEL_BYTES) {
        throw bad(label + " is larger than " + (MAX_JSON_MODEL_BYTES >> 20) + " MiB");
      }
      boolean learner = false;
      boolean version = false;
      String prefix = label + " is not an XGBoost JSON model: ";
      try (InputStream in = store.open(data);
          JsonParser p = STREAMING_JSON.createParser(in)) {
        if (p.nextToken() != JsonToken.START_OBJECT) {
          throw bad(prefix + "it is not a JSON object");
        }
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          JsonToken value = p.nextToken();
          if (name.equals("learner")) {
            learner = value == JsonToken.START_OBJECT;
          } else if (name.equals("version")) {
            version = value == JsonToken.START_ARRAY;
          }
          p.skipChildren();
        }
        if (t != JsonToken.END_OBJECT) {
          throw bad(prefix + "it is not valid JSON");
        }
        if (p.nextToken() != null) {
          throw bad(prefix + "there is more content after the JSON object");
        }
      } catch (JsonProcessingException e) {
        throw bad(prefix + "it is not valid JSON" + where(e.getLocation()));
      }
      if (!learner) {
        throw bad(prefix + "it has no 'learner' object");
      }
      if (!version) {
        throw bad(prefix + "it has no 'version' array");
      }
    }

    // --- signature and input example -----------------------------------------------------------

    private Optional<Signature> signature(JsonNode node) {
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
      return Optional.of(new Signature(inputs, outputs, params));
    }

    private JsonNode parseSchemaJson(String part, JsonNode node) {
      if (!node.isTextual()) {
        throw bad("signature " + part + " is not a JSON string");
      }
      try {
        return JSON.readTree(node.asText());
      } catch (JsonProcessingException e) {
        throw bad("signature " + part + " is not valid JSON" + where(e.getLocation()));
      }
    }

    private List<SchemaSpec> schema(String part, JsonNode node) {
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

    private SchemaSpec spec(String part, int i, JsonNode e) {
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
                + ModelPackage.FORMAT_VERSION
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

    private TensorSpec tensor(String where, Optional<String> name, JsonNode spec) {
      if (spec == null || !spec.isObject()) {
        throw bad(where + " is a tensor without a 'tensor-spec' object");
      }
      JsonNode dtype = spec.get("dtype");
      if (dtype == null || !dtype.isTextual() || !DTYPE.matcher(dtype.asText()).matches()) {
        throw bad(where + " has no numpy dtype Keel knows in 'tensor-spec'");
      }
      JsonNode shape = spec.get("shape");
      if (shape == null || !shape.isArray() || shape.size() > MAX_TENSOR_RANK) {
        throw bad(where + " has no 'shape' array (of at most " + MAX_TENSOR_RANK + " dimensions)");
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

    private Optional<ArtifactPath> inputExample(JsonNode info) throws IOException {
      if (info == null || info.isNull()) {
        return Optional.empty();
      }
      if (!info.isObject()) {
        throw bad("MLmodel 'saved_input_example_info' is not a mapping");
      }
      JsonNode servingPath = info.get("serving_input_path");
      if (servingPath != null && !servingPath.isNull()) {
        relative("saved_input_example_info serving_input_path", servingPath);
      }
      JsonNode p = info.get("artifact_path");
      if (p == null || p.isNull()) {
        return Optional.empty();
      }
      ArtifactPath path = relative("saved_input_example_info artifact_path", p);
      if (store.size(path).isEmpty()) {
        throw bad("input example file '" + relativeName(path) + "' is not in the model directory");
      }
      return Optional.of(path);
    }

    // --- helpers -------------------------------------------------------------------------------

    private Optional<String> scalar(JsonNode root, String key) {
      JsonNode n = root.get(key);
      if (n == null || n.isNull()) {
        return Optional.empty();
      }
      if (!n.isValueNode()) {
        throw bad("MLmodel '" + key + "' is not a scalar");
      }
      return Optional.of(n.asText());
    }

    private String relativeName(ArtifactPath p) {
      return dir.isRoot() ? p.value() : p.value().substring(dir.value().length() + 1);
    }

    private KeelException bad(String why) {
      return KeelException.invalid("Invalid model package '" + dir.value() + "': " + why);
    }
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
  private static String printable(String s) {
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
