/**
 * The audit log: one {@link dev.keel.catalog.audit.AuditEntry} per authenticated or denied request
 * (who, which action on which securable, with which privilege, the result and status, from where),
 * queued by the request thread and written in batches by {@link dev.keel.catalog.audit.AuditLog}'s
 * single writer into the metadata database ({@link dev.keel.catalog.audit.AuditStore}), queried
 * newest first with filters, and pruned after {@code audit.retention-days}. Entries are numbered in
 * commit order ({@link dev.keel.catalog.audit.SequencedEntry}) and {@link
 * dev.keel.catalog.audit.AuditSink}s are told of each commit: how the server feeds the {@code
 * system.access.audit} table without this package depending on tables. Request bodies, query
 * strings and credentials are never part of an entry.
 */
package dev.keel.catalog.audit;
