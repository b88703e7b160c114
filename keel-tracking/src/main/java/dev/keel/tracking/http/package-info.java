/**
 * MLflow-compatible HTTP routes for tracking ({@code /api/2.0/mlflow/...} and the {@code
 * /ajax-api/2.0/mlflow/...} mirror) and the artifact proxy ({@code /api/2.0/mlflow-artifacts}).
 */
package dev.keel.tracking.http;
