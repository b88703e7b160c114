/**
 * HTTP routes of the model registry: MLflow's registry REST ({@code /api/2.0/mlflow/registered-
 * models/...}, {@code /model-versions/...}) and Unity Catalog's models REST ({@code
 * /api/2.1/unity-catalog/models/...}), both over one {@link dev.keel.registry.RegistryService}.
 */
package dev.keel.registry.http;
