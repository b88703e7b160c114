package dev.keel.serving;

import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.core.LibraryMessages;
import dev.keel.mlmodel.ColumnSpec;
import dev.keel.mlmodel.ColumnType;
import dev.keel.mlmodel.Flavor;
import dev.keel.mlmodel.ModelSignature;
import dev.keel.mlmodel.SchemaSpec;
import dev.keel.mlmodel.TensorSpec;
import dev.keel.registry.modelpackage.CheckedModelPackage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * The {@code xgboost} flavor through XGBoost4J: JSON ({@code model_format: json}) and UBJSON
 * ({@code ubj}) model files. The legacy binary format ({@code xgb}) is refused.
 *
 * <p>The input is one dense float matrix of the signature's columns in signature order (a
 * tensor-based signature must be one {@code [-1, features]} tensor), missing values as {@code NaN},
 * predicted with XGBoost's thread-safe in-place prediction ({@code inplace_predict}, the same trees
 * and missing-value handling as predicting a {@code DMatrix}) with {@code nthread=1}. If the model
 * file records feature names, the signature's column names must be the same, in the same order.
 * Outputs are laid out as a numpy array ({@link Predictions.Layout#ARRAY}) under the name {@code
 * predictions}: shape {@code [rows]} for one value per row (regression, binary classification),
 * {@code [rows, classes]} for {@code multi:softprob}.
 */
public final class XGBoostModelRuntime implements ModelRuntime {

  @Override
  public String flavor() {
    return Flavor.XGBOOST;
  }

  @Override
  public LoadedModel load(CheckedModelPackage pkg, Path packageDir, Flavor flavor)
      throws IOException {
    String format = flavor.string("model_format").orElse("xgb").toLowerCase(Locale.ROOT);
    if (!format.equals("json") && !format.equals("ubj")) {
      throw KeelException.invalid(
          "XGBoost model_format '"
              + format
              + "' is not served by Keel; save the model as json or ubj");
    }
    Path file = ModelLoader.localFile(packageDir, pkg, flavor);
    if (!Files.isRegularFile(file)) {
      throw KeelException.invalid(
          "XGBoost model file " + file.getFileName() + " is not a regular file");
    }
    Booster booster;
    try {
      // Loaded from bytes: XGBoost tells JSON from UBJSON by content, whatever the file name.
      booster = XGBoost.loadModel(Files.readAllBytes(file));
      dev.keel.core.NativeLibraries.forgetExtractedOnce(dev.keel.core.NativeLibraries.XGBOOST);
      booster.setParam("nthread", 1);
    } catch (XGBoostError e) {
      throw new KeelException(
          ErrorCode.INVALID_ARGUMENT,
          "XGBoost cannot load " + file.getFileName() + ": " + firstLine(e.getMessage()),
          e);
    }
    try {
      return new XGBoostModel(booster, pkg.signature());
    } catch (RuntimeException e) {
      booster.dispose();
      throw e;
    }
  }

  /**
   * The first line of XGBoost's message, for a client: without the source path it starts with
   * ({@code [12:00:00] /workspace/src/learner.cc:123: ...}); the original stays on the cause.
   */
  private static String firstLine(String s) {
    return LibraryMessages.withoutPaths(s == null ? "" : s.lines().findFirst().orElse(""));
  }

  private static final class XGBoostModel implements LoadedModel {
    private final Booster booster;
    private final ModelSignature signature;
    private final int features;

    XGBoostModel(Booster booster, Optional<ModelSignature> declared) {
      this.booster = booster;
      String[] names;
      long numFeature;
      try {
        names = booster.getFeatureNames();
        numFeature = booster.getNumFeature();
      } catch (XGBoostError e) {
        throw new KeelException(
            ErrorCode.INVALID_ARGUMENT,
            "XGBoost cannot describe the model: " + firstLine(e.getMessage()),
            e);
      }
      // XGBoost4J answers an array of nulls (or empty strings) for a model saved without names.
      List<String> modelNames =
          names == null
                  || names.length == 0
                  || Arrays.stream(names).anyMatch(n -> n == null || n.isEmpty())
              ? List.of()
              : Arrays.asList(names);
      ModelSignature sig = declared.filter(s -> !s.inputs().isEmpty()).orElse(null);
      if (sig == null) {
        List<SchemaSpec> specs = new ArrayList<>();
        for (int k = 0; k < numFeature; k++) {
          Optional<String> name =
              modelNames.size() == numFeature ? Optional.of(modelNames.get(k)) : Optional.empty();
          specs.add(new ColumnSpec(name, ColumnType.DOUBLE, true));
        }
        sig = new ModelSignature(specs, List.of(), Optional.empty());
      }
      this.signature = sig;
      if (sig.tensorInputs()) {
        if (sig.inputs().size() != 1 || ((TensorSpec) sig.inputs().get(0)).shape().size() != 2) {
          throw KeelException.invalid(
              "An XGBoost model takes one [-1, features] tensor; the signature declares "
                  + sig.inputs().size()
                  + " tensors");
        }
        long width = ((TensorSpec) sig.inputs().get(0)).shape().get(1);
        this.features = width < 0 ? (int) numFeature : (int) width;
      } else {
        this.features = sig.inputs().size();
        List<String> sigNames = new ArrayList<>();
        for (SchemaSpec s : sig.inputs()) {
          ColumnSpec c = (ColumnSpec) s;
          c.name().ifPresent(sigNames::add);
          if (c.type() == ColumnType.STRING
              || c.type() == ColumnType.BINARY
              || c.type() == ColumnType.DATETIME) {
            throw KeelException.invalid(
                "ModelSignature column '"
                    + c.name().orElse("?")
                    + "' is "
                    + c.type().wireName()
                    + "; Keel's XGBoost runtime takes numeric and boolean columns only");
          }
        }
        if (!modelNames.isEmpty() && !sigNames.isEmpty() && !modelNames.equals(sigNames)) {
          throw KeelException.invalid(
              "The XGBoost model's feature names "
                  + modelNames
                  + " differ from the signature's columns "
                  + sigNames);
        }
      }
      if (numFeature > 0 && features != numFeature) {
        throw KeelException.invalid(
            "The XGBoost model has "
                + numFeature
                + " features; the signature has "
                + features
                + " inputs");
      }
    }

    @Override
    public String flavor() {
      return Flavor.XGBOOST;
    }

    @Override
    public ModelSignature signature() {
      return signature;
    }

    @Override
    public Predictions predict(InputBatch batch) {
      int rows = batch.rows();
      float[] data = new float[Math.multiplyExact(rows, features)];
      if (batch.tensorBased()) {
        InputColumn t = batch.columns().get(0);
        if (t.width() != features) {
          throw KeelException.invalid(
              "Tensor '"
                  + t.name()
                  + "' has "
                  + t.width()
                  + " values per row; the model takes "
                  + features);
        }
        if (t.strings != null) {
          throw KeelException.invalid(
              "Tensor '" + t.name() + "' holds strings; the model takes numbers");
        }
        for (int i = 0; i < data.length; i++) {
          data[i] = (float) t.doubleAt(i);
        }
      } else {
        List<InputColumn> cols = batch.columns();
        if (cols.size() != features) {
          throw KeelException.invalid(
              "The batch has " + cols.size() + " columns; the model takes " + features);
        }
        for (int c = 0; c < features; c++) {
          InputColumn col = cols.get(c);
          double[] d = col.doubles;
          if (d != null) {
            for (int r = 0; r < rows; r++) {
              data[r * features + c] = (float) d[r];
            }
          } else {
            for (int r = 0; r < rows; r++) {
              data[r * features + c] = (float) col.doubleAt(r);
            }
          }
        }
      }
      float[][] out;
      try {
        out = booster.inplace_predict(data, rows, features, Float.NaN);
      } catch (XGBoostError e) {
        throw new KeelException(
            ErrorCode.INVALID_ARGUMENT,
            "XGBoost failed on this input: " + firstLine(e.getMessage()),
            e);
      }
      int width = out.length == 0 ? 1 : out[0].length;
      double[] flat = new double[rows * width];
      for (int r = 0; r < rows; r++) {
        for (int k = 0; k < width; k++) {
          flat[r * width + k] = out[r][k];
        }
      }
      long[] shape = width == 1 ? new long[] {rows} : new long[] {rows, width};
      return new Predictions(
          Predictions.Layout.ARRAY,
          List.of(OutputTensor.owning("predictions", shape, flat, null, null)));
    }

    @Override
    public void close() {
      booster.dispose();
    }
  }
}
