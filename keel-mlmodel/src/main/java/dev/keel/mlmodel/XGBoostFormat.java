package dev.keel.mlmodel;

import java.util.Locale;

/** The file formats of an XGBoost model, as MLflow's {@code model_format} names them. */
public enum XGBoostFormat {
  /** XGBoost's JSON model ({@code model.json}). */
  JSON,
  /** Universal Binary JSON ({@code model.ubj}), XGBoost's default binary format since 2.1. */
  UBJ,
  /** The legacy binary format ({@code model.xgb}), MLflow's default name. */
  XGB;

  /** The {@code model_format} value and file extension: {@code json}, {@code ubj}, {@code xgb}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The data file name MLflow uses, {@code model.<format>}. */
  public String fileName() {
    return "model." + wireName();
  }
}
