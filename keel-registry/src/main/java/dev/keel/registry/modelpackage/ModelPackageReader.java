package dev.keel.registry.modelpackage;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.keel.core.KeelException;
import dev.keel.mlmodel.Flavor;
import dev.keel.mlmodel.InputExampleInfo;
import dev.keel.mlmodel.MLmodel;
import dev.keel.mlmodel.MLmodelReader;
import dev.keel.tracking.artifacts.ArtifactPath;
import dev.keel.tracking.artifacts.ArtifactStore;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Reads a model package in MLflow's on-disk layout through an {@link ArtifactStore} and checks it
 * deeper than the format alone: the {@code MLmodel} file is read by {@link MLmodelReader} (YAML,
 * flavors, signature; see there), then, against the store (Keel format version {@value
 * MLmodel#FORMAT_VERSION}):
 *
 * <ul>
 *   <li>{@code MLmodel} exists and is at most {@value MLmodelReader#MAX_MLMODEL_BYTES} bytes;
 *   <li>every path the MLmodel names (flavor {@code data} / {@code model_path}, the input example,
 *       the top-level {@code artifact_path}) is relative, without {@code ..}, and is resolved under
 *       the package directory with {@link ArtifactPath}; anything else is refused;
 *   <li>a package whose flavors are all pickle-based ({@link Flavor#pickleBased()}) is read (and
 *       registrable, as MLflow registers any model) but not servable: Keel never opens pickles,
 *       so their files are only checked for presence;
 *   <li>every flavor's data file or directory exists;
 *   <li>{@code onnx}: the data file decodes as an ONNX {@code ModelProto} in protobuf wire format,
 *       with {@code ir_version} and {@code graph} (streamed, at most {@value #MAX_ONNX_BYTES}
 *       bytes);
 *   <li>{@code xgboost}: {@code model_format} is {@code json}, {@code ubj} or {@code xgb} (the
 *       default); a {@code json} file is streamed through a JSON parser (at most {@value
 *       #MAX_JSON_MODEL_BYTES} bytes) and must be an object with a {@code learner} object and a
 *       {@code version} array; a {@code ubj} file must be non-empty and start with the UBJSON
 *       object marker {@code '{'}; an {@code xgb} file must be non-empty. Deeper checks of {@code
 *       ubj} and {@code xgb} files happen when the serving runtime loads them;
 *   <li>the input example file exists.
 * </ul>
 *
 * <p>Nothing is executed and no pickle is opened.
 */
public final class ModelPackageReader {

  /** The name of the package's descriptor file. */
  public static final String MLMODEL = MLmodel.FILE_NAME;

  /** Largest accepted MLmodel file, in bytes (1 MiB). */
  public static final long MAX_MLMODEL_BYTES = MLmodelReader.MAX_MLMODEL_BYTES;

  /** Largest JSON model file that is checked, in bytes (512 MiB); larger ones are refused. */
  public static final long MAX_JSON_MODEL_BYTES = 512L << 20;

  /** Largest ONNX model file (protobuf's 2 GiB limit); larger ones are refused. */
  public static final long MAX_ONNX_BYTES = (2L << 30) - 1;

  private static final Set<String> XGBOOST_FORMATS = Set.of("json", "ubj", "xgb");

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
   * @throws KeelException INVALID_ARGUMENT saying exactly what is wrong with the package (messages
   *     start with {@code Invalid model package '<dir>': })
   * @throws IOException if the store cannot be read
   */
  public static CheckedModelPackage read(ArtifactStore store, ArtifactPath dir) throws IOException {
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

    CheckedModelPackage read() throws IOException {
      byte[] bytes = readMlmodel();
      MLmodel mlmodel;
      try {
        mlmodel = MLmodelReader.read(bytes);
      } catch (KeelException e) {
        throw bad(e.getMessage());
      }
      mlmodel.artifactPath().ifPresent(p -> relative("'artifact_path'", p));
      Map<String, ArtifactPath> data = new LinkedHashMap<>();
      for (Flavor flavor : mlmodel.flavors().values()) {
        flavor
            .data()
            .ifPresent(
                d ->
                    data.put(
                        flavor.name(),
                        relative("flavor '" + flavor.name() + "' " + flavor.dataKey(), d)));
      }
      for (Flavor flavor : mlmodel.flavors().values()) {
        ArtifactPath path = data.get(flavor.name());
        if (path != null) {
          checkData(flavor, path);
        }
      }
      Optional<ArtifactPath> inputExample = inputExample(mlmodel.inputExample());
      return new CheckedModelPackage(dir, MLmodel.FORMAT_VERSION, mlmodel, data, inputExample);
    }

    // --- MLmodel -------------------------------------------------------------------------------

    private byte[] readMlmodel() throws IOException {
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
      return bytes;
    }

    /** Resolves a path named in the MLmodel under the package directory, or refuses it. */
    private ArtifactPath relative(String what, String raw) {
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

    // --- data files ----------------------------------------------------------------------------

    private void checkData(Flavor flavor, ArtifactPath data) throws IOException {
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

    // --- input example -------------------------------------------------------------------------

    private Optional<ArtifactPath> inputExample(Optional<InputExampleInfo> info)
        throws IOException {
      if (info.isEmpty()) {
        return Optional.empty();
      }
      info.get()
          .servingInputPath()
          .ifPresent(p -> relative("saved_input_example_info serving_input_path", p));
      if (info.get().artifactPath().isEmpty()) {
        return Optional.empty();
      }
      ArtifactPath path =
          relative("saved_input_example_info artifact_path", info.get().artifactPath().get());
      if (store.size(path).isEmpty()) {
        throw bad("input example file '" + relativeName(path) + "' is not in the model directory");
      }
      return Optional.of(path);
    }

    // --- helpers -------------------------------------------------------------------------------

    private String relativeName(ArtifactPath p) {
      return dir.isRoot() ? p.value() : p.value().substring(dir.value().length() + 1);
    }

    private KeelException bad(String why) {
      return KeelException.invalid("Invalid model package '" + dir.value() + "': " + why);
    }
  }

  private static String where(JsonLocation loc) {
    if (loc == null || loc.getLineNr() < 1) {
      return "";
    }
    return " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
  }

  private static String printable(String s) {
    return MLmodelReader.printable(s);
  }
}
