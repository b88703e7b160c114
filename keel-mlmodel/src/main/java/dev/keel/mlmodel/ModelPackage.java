package dev.keel.mlmodel;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A model to log, in MLflow's on-disk layout: the flavor's data file, an {@code MLmodel} with the
 * {@code onnx} or {@code xgboost} flavor plus the {@code python_function} flavor MLflow adds, the
 * Python environment files ({@code conda.yaml}, {@code python_env.yaml}, {@code requirements.txt})
 * and, when given, the signature and the input example ({@code input_example.json}, {@code
 * serving_input_example.json}). Keel's registry checks such a package at finalize; the files follow
 * MLflow 2.17's layout so that MLflow's {@code onnx}/{@code xgboost} loaders can read them (Keel's
 * tests check the layout and the YAML against PyYAML, not against an MLflow install).
 *
 * <pre>{@code
 * ModelPackage pkg = ModelPackage.onnx(Path.of("model.onnx"))
 *     .withSignature(ModelSignature.builder()
 *         .inputTensor("input", "float32", -1, 4)
 *         .outputTensor("output", "float32", -1, 2)
 *         .build())
 *     .withInputExample(InputExample.ofTensor(List.of(List.of(1f, 2f, 3f, 4f))));
 * ModelInfo info = keel.tracking().logModel(runId, "model", pkg);
 * ModelVersion v = keel.registry().registerModel("main.default.fraud", info);
 * }</pre>
 *
 * <p>XGBoost boosters and Tribuo models have adapters in keel-client that build a package ({@code
 * dev.keel.client.XGBoostModels}, {@code dev.keel.client.TribuoModels}; their libraries are
 * optional dependencies of keel-client).
 *
 * <p>Instances are immutable; the {@code with...} methods answer a copy. Byte contents are copied;
 * a file is read when the package is saved.
 */
public final class ModelPackage {
  /** The MLflow release whose MLmodel layout is written ({@code mlflow_version}). */
  public static final String MLFLOW_VERSION = "2.17.2";

  /** The Python version the {@code python_function} environment asks for, unless changed. */
  public static final String DEFAULT_PYTHON_VERSION = "3.11.9";

  /**
   * The {@code onnx} Python package version recorded as {@code onnx_version} and pinned in the
   * environment, unless changed with {@link #withOnnxVersion}.
   */
  public static final String DEFAULT_ONNX_VERSION = "1.17.0";

  /** The name of the package's descriptor file. */
  public static final String MLMODEL = MLmodel.FILE_NAME;

  /** The input example's file name. */
  public static final String INPUT_EXAMPLE = "input_example.json";

  /** The file name of the input example as a ready {@code /invocations} body. */
  public static final String SERVING_INPUT_EXAMPLE = "serving_input_example.json";

  private static final JsonFactory JSON_FACTORY = new JsonFactory();
  private static final String CONDA = "conda.yaml";
  private static final String PYTHON_ENV = "python_env.yaml";
  private static final String REQUIREMENTS = "requirements.txt";

  private static final DateTimeFormatter UTC_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

  private final String flavor;
  private final String dataFile;
  private final Optional<Path> file;
  private final byte[] bytes;
  private final String flavorVersion;
  private final Optional<XGBoostFormat> xgbFormat;
  private final String modelClass;
  private final Optional<ModelSignature> signature;
  private final Optional<InputExample> inputExample;
  private final Map<String, String> metadata;
  private final String pythonVersion;

  private ModelPackage(
      String flavor,
      String dataFile,
      Optional<Path> file,
      byte[] bytes,
      String flavorVersion,
      Optional<XGBoostFormat> xgbFormat,
      String modelClass,
      Optional<ModelSignature> signature,
      Optional<InputExample> inputExample,
      Map<String, String> metadata,
      String pythonVersion) {
    this.flavor = flavor;
    this.dataFile = dataFile;
    this.file = file;
    this.bytes = bytes;
    this.flavorVersion = flavorVersion;
    this.xgbFormat = xgbFormat;
    this.modelClass = modelClass;
    this.signature = signature;
    this.inputExample = inputExample;
    this.metadata = Map.copyOf(metadata);
    this.pythonVersion = pythonVersion;
  }

  // ------------------------------------------------------------------ factories

