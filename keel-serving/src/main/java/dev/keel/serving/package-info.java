/**
 * Model serving: runtimes for the {@code onnx} (ONNX Runtime) and {@code xgboost} (XGBoost4J)
 * flavors behind {@link dev.keel.serving.ModelRuntime}, loading with {@link
 * dev.keel.serving.ModelLoader}, MLflow's scoring formats ({@link dev.keel.serving.ScoringInput},
 * {@link dev.keel.serving.Predictions}) and the standalone scoring server ({@link
 * dev.keel.serving.ScoringServer}).
 */
package dev.keel.serving;
