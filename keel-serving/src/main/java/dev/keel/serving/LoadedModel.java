package dev.keel.serving;

import dev.keel.mlmodel.ModelSignature;

/**
 * A model loaded by a {@link ModelRuntime}, ready to predict. {@link #predict} is thread-safe;
 * {@link #close} frees the native resources and must not overlap running predictions.
 */
public interface LoadedModel extends AutoCloseable {

  /** The flavor that was loaded ({@code onnx} or {@code xgboost}). */
  String flavor();

  /**
   * The signature requests are parsed against: the package's, or, if it declares none, one derived
   * from the model (ONNX input tensors; XGBoost feature names or count).
   */
  ModelSignature signature();

  /**
   * Predicts a batch parsed against {@link #signature()}.
   *
   * @throws dev.keel.core.KeelException INVALID_ARGUMENT if the batch does not fit the model, or
   *     the runtime refuses it
   */
  Predictions predict(InputBatch batch);

  /** Frees the model's native resources. */
  @Override
  void close();
}