  /**
   * An ONNX model from its serialized {@code ModelProto} bytes (saved as {@code model.onnx}).
   *
   * @throws IllegalArgumentException if {@code model} is empty
   */
  public static ModelPackage onnx(byte[] model) {
    if (model.length == 0) {
      throw new IllegalArgumentException("onnx model: the bytes are empty");
    }
    return new ModelPackage(
        "onnx",
        "model.onnx",
        Optional.empty(),
        model.clone(),
        DEFAULT_ONNX_VERSION,
        Optional.empty(),
        "",
        Optional.empty(),
        Optional.empty(),
        Map.of(),
        DEFAULT_PYTHON_VERSION);
  }

  /**
   * An ONNX model file (copied as {@code model.onnx} when the package is saved). The model must
   * hold its weights: ONNX external-data sidecar files are not copied.
   *
   * @throws IllegalArgumentException if {@code file} is not a non-empty regular file
   */
  public static ModelPackage onnx(Path file) {
    requireFile("onnx model", file);
    return new ModelPackage(
        "onnx",
        "model.onnx",
        Optional.of(file),
        null,
        DEFAULT_ONNX_VERSION,
        Optional.empty(),
        "",
        Optional.empty(),
        Optional.empty(),
        Map.of(),
        DEFAULT_PYTHON_VERSION);
  }

