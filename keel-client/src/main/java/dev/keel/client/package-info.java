/**
 * Typed Java SDK for Keel's HTTP APIs. {@link dev.keel.client.KeelClient} speaks the MLflow
 * tracking REST protocol ({@code /api/2.0/mlflow/...}) and the artifact proxy ({@code
 * /api/2.0/mlflow-artifacts/...}) that a Keel server (or an MLflow tracking server) serves, and the
 * catalogs and schemas of Unity Catalog REST ({@code /api/2.1/unity-catalog/...}), and maps its
 * JSON to the records of this package. Failures are {@link dev.keel.client.KeelClientException}s
 * carrying the wire {@code error_code}, the HTTP status and the server's message. {@link
 * dev.keel.client.KeelJson} converts the records back to the wire JSON (used by the CLI's {@code
 * --output json}). Models are logged as {@link dev.keel.mlmodel.ModelPackage}s (keel-mlmodel: the
 * MLflow format, signatures, input examples); Tribuo and XGBoost4J boosters become packages through
 * {@link dev.keel.client.TribuoModels} and {@link dev.keel.client.XGBoostModels}, whose libraries
 * are optional dependencies.
 */
package dev.keel.client;
