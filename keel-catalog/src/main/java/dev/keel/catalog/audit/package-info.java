/**
 * The audit log: one {@link dev.keel.catalog.audit.AuditEntry} per authenticated or denied request
 * (who, which action on which securable, with which privilege, the result and status, from where),
 * queued by the request thread and written in batches by {@link dev.keel.catalog.audit.AuditLog}'s
 * single writer into the metadata database ({@link dev.keel.catalog.audit.AuditStore}), queried
 * newest first with filters, and pruned after {@code audit.retention-days}. Request bodies, query
 * strings and credentials are never part of an entry.
 */
package dev.keel.catalog.audit;