  /**
   * An XGBoost model in one of its file formats (saved as {@code model.<format>}), loaded in Python
   * as an {@code xgboost.core.Booster}.
   *
   * @param xgbVersion the XGBoost version that wrote it ({@code xgb_version}, pinned in the
   *     environment); {@code ""} to read it from a JSON model's {@code version} array
   * @throws IllegalArgumentException if the bytes are empty, are not what {@code format} says (a
   *     JSON model needs {@code learner} and {@code version}; UBJ starts with {@code '{'}), or
   *     {@code xgbVersion} is empty for a binary format
   */
  public static ModelPackage xgboost(byte[] model, XGBoostFormat format, String xgbVersion) {
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(xgbVersion, "xgbVersion");
    if (model.length == 0) {
      throw new IllegalArgumentException("xgboost model: the bytes are empty");
    }
    String version;
    try (InputStream in = new java.io.ByteArrayInputStream(model)) {
      version = checkXgboost(in, format, xgbVersion, "xgboost model");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return xgboost(Optional.empty(), model.clone(), format, version);
  }

  /**
   * An XGBoost model file; the format comes from its extension ({@code .json}, {@code .ubj}, else
   * {@code xgb}).
   *
   * @param xgbVersion as {@link #xgboost(byte[], XGBoostFormat, String)}
   * @throws IllegalArgumentException as {@link #xgboost(byte[], XGBoostFormat, String)}, or if
   *     {@code file} is not a readable regular file
   */
  public static ModelPackage xgboost(Path file, String xgbVersion) {
    requireFile("xgboost model", file);
    String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
    XGBoostFormat format =
        name.endsWith(".json")
            ? XGBoostFormat.JSON
            : name.endsWith(".ubj") ? XGBoostFormat.UBJ : XGBoostFormat.XGB;
    String version;
    try (InputStream in = Files.newInputStream(file)) {
      version = checkXgboost(in, format, xgbVersion, "xgboost model " + file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    return xgboost(Optional.of(file), null, format, version);
  }

  private static ModelPackage xgboost(
      Optional<Path> file, byte[] bytes, XGBoostFormat format, String version) {
    return new ModelPackage(
        "xgboost",
        format.fileName(),
        file,
        bytes,
        version,
        Optional.of(format),
        "xgboost.core.Booster",
        Optional.empty(),
        Optional.empty(),
        Map.of(),
        DEFAULT_PYTHON_VERSION);
  }

  // ------------------------------------------------------------------ withers

  /**
   * This package with a signature.
   *
   * @throws IllegalArgumentException if the package's input example does not fit it
   */
  public ModelPackage withSignature(ModelSignature signature) {
    Objects.requireNonNull(signature, "signature");
    inputExample.ifPresent(e -> e.checkAgainst(signature));
    return copy(Optional.of(signature), inputExample, metadata, pythonVersion, flavorVersion);
  }

  /**
   * This package with an input example.
   *
   * @throws IllegalArgumentException if it does not fit the package's signature
   */
  public ModelPackage withInputExample(InputExample example) {
    Objects.requireNonNull(example, "example");
    signature.ifPresent(example::checkAgainst);
    return copy(signature, Optional.of(example), metadata, pythonVersion, flavorVersion);
  }

  /** This package with free-form {@code metadata} in its MLmodel (replacing any). */
  public ModelPackage withMetadata(Map<String, String> metadata) {
    return copy(signature, inputExample, Map.copyOf(metadata), pythonVersion, flavorVersion);
  }

  /**
   * This package with another Python version for its {@code python_function} environment.
   *
   * @throws IllegalArgumentException unless it looks like {@code 3.11} or {@code 3.11.9}
   */
  public ModelPackage withPythonVersion(String version) {
    if (!version.matches("3\\.\\d{1,2}(\\.\\d{1,3})?")) {
      throw new IllegalArgumentException(
          "python version: '" + version + "' is not a Python 3 version such as 3.11.9");
    }
    return copy(signature, inputExample, metadata, version, flavorVersion);
  }

  /**
   * This ONNX package with another {@code onnx_version} (also pinned in the environment).
   *
   * @throws IllegalArgumentException for an XGBoost package or a version that is not dotted digits
   */
  public ModelPackage withOnnxVersion(String version) {
    if (!flavor.equals("onnx")) {
      throw new IllegalArgumentException("onnx version: the package is " + flavor + ", not onnx");
    }
    requireVersion("onnx version", version);
    return copy(signature, inputExample, metadata, pythonVersion, version);
  }

  private ModelPackage copy(
      Optional<ModelSignature> sig,
      Optional<InputExample> example,
      Map<String, String> meta,
      String python,
      String version) {
    return new ModelPackage(
        flavor, dataFile, file, bytes, version, xgbFormat, modelClass, sig, example, meta, python);
  }

  // ------------------------------------------------------------------ accessors

  /** The model flavor: {@code onnx} or {@code xgboost}. */
  public String flavor() {
    return flavor;
  }

  /** The data file's name in the package, e.g. {@code model.onnx}. */
  public String dataFile() {
    return dataFile;
  }

  /** The flavor's library version ({@code onnx_version} or {@code xgb_version}). */
  public String flavorVersion() {
    return flavorVersion;
  }

  /** The signature, if one was given. */
  public Optional<ModelSignature> signature() {
    return signature;
  }

  /** The input example, if one was given. */
  public Optional<InputExample> inputExample() {
    return inputExample;
  }

  /** The MLmodel's free-form {@code metadata}. */
  public Map<String, String> metadata() {
    return metadata;
  }

  // ------------------------------------------------------------------ writing

  /**
   * Writes the package into {@code dir} (created if missing; it must be empty).
   *
   * @param runId the run it belongs to (the MLmodel's {@code run_id}); {@code ""} for none
   * @param artifactPath its path under the run's artifacts (the MLmodel's {@code artifact_path});
   *     {@code ""} for none
   * @return what was written; its {@link ModelInfo#modelUri()} is the directory's {@code file:} URI
   * @throws IllegalArgumentException if {@code artifactPath} is not a relative path without {@code
   *     .}, {@code ..} or {@code \\} segments
   * @throws UncheckedIOException if {@code dir} is not empty or cannot be written
   */
  public ModelInfo save(Path dir, String runId, String artifactPath) {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(artifactPath, "artifactPath");
    String path = artifactPath.isEmpty() ? "" : relativePath(artifactPath);
    try {
      Files.createDirectories(dir);
      try (Stream<Path> s = Files.list(dir)) {
        if (s.findAny().isPresent()) {
          throw new UncheckedIOException(
              new DirectoryNotEmptyException(
                  dir + " is not empty; save a model into a new directory"));
        }
      }
      return write(dir, runId, path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the model to " + dir + ": " + e, e);
    }
  }

  private ModelInfo write(Path dir, String runId, String artifactPath) throws IOException {
    if (file.isPresent()) {
      Files.copy(file.get(), dir.resolve(dataFile));
    } else {
      Files.write(dir.resolve(dataFile), bytes);
    }
    List<String> requirements = new ArrayList<>();
    requirements.add("mlflow==" + MLFLOW_VERSION);
    if (flavor.equals("onnx")) {
      requirements.add("onnx==" + flavorVersion);
      requirements.add("onnxruntime");
    } else {
      requirements.add("xgboost==" + flavorVersion);
    }
    writeText(dir.resolve(REQUIREMENTS), String.join("\n", requirements) + "\n");
    Map<String, Object> conda = new LinkedHashMap<>();
    conda.put("channels", List.of("conda-forge"));
    conda.put(
        "dependencies", List.of("python=" + pythonVersion, "pip", Map.of("pip", requirements)));
    conda.put("name", "mlflow-env");
    writeText(dir.resolve(CONDA), Yaml.write(conda));
    Map<String, Object> pyEnv = new LinkedHashMap<>();
    pyEnv.put("python", pythonVersion);
    pyEnv.put("build_dependencies", List.of("pip", "setuptools", "wheel"));
    pyEnv.put("dependencies", List.of("-r " + REQUIREMENTS));
    writeText(dir.resolve(PYTHON_ENV), pythonEnvYaml(pyEnv));

    Map<String, Object> mlmodel = new LinkedHashMap<>();
    if (!artifactPath.isEmpty()) {
      mlmodel.put("artifact_path", artifactPath);
    }
    Map<String, Object> flavors = flavors();
    mlmodel.put("flavors", flavors);
    if (!metadata.isEmpty()) {
      mlmodel.put("metadata", new LinkedHashMap<>(metadata));
    }
    mlmodel.put("mlflow_version", MLFLOW_VERSION);
    String uuid = UUID.randomUUID().toString().replace("-", "");
    mlmodel.put("model_uuid", uuid);
    if (!runId.isEmpty()) {
      mlmodel.put("run_id", runId);
    }
    if (inputExample.isPresent()) {
      InputExample ex = inputExample.get();
      writeText(dir.resolve(INPUT_EXAMPLE), PyJson.compact(ex.exampleJson()));
      writeText(dir.resolve(SERVING_INPUT_EXAMPLE), PyJson.indented(ex.servingJson(), 2));
      Map<String, Object> info = new LinkedHashMap<>();
      info.put("artifact_path", INPUT_EXAMPLE);
      if (ex.dataFrame()) {
        info.put("pandas_orient", "split");
      }
      info.put("serving_input_path", SERVING_INPUT_EXAMPLE);
      info.put("type", ex.dataFrame() ? "dataframe" : "ndarray");
      mlmodel.put("saved_input_example_info", info);
    }
    if (signature.isPresent()) {
      Map<String, Object> sig = new LinkedHashMap<>();
      ModelSignature sg = signature.get();
      sig.put("inputs", sg.inputs().isEmpty() ? null : sg.inputsJson());
      sig.put("outputs", sg.outputsJson().orElse(null));
      sig.put("params", sg.paramsJson().orElse(null));
      mlmodel.put("signature", sig);
    }
    String created = UTC_TIME.format(LocalDateTime.now(ZoneOffset.UTC));
    mlmodel.put("utc_time_created", created);
    long size;
    List<String> files;
    try (Stream<Path> s = Files.list(dir)) {
      List<Path> all = s.sorted().toList();
      size = 0;
      for (Path p : all) {
        size += Files.size(p);
      }
      files = new ArrayList<>(all.stream().map(p -> p.getFileName().toString()).toList());
    }
    mlmodel.put("model_size_bytes", size);
    writeText(dir.resolve(MLMODEL), Yaml.write(mlmodel));
    files.add(MLMODEL);
    files.sort(null);
    return new ModelInfo(
        runId,
        artifactPath,
        dir.toAbsolutePath().toUri().toString(),
        uuid,
        created,
        List.of(flavor, "python_function"),
        files);
  }

  /** The MLmodel's {@code flavors}: this package's flavor and {@code python_function}. */
  private Map<String, Object> flavors() {
    Map<String, Object> flavorConfig = new LinkedHashMap<>();
    flavorConfig.put("code", null);
    flavorConfig.put("data", dataFile);
    if (flavor.equals("onnx")) {
      flavorConfig.put("onnx_version", flavorVersion);
      flavorConfig.put("providers", List.of("CUDAExecutionProvider", "CPUExecutionProvider"));
    } else {
      flavorConfig.put("model_class", modelClass);
      flavorConfig.put("model_format", xgbFormat.orElseThrow().wireName());
      flavorConfig.put("xgb_version", flavorVersion);
    }
    Map<String, Object> pyfunc = new LinkedHashMap<>();
    pyfunc.put("data", dataFile);
    pyfunc.put("env", Map.of("conda", CONDA, "virtualenv", PYTHON_ENV));
    pyfunc.put("loader_module", "mlflow." + flavor);
    pyfunc.put("python_version", pythonVersion);
    Map<String, Object> flavors = new LinkedHashMap<>();
    flavors.put(flavor, flavorConfig);
    flavors.put("python_function", pyfunc);
    return flavors;
  }

  /**
   * The entry MLflow appends to the run's {@code mlflow.log-model.history} tag for a logged model:
   * {@code run_id}, {@code artifact_path}, {@code utc_time_created}, {@code model_uuid}, {@code
   * flavors}.
   */
  public Map<String, Object> historyEntry(ModelInfo info) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("run_id", info.runId());
    m.put("artifact_path", info.artifactPath());
    m.put("utc_time_created", info.utcTimeCreated());
    m.put("model_uuid", info.modelUuid());
    m.put("flavors", flavors());
    return m;
  }

  /**
   * {@code python_env.yaml} keeps MLflow's key order (python, build_dependencies, dependencies).
   */
  private static String pythonEnvYaml(Map<String, Object> env) {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, Object> e : env.entrySet()) {
      sb.append(Yaml.write(Map.of(e.getKey(), e.getValue())));
    }
    return sb.toString();
  }

  private static void writeText(Path p, String text) throws IOException {
    Files.writeString(p, text, StandardCharsets.UTF_8);
  }

  // ------------------------------------------------------------------ checks

  private static void requireFile(String what, Path file) {
    Objects.requireNonNull(file, "file");
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(what + ": " + file + " is not a regular file");
    }
    try {
      if (Files.size(file) == 0) {
        throw new IllegalArgumentException(what + ": " + file + " is empty");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** A path under the run's artifacts, without leading or trailing slashes. */
  private static String relativePath(String path) {
    String p = path.replaceAll("^/+|/+$", "");
    if (p.isEmpty()) {
      throw new IllegalArgumentException("artifact path must not be empty");
    }
    for (String seg : p.split("/", -1)) {
      if (seg.isEmpty() || seg.equals(".") || seg.equals("..") || seg.contains("\\")) {
        throw new IllegalArgumentException(
            "invalid artifact path '" + path + "': use relative paths without '.', '..' or '\\'");
      }
    }
    return p;
  }

  private static void requireVersion(String what, String version) {
    if (!version.matches("\\d+(\\.\\d+){0,3}([a-z0-9.+-]*)")) {
      throw new IllegalArgumentException(
          what + ": '" + version + "' is not a version such as 1.17.0");
    }
  }

  /** Checks an XGBoost model's format; answers its version (given, or read from JSON). */
  private static String checkXgboost(
      InputStream in, XGBoostFormat format, String given, String what) throws IOException {
    if (!given.isEmpty()) {
      requireVersion("xgb version", given);
    }
    switch (format) {
      case JSON -> {
        String read = jsonModelVersion(in, what);
        return given.isEmpty() ? read : given;
      }
      case UBJ -> {
        if (in.read() != '{') {
          throw new IllegalArgumentException(
              what + ": is not UBJSON (it does not start with the object marker '{')");
        }
      }
      case XGB -> {
        if (in.read() < 0) {
          throw new IllegalArgumentException(what + ": is empty");
        }
      }
    }
    if (given.isEmpty()) {
      throw new IllegalArgumentException(
          "xgb version: must be given for a " + format.wireName() + " model (only JSON has it)");
    }
    return given;
  }

  /** Streams a JSON model's top level: it needs a {@code learner} object and {@code version}. */
  private static String jsonModelVersion(InputStream in, String what) throws IOException {
    boolean learner = false;
    List<String> version = new ArrayList<>();
    try (JsonParser p = JSON_FACTORY.createParser(in)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException(what + ": is not an XGBoost JSON model (no object)");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        if (name.equals("learner")) {
          learner = t == JsonToken.START_OBJECT;
          p.skipChildren();
        } else if (name.equals("version") && t == JsonToken.START_ARRAY) {
          while (p.nextToken() == JsonToken.VALUE_NUMBER_INT) {
            version.add(Long.toString(p.getLongValue()));
          }
        } else {
          p.skipChildren();
        }
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(what + ": is not valid JSON: " + e.getOriginalMessage());
    }
    if (!learner) {
      throw new IllegalArgumentException(what + ": is not an XGBoost JSON model (no 'learner')");
    }
    if (version.isEmpty()) {
      throw new IllegalArgumentException(
          what + ": is not an XGBoost JSON model (no 'version' array of integers)");
    }
    return String.join(".", version);
  }

  @Override
  public String toString() {
    return "ModelPackage[" + flavor + ", " + dataFile + "]";
  }
}
