package dev.keel.tables;

/**
 * The outcome of {@link TableService#expireSnapshots}.
 *
 * @param snapshotsExpired snapshots removed from the table's history
 * @param snapshotsLeft snapshots the table keeps (at least the current one)
 * @param filesDeleted data files deleted because no kept snapshot holds them any more
 */
public record ExpireResult(int snapshotsExpired, int snapshotsLeft, long filesDeleted) {}
