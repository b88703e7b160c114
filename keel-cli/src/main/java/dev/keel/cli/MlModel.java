package dev.keel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.keel.client.ClientConfig;
import dev.keel.client.ModelVersion;
import dev.keel.client.ModelVersionStatus;
import dev.keel.core.KeelException;
import dev.keel.mlmodel.ColumnSpec;
import dev.keel.mlmodel.ColumnType;
import dev.keel.mlmodel.MLmodel;
import dev.keel.mlmodel.SchemaSpec;
import dev.keel.serving.InputBatch;
import dev.keel.serving.InputColumn;
import dev.keel.serving.LoadedModel;
import dev.keel.serving.ModelLoader;
import dev.keel.serving.OutputTensor;
import dev.keel.serving.Predictions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A registered model version loaded in this process with the runtimes Keel serves with ({@link
 * ModelLoader}: ONNX Runtime, XGBoost4J), scoring rows of numeric features into one number per row:
 * the prediction of a regressor, class 1's probability of a binary classifier.
 *
 * <p>The version's files are downloaded through the artifact API with the caller's token (so the
 * caller needs READ on the model), into a scratch folder deleted on {@link #close}. Features are
 * the signature's input columns (XGBoost, column-based ONNX models), or, for a Tribuo ONNX export
 * (one input tensor {@code [-1, F]}), the names its {@code tribuo_features} metadata lists.
 * Outputs: a single value per row (XGBoost's {@code predictions}, or an ONNX output of width 1),
 * or, for a Tribuo classifier, the column of its {@code output} tensor that {@code tribuo_outputs}
 * names {@code 1}.
 */
final class MlModel implements AutoCloseable {
  private static final String POSITIVE_LABEL = "1";

  private final ModelVersion version;
  private final Path dir;
  private final LoadedModel model;
  private final List<String> features;
  private final String tensorInput; // the single input tensor of a Tribuo export, else null
  private final int positiveColumn; // the output column of class 1 (Tribuo), else -1

  private MlModel(
      ModelVersion version,
      Path dir,
      LoadedModel model,
      List<String> features,
      String tensorInput,
      int positiveColumn) {
    this.version = version;
    this.dir = dir;
    this.model = model;
    this.features = List.copyOf(features);
    this.tensorInput = tensorInput;
    this.positiveColumn = positiveColumn;
  }

  /**
   * Downloads and loads a READY version.
   *
   * @throws KeelException INVALID_ARGUMENT if the version is not READY, cannot be loaded, or does
   *     not take named numeric features
   */
  static MlModel open(ClientConfig config, ModelVersion version, Map<String, String> env)
      throws IOException {
    if (version.status() != ModelVersionStatus.READY) {
      throw KeelException.invalid(
          version.modelFullName()
              + " version "
              + version.version()
              + " is "
              + version.status()
              + ", not READY");
    }
    Path dir = ServeScratch.create(ServeScratch.root(env));
    try {
      ServeCommand.download(
          config.url(), config.token(), ServeCommand.proxyPath(version.storageLocation()), dir);
      LoadedModel loaded = new ModelLoader().load(dir);
      try {
        return describe(version, dir, loaded);
      } catch (RuntimeException e) {
        loaded.close();
        throw e;
      }
    } catch (IOException | RuntimeException e) {
      ServeCommand.deleteTree(dir);
      throw e;
    }
  }

  private static MlModel describe(ModelVersion version, Path dir, LoadedModel loaded)
      throws IOException {
    String what = version.modelFullName() + " version " + version.version();
    List<SchemaSpec> inputs = loaded.signature().inputs();
    if (loaded.signature().columnInputs()) {
      List<String> names = new ArrayList<>();
      for (SchemaSpec s : inputs) {
        ColumnSpec c = (ColumnSpec) s;
        if (c.name().isEmpty()
            || !(c.type() == ColumnType.DOUBLE || c.type() == ColumnType.FLOAT)) {
          throw KeelException.invalid(
              what + ": every input must be a named float or double column to score table rows");
        }
        names.add(c.name().get());
      }
      return new MlModel(version, dir, loaded, names, null, -1);
    }
    JsonNode meta = metadata(dir);
    String featureList = meta.path("tribuo_features").asText("");
    if (inputs.size() != 1 || inputs.get(0).name().isEmpty() || featureList.isEmpty()) {
      throw KeelException.invalid(
          what
              + ": a tensor model is scored from table rows only when it is a Tribuo export (one"
              + " input tensor and tribuo_features metadata)");
    }
    List<String> outputs = Arrays.asList(meta.path("tribuo_outputs").asText("").split(","));
    return new MlModel(
        version,
        dir,
        loaded,
        Arrays.asList(featureList.split(",")),
        inputs.get(0).name().get(),
        outputs.indexOf(POSITIVE_LABEL));
  }

  /** The MLmodel's {@code metadata} block (empty if none). */
  private static JsonNode metadata(Path dir) throws IOException {
    JsonNode root = new YAMLMapper().readTree(Files.readAllBytes(dir.resolve(MLmodel.FILE_NAME)));
    return root == null ? new YAMLMapper().createObjectNode() : root.path("metadata");
  }

  /** The version loaded. */
  ModelVersion version() {
    return version;
  }

  /** The feature columns each row must give, in the order {@link #score} takes them. */
  List<String> features() {
    return features;
  }

  /**
   * One score per row of feature values (in {@link #features()} order; {@code NaN} for missing).
   */
  double[] score(double[][] rows) {
    int n = rows.length;
    int f = features.size();
    InputBatch batch;
    if (tensorInput != null) {
      double[] flat = new double[n * f];
      for (int r = 0; r < n; r++) {
        for (int c = 0; c < f; c++) {
          double v = rows[r][c];
          flat[r * f + c] = Double.isNaN(v) ? 0 : v; // Tribuo's sparse default
        }
      }
      batch =
          new InputBatch(
              n,
              List.of(
                  InputColumn.ofDoubles(tensorInput, ColumnType.FLOAT, new long[] {n, f}, flat)),
              true);
    } else {
      List<InputColumn> cols = new ArrayList<>(f);
      for (int c = 0; c < f; c++) {
        double[] v = new double[n];
        for (int r = 0; r < n; r++) {
          v[r] = rows[r][c];
        }
        cols.add(InputColumn.ofDoubles(features.get(c), ColumnType.DOUBLE, v));
      }
      batch = new InputBatch(n, cols, false);
    }
    Predictions p = model.predict(batch);
    OutputTensor out = p.outputs().get(0);
    double[] scores = new double[n];
    int width = out.width();
    int column;
    if (width == 1) {
      column = 0;
    } else if (positiveColumn >= 0) {
      column = positiveColumn;
    } else {
      throw KeelException.invalid(
          "output '"
              + out.name()
              + "' has "
              + width
              + " values per row and no column for class "
              + POSITIVE_LABEL
              + "; only regressors and binary classifiers are scored");
    }
    for (int r = 0; r < n; r++) {
      scores[r] = out.doubleAt(r * width + column);
    }
    return scores;
  }

  @Override
  public void close() {
    try {
      model.close();
    } finally {
      ServeCommand.deleteTree(dir);
    }
  }
}
