/**
 * The MLflow model format, in one copy used by the registry, serving and the Java SDK: the {@code
 * MLmodel} file ({@link dev.keel.mlmodel.MLmodel}, read by {@link dev.keel.mlmodel.MLmodelReader}),
 * flavors ({@link dev.keel.mlmodel.Flavor}), signatures ({@link dev.keel.mlmodel.ModelSignature} of
 * {@link dev.keel.mlmodel.ColumnSpec} or {@link dev.keel.mlmodel.TensorSpec} entries), input
 * examples ({@link dev.keel.mlmodel.InputExample}) and the package writer ({@link
 * dev.keel.mlmodel.ModelPackage}, which writes MLflow 2.17's directory layout with PyYAML- and
 * {@code json.dumps}-compatible text).
 *
 * <p>Nothing here opens a model's data file beyond a structural check of an XGBoost file given to
 * the writer, runs model code or loads pickles. Checks that need the package's storage (data files
 * exist, ONNX protobuf structure) belong to the registry.
 */
package dev.keel.mlmodel;
