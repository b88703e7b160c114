/**
 * Unity Catalog REST ({@code /api/2.1/unity-catalog/...}) for catalogs and schemas: thin routes
 * over {@link dev.keel.catalog.CatalogService}, in UC's JSON shapes and error codes.
 */
package dev.keel.catalog.http;
