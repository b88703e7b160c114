/**
 * The audit log as an Iceberg table: {@link dev.keel.tables.audit.AuditTableExporter} appends the
 * catalog's committed audit entries to {@code system.access.audit}.
 */
package dev.keel.tables.audit;
