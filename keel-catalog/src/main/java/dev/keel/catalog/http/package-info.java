/**
 * Unity Catalog REST ({@code /api/2.1/unity-catalog/...}) for catalogs and schemas: thin routes
 * over {@link dev.keel.catalog.CatalogService}, in UC's JSON shapes and error codes; and the
 * lineage API ({@code /api/2.0/lineage-tracking/...}) over {@link
 * dev.keel.catalog.lineage.LineageService}, in Databricks' shapes.
 */
package dev.keel.catalog.http;
