/**
 * Model packages in MLflow's on-disk layout: a directory with an {@code MLmodel} YAML file, the
 * flavors' data files, an optional signature and input example. {@link
 * dev.keel.registry.modelpackage.ModelPackageReader} reads and checks such a directory through any
 * {@link dev.keel.tracking.artifacts.ArtifactStore}, without loading pickles or running model code:
 * ONNX files are checked structurally (protobuf wire format), XGBoost JSON files by a streaming
 * JSON parse.
 */
package dev.keel.registry.modelpackage;
