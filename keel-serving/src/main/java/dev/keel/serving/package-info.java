/**
 * Model serving: runtimes for the {@code onnx} (ONNX Runtime) and {@code xgboost} (XGBoost4J)
 * flavors behind {@link dev.keel.serving.ModelRuntime}, loading with {@link
 * dev.keel.serving.ModelLoader}, MLflow's scoring formats ({@link dev.keel.serving.ScoringInput},
 * {@link dev.keel.serving.Predictions}; {@link dev.keel.serving.KeyedFrame} reads the columns of a
 * request whose input is assembled with looked-up features). The HTTP edge (endpoints' routes and
 * the standalone scoring server of {@code keel serve}) is in {@code dev.keel.serving.http}.
 */
package dev.keel.serving;
