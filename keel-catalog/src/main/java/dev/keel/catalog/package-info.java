/**
 * The Unity-Catalog-style namespace {@code catalog.schema.object}: catalogs and schemas today;
 * securables, principals, grants, audit log and lineage as governance lands. {@link
 * dev.keel.catalog.CatalogService} holds the naming rules and limits; {@link
 * dev.keel.catalog.CatalogStore} is the storage contract, implemented on the metadata database by
 * {@link dev.keel.catalog.JdbcCatalogStore}. Errors use Unity Catalog's codes ({@code NOT_FOUND},
 * {@code ALREADY_EXISTS}, {@code INVALID_ARGUMENT}, {@code FAILED_PRECONDITION}).
 */
package dev.keel.catalog;
