/**
 * The Unity-Catalog-style namespace {@code catalog.schema.object} and its governance. {@link
 * dev.keel.catalog.CatalogService} holds the naming rules and limits of catalogs and schemas;
 * {@link dev.keel.catalog.CatalogStore} is their storage contract, implemented on the metadata
 * database by {@link dev.keel.catalog.JdbcCatalogStore}. {@link dev.keel.catalog.GrantService}
 * holds Unity Catalog's privileges ({@link dev.keel.catalog.UcPrivilege}), ownership and
 * inheritance, answers the grants APIs and authorizes every catalog, schema, table and model route;
 * grants are stored behind {@link dev.keel.catalog.GrantStore} ({@link
 * dev.keel.catalog.JdbcGrantStore}), and lists are filtered for a {@link dev.keel.catalog.Viewer}
 * in SQL ({@link dev.keel.catalog.GrantSql}). Errors use Unity Catalog's codes ({@code NOT_FOUND},
 * {@code ALREADY_EXISTS}, {@code INVALID_ARGUMENT}, {@code FAILED_PRECONDITION}, {@code
 * PERMISSION_DENIED}).
 */
package dev.keel.catalog;
