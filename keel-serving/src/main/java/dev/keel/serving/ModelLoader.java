package dev.keel.serving;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.core.ErrorCode;
import dev.keel.core.JsonErrors;
import dev.keel.core.KeelException;
import dev.keel.core.LibraryMessages;
import dev.keel.mlmodel.Flavor;
import dev.keel.registry.modelpackage.CheckedModelPackage;
import dev.keel.registry.modelpackage.ModelPackageReader;
import dev.keel.tracking.artifacts.ArtifactPath;
import dev.keel.tracking.artifacts.LocalArtifactStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Loads a model package from local disk for serving: reads and checks it with {@link
 * ModelPackageReader}, picks the runtime by flavor ({@code onnx} first, then {@code xgboost}),
 * loads the model and warms it with one prediction on the package's input example, if it has one (a
 * package whose own example does not score is refused).
 *
 * <p>A package with only pickle-based flavors (such as {@code sklearn} or a {@code python_function}
 * with a custom loader) is refused: Keel never unpickles or runs Python code.
 */
public final class ModelLoader {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> PREFERENCE = List.of(Flavor.ONNX, Flavor.XGBOOST);

  private final Map<String, ModelRuntime> runtimes;
  private final ScoringLimits limits;

  /** A loader with the ONNX and XGBoost runtimes and the default limits. */
  public ModelLoader() {
    this(List.of(new OnnxModelRuntime(), new XGBoostModelRuntime()), ScoringLimits.DEFAULT);
  }

  /**
   * A loader with these runtimes (at most one per flavor).
   *
   * @param runtimes the runtimes
   * @param limits the limits the input example is parsed with
   */
  public ModelLoader(List<ModelRuntime> runtimes, ScoringLimits limits) {
    Map<String, ModelRuntime> byFlavor = new java.util.LinkedHashMap<>();
    for (ModelRuntime r : runtimes) {
      if (byFlavor.put(r.flavor(), r) != null) {
        throw new IllegalArgumentException("two runtimes for flavor " + r.flavor());
      }
    }
    this.runtimes = Map.copyOf(byFlavor);
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  /**
   * Loads and warms the model in {@code modelDir} (the directory holding {@code MLmodel}).
   *
   * <p>Reading goes through a {@link LocalArtifactStore} rooted at {@code modelDir}, so paths the
   * MLmodel names are checked and symbolic links leading out of the directory are not followed; the
   * store keeps a hidden temporary folder there, so the directory must be writable.
   *
   * @return the loaded model; the caller closes it
   * @throws KeelException INVALID_ARGUMENT if the package is invalid, has no flavor Keel serves, or
   *     cannot be loaded or warmed
   * @throws IOException if the files cannot be read
   */
  public LoadedModel load(Path modelDir) throws IOException {
    Objects.requireNonNull(modelDir, "modelDir");
    if (!Files.isDirectory(modelDir)) {
      throw KeelException.invalid("Model directory " + modelDir + " does not exist");
    }
    CheckedModelPackage pkg =
        ModelPackageReader.read(new LocalArtifactStore(modelDir), ArtifactPath.root());
    Flavor flavor =
        servedFlavor(pkg.flavors())
            .orElseThrow(() -> KeelException.invalid(unservable(pkg.flavors())));
    LoadedModel model = runtimes.get(flavor.name()).load(pkg, modelDir, flavor);
    try {
      Optional<byte[]> example = servingExample(pkg, modelDir);
      if (example.isPresent()) {
        InputBatch batch;
        try {
          batch = ScoringInput.parse("application/json", example.get(), model.signature(), limits);
        } catch (KeelException e) {
          throw KeelException.invalid(
              "The package's input example does not fit its signature: " + e.getMessage());
        }
        model.predict(batch);
      }
    } catch (RuntimeException | IOException e) {
      model.close();
      throw e;
    }
    return model;
  }

  /**
   * The flavors this loader serves, in the order it prefers them ({@code onnx}, {@code xgboost}).
   */
  public List<String> servedFlavors() {
    return PREFERENCE.stream().filter(runtimes::containsKey).toList();
  }

  /**
   * The flavor {@link #load} would load from a package with these flavors (the first of {@link
   * #servedFlavors()} it has), empty when it has none Keel serves. This is the whole servability
   * rule: an endpoint is refused on a version for which it is empty.
   */
  public Optional<Flavor> servedFlavor(Map<String, Flavor> flavors) {
    for (String name : servedFlavors()) {
      if (flavors.containsKey(name)) {
        return Optional.of(flavors.get(name));
      }
    }
    return Optional.empty();
  }

  /** Why a package with these flavors cannot be served, naming the flavors Keel serves. */
  public String unservable(Map<String, Flavor> flavors) {
    return "The model package has no flavor Keel can serve (Keel serves "
        + String.join(" and ", servedFlavors())
        + "); its flavors are "
        + flavors.keySet()
        + (flavors.values().stream().anyMatch(Flavor::pickleBased)
            ? ". Pickle-based flavors are never loaded by Keel"
            : "");
  }

  /** The input example as a scoring request body, if the package has one. */
  private static Optional<byte[]> servingExample(CheckedModelPackage pkg, Path modelDir)
      throws IOException {
    if (pkg.inputExample().isEmpty()) {
      return Optional.empty();
    }
    Path file = local(modelDir, pkg.inputExample().get());
    if (!Files.isRegularFile(file) || Files.size(file) > (16L << 20)) {
      return Optional.empty();
    }
    JsonNode example;
    try {
      example = JSON.readTree(file.toFile());
    } catch (IOException e) {
      String reason =
          e instanceof JsonProcessingException j
              ? JsonErrors.reason(j, JSON.getFactory().streamReadConstraints().getMaxNestingDepth())
              : LibraryMessages.withoutPaths(e.getMessage());
      throw new KeelException(
          ErrorCode.INVALID_ARGUMENT,
          "The package's input example is not valid JSON: " + reason,
          e);
    }
    ObjectNode request = JsonNodeFactory.instance.objectNode();
    if (example != null && example.isObject()) {
      boolean hasFormat = false;
      for (String f : ScoringInput.JSON_FORMATS) {
        hasFormat |= example.has(f);
      }
      if (hasFormat) {
        return Optional.of(JSON.writeValueAsBytes(example));
      }
      if (example.has("columns") && example.has("data")) {
        request.set("dataframe_split", example); // MLflow's input_example.json, pandas split
      } else {
        request.set("inputs", example);
      }
    } else if (example != null && example.isArray()) {
      request.set("inputs", example);
    } else {
      return Optional.empty();
    }
    return Optional.of(JSON.writeValueAsBytes(request));
  }

  /** The local file of a flavor's data path. */
  static Path localFile(Path packageDir, CheckedModelPackage pkg, Flavor flavor)
      throws IOException {
    ArtifactPath data =
        pkg.dataPath(flavor)
            .orElseThrow(
                () -> KeelException.invalid("Flavor " + flavor.name() + " names no data file"));
    return local(packageDir, data);
  }

  /** Resolves a store path under the package directory, refusing anything that leads out. */
  static Path local(Path packageDir, ArtifactPath path) throws IOException {
    Path root = packageDir.toRealPath();
    Path file = root.resolve(path.value()).normalize();
    Path real = Files.exists(file) ? file.toRealPath() : file;
    if (!real.startsWith(root)) {
      throw KeelException.invalid("Model file " + path.value() + " leads out of the package");
    }
    return real;
  }
}
