/**
 * The registry's checks of model packages in MLflow's on-disk layout (the format itself, {@code
 * MLmodel}, flavors and signatures, is {@code dev.keel.mlmodel}). {@link
 * dev.keel.registry.modelpackage.ModelPackageReader} reads and checks such a directory through any
 * {@link dev.keel.tracking.artifacts.ArtifactStore}, without loading pickles or running model code:
 * ONNX files are checked structurally (protobuf wire format), XGBoost JSON files by a streaming
 * JSON parse.
 */
package dev.keel.registry.modelpackage;
