package dev.keel.mlmodel;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One flavor of a model package: an entry of the MLmodel {@code flavors} mapping.
 *
 * @param name the flavor name, such as {@code onnx}, {@code xgboost}, {@code python_function}
 * @param config the flavor's configuration as written in the MLmodel file (YAML null values
 *     dropped; nested maps and lists are immutable; scalars are {@code String}, {@code Boolean} or
 *     {@code Number})
 */
public record Flavor(String name, Map<String, Object> config) {

  /** Name of the ONNX flavor. */
  public static final String ONNX = "onnx";

  /** Name of the XGBoost flavor. */
  public static final String XGBOOST = "xgboost";

  /** Name of MLflow's generic Python flavor. */
  public static final String PYTHON_FUNCTION = "python_function";

  /** {@code python_function} loader modules that wrap a flavor Keel can serve. */
  public static final Set<String> SERVABLE_LOADER_MODULES = Set.of("mlflow.onnx", "mlflow.xgboost");

  /**
   * Flavors whose model files are Python pickles (or otherwise run code when loaded); Keel never
   * loads them. {@code python_function} counts as one unless its {@code loader_module} is one of
   * {@link #SERVABLE_LOADER_MODULES}.
   */
  public static final Set<String> PICKLE_BASED =
      Set.of(
          "sklearn",
          "pytorch",
          "keras",
          "lightgbm",
          "pmdarima",
          "statsmodels",
          "fastai",
          "shap",
          "diviner",
          "langchain");

  /** Checks for nulls and copies the config. */
  public Flavor {
    Objects.requireNonNull(name, "name");
    config = Collections.unmodifiableMap(new LinkedHashMap<>(config));
  }

  /**
   * The data file (or directory) the flavor names under {@code data} (for {@code python_function}
   * also {@code model_path}), relative to the package directory as written; empty if it names none.
   */
  public Optional<String> data() {
    Optional<String> data = string("data");
    if (data.isEmpty() && name.equals(PYTHON_FUNCTION)) {
      return string("model_path");
    }
    return data;
  }

  /** The config key {@link #data()} comes from: {@code data} or {@code model_path}. */
  public String dataKey() {
    return config.get("data") == null && name.equals(PYTHON_FUNCTION) ? "model_path" : "data";
  }

  /** Whether Keel can serve this flavor itself ({@code onnx} or {@code xgboost}). */
  public boolean servable() {
    return name.equals(ONNX) || name.equals(XGBOOST);
  }

  /**
   * Whether this flavor's model would be loaded from a pickle or by running Python code: a flavor
   * in {@link #PICKLE_BASED}, or a {@code python_function} flavor whose {@code loader_module} is
   * not {@code mlflow.onnx} or {@code mlflow.xgboost}.
   */
  public boolean pickleBased() {
    if (name.equals(PYTHON_FUNCTION)) {
      return !(config.get("loader_module") instanceof String module
          && SERVABLE_LOADER_MODULES.contains(module));
    }
    return PICKLE_BASED.contains(name);
  }

  /** A string value of the config, if the key holds a scalar. */
  public Optional<String> string(String key) {
    Object v = config.get(key);
    return v == null || v instanceof Map || v instanceof List
        ? Optional.empty()
        : Optional.of(v.toString());
  }
}
