/**
 * HTTP routes for lakehouse tables: Unity Catalog's tables API and Keel's row, file, preview,
 * history and count extensions.
 */
package dev.keel.tables.http;
