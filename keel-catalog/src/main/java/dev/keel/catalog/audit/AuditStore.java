package dev.keel.catalog.audit;

import java.util.List;

/**
 * Storage of the audit log. Entries are only appended and, past their retention, deleted; never
 * changed. Thread-safe.
 */
public interface AuditStore {
  /** Stores {@code entries} in one transaction (all or none). */
  void append(List<AuditEntry> entries);

  /** Up to {@code query.limit()} entries matching {@code query}, newest first. */
  List<AuditEntry> find(AuditQuery query);

  /**
   * Deletes up to {@code limit} entries older than {@code before} (ms since the epoch), in one
   * transaction, and returns how many it deleted: call again while it returns {@code limit}.
   */
  int deleteBefore(long before, int limit);
}
