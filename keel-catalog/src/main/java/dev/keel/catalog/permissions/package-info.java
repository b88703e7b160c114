/**
 * Databricks object permissions ({@code /api/2.0/permissions/{type}/{id}}) on the securables that
 * live outside the catalog namespace: experiments (with their runs and artifacts) and serving
 * endpoints. {@link dev.keel.catalog.permissions.ObjectType} names the object types and their
 * levels, {@link dev.keel.catalog.permissions.ObjectPermissionStore} keeps owners and access
 * control lists (on the metadata database: {@link
 * dev.keel.catalog.permissions.JdbcObjectPermissionStore}, cached and invalidated across servers),
 * and {@link dev.keel.catalog.permissions.ObjectPermissions} decides what a principal may do and
 * which objects it may see.
 */
package dev.keel.catalog.permissions;
