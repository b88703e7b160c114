/**
 * The model registry: registered models and their versions under three-level names ({@code
 * catalog.schema.model}), aliases such as {@code champion} and {@code challenger} with their move
 * history, model packages in MLflow's MLmodel layout, and lineage from versions to runs and
 * datasets. Served through both the Unity Catalog and the MLflow registry REST APIs.
 */
package dev.keel.registry;
