package dev.keel.tables;

import java.time.Instant;

/**
 * Hears about table commits this server makes (see {@link TableService#addCommitListener}); other
 * servers' commits are announced through {@link TableService#subscribeToCommits}.
 */
@FunctionalInterface
public interface TableCommitListener {
  /**
   * A commit of {@code tableFullName} landed.
   *
   * @param snapshotId the snapshot it committed
   * @param committedAt the snapshot's commit time
   */
  void committed(String tableFullName, long snapshotId, Instant committedAt);
}
