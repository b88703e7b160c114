/**
 * The audit log at the HTTP edge: the request listener that turns every answered request into an
 * audit entry (with its action name, see {@link dev.keel.catalog.audit.http.AuditActions}), and the
 * administrators' query route {@code GET /api/2.0/keel/audit}.
 */
package dev.keel.catalog.audit.http;
