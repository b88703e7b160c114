package dev.keel.catalog.audit;

import java.util.Objects;

/**
 * An audit entry with its sequence number: its place in the order entries were committed (see
 * {@link AuditStore#append}), by which a reader that exports the log resumes where it stopped.
 *
 * @param sequence the entry's number, from 1, never reused
 * @param entry the entry
 */
public record SequencedEntry(long sequence, AuditEntry entry) {
  public SequencedEntry {
    Objects.requireNonNull(entry, "entry");
    if (sequence < 1) {
      throw new IllegalArgumentException("sequence must be positive");
    }
  }
}
