package dev.keel.client;

/**
 * What {@link TablesClient#expireSnapshots} did.
 *
 * @param snapshotsExpired snapshots removed from the table's history
 * @param snapshotsLeft snapshots the table keeps (at least the current one)
 * @param filesDeleted data files deleted because no kept snapshot holds them
 */
public record ExpireResult(int snapshotsExpired, int snapshotsLeft, long filesDeleted) {}
