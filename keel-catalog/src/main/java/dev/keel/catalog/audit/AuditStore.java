package dev.keel.catalog.audit;

import java.util.List;

/**
 * Storage of the audit log. Entries are only appended and, past their retention, deleted; never
 * changed. Thread-safe.
 */
public interface AuditStore {
  /**
   * Stores {@code entries} in one transaction (all or none), numbering them in order after every
   * entry committed before, and returns the last number given (for no entries, {@link
   * #lastSequence}). Numbers commit in order: once number N is visible, so is every number below it
   * that was ever given (and not deleted since).
   */
  long append(List<AuditEntry> entries);

  /** The last sequence number given (0 before the first entry). */
  long lastSequence();

  /** Up to {@code limit} entries numbered after {@code sequence}, in number order. */
  List<SequencedEntry> after(long sequence, int limit);

  /** Up to {@code query.limit()} entries matching {@code query}, newest first. */
  List<AuditEntry> find(AuditQuery query);

  /**
   * Deletes up to {@code limit} entries older than {@code before} (ms since the epoch), in one
   * transaction, and returns how many it deleted: call again while it returns {@code limit}.
   */
  int deleteBefore(long before, int limit);
}
