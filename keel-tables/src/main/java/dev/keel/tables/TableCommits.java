package dev.keel.tables;

import dev.keel.store.Database;
import dev.keel.store.Dialect;
import dev.keel.store.Subscription;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns what happens after a table commit: this server's {@link TableCommitListener}s are called,
 * and other servers sharing PostgreSQL are told on {@link #CHANNEL} (one small transaction per
 * commit; nothing on SQLite, which one server owns). The commit itself is durable in Iceberg's
 * metadata, so a listener that missed it (the server was down) reads it from the table's current
 * snapshot.
 */
final class TableCommits {
  private static final Logger LOG = LoggerFactory.getLogger(TableCommits.class);

  /** The announcement channel of table commits. */
  static final String CHANNEL = "keel_table_commits";

  private final Database db;
  private final List<TableCommitListener> listeners = new CopyOnWriteArrayList<>();

  TableCommits(Database db) {
    this.db = db;
  }

  void add(TableCommitListener l) {
    listeners.add(l);
  }

  Subscription subscribe(Runnable onRemoteCommit) {
    return db.subscribe(CHANNEL, onRemoteCommit);
  }

  /** Called once a commit of {@code fullName} landed; never fails the write that committed. */
  void committed(String fullName, long snapshotId, Instant at) {
    for (TableCommitListener l : listeners) {
      try {
        l.committed(fullName, snapshotId, at);
      } catch (RuntimeException e) {
        LOG.warn("table commit listener failed for {}: {}", fullName, e.toString());
      }
    }
    if (db.dialect() == Dialect.POSTGRESQL) {
      try {
        db.write(
            h -> {
              db.announce(h, CHANNEL);
              return null;
            });
      } catch (RuntimeException e) {
        LOG.warn("could not announce the commit of {}: {}", fullName, e.toString());
      }
    }
  }
}
