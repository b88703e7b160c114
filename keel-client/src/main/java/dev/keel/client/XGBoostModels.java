package dev.keel.client;

import dev.keel.mlmodel.ColumnType;
import dev.keel.mlmodel.ModelPackage;
import dev.keel.mlmodel.ModelSignature;
import dev.keel.mlmodel.XGBoostFormat;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * Builds a {@link ModelPackage} from an XGBoost4J {@link Booster}. Needs {@code
 * ml.dmlc:xgboost4j_2.12} on the class path (an optional dependency of keel-client; it also needs
 * {@code jackson-databind}, which keel-client brings, and the native {@code libgomp}).
 *
 * <pre>{@code
 * Booster booster = XGBoost.train(train, params, 50, Map.of(), null, null);
 * ModelPackage pkg = XGBoostModels.of(booster, XGBoostFormat.UBJ)
 *     .withSignature(XGBoostModels.signature(booster, ColumnType.DOUBLE));
 * }</pre>
 */
public final class XGBoostModels {
  private XGBoostModels() {}

  /**
   * The booster saved in {@code format}; {@code xgb_version} is the XGBoost4J version on the class
   * path (the native library's version).
   *
   * @throws KeelClientException {@code IO_ERROR} if XGBoost cannot serialize the booster
   */
  public static ModelPackage of(Booster booster, XGBoostFormat format) {
    Objects.requireNonNull(booster, "booster");
    Objects.requireNonNull(format, "format");
    byte[] bytes;
    try {
      bytes = booster.toByteArray(format.wireName());
    } catch (XGBoostError e) {
      throw KeelClientException.local(
          KeelClientException.IO_ERROR, "XGBoost cannot save the booster: " + e.getMessage(), e);
    }
    return ModelPackage.xgboost(bytes, format, format == XGBoostFormat.JSON ? "" : version());
  }

  /**
   * A column-based signature from the booster's feature names (set on its training {@code
   * DMatrix}), every input of type {@code inputType}, and one {@code double} output column named
   * {@code prediction}.
   *
   * @throws IllegalArgumentException if the booster has no feature names
   */
  public static ModelSignature signature(Booster booster, ColumnType inputType) {
    String[] names;
    try {
      names = booster.getFeatureNames();
    } catch (XGBoostError e) {
      throw KeelClientException.local(
          KeelClientException.IO_ERROR, "XGBoost cannot read feature names: " + e.getMessage(), e);
    }
    if (names == null || names.length == 0) {
      throw new IllegalArgumentException(
          "booster feature names: the booster has none; set them on the training DMatrix"
              + " (setFeatureNames) or build the signature yourself");
    }
    List<String> list = new ArrayList<>(List.of(names));
    ModelSignature.Builder b = ModelSignature.builder();
    list.forEach(n -> b.inputColumn(n, inputType));
    return b.outputColumn("prediction", ColumnType.DOUBLE).build();
  }

  /** The version of the XGBoost4J jar on the class path (its Maven {@code pom.properties}). */
  static String version() {
    String resource = "/META-INF/maven/ml.dmlc/xgboost4j_2.12/pom.properties";
    try (InputStream in = Booster.class.getResourceAsStream(resource)) {
      if (in != null) {
        Properties p = new Properties();
        p.load(in);
        String v = p.getProperty("version", "");
        if (!v.isEmpty()) {
          return v;
        }
      }
    } catch (IOException e) {
      // fall through to the JSON model's own version
    }
    throw KeelClientException.local(
        KeelClientException.IO_ERROR,
        "cannot tell the XGBoost4J version (no " + resource + "); save the booster as JSON");
  }
}
