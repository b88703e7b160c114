package dev.keel.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens on one PostgreSQL channel over a dedicated connection ({@code LISTEN}), on a daemon
 * thread; reconnects with back-off when the connection drops and tells the listener then, since
 * announcements may have been missed meanwhile.
 */
final class PostgresListener implements Subscription {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresListener.class);
  private static final int POLL_MILLIS = 500;

  private final String url;
  private final String channel;
  private final Runnable listener;
  private volatile boolean live;
  private volatile boolean closed;
  private volatile Connection connection;

  private PostgresListener(String url, String channel, Runnable listener) {
    this.url = url;
    this.channel = channel;
    this.listener = listener;
  }

  static PostgresListener start(String url, String channel, Runnable listener) {
    PostgresListener l = new PostgresListener(url, channel, listener);
    Thread t = new Thread(l::run, "keel-listen-" + channel);
    t.setDaemon(true);
    t.start();
    return l;
  }

  private void run() {
    long backoff = 100;
    while (!closed) {
      try (Connection c = DriverManager.getConnection(url)) {
        connection = c;
        try (Statement st = c.createStatement()) {
          st.execute("LISTEN " + channel);
        }
        live = true;
        backoff = 100;
        listener.run(); // whatever changed while we were not listening
        PGConnection pg = c.unwrap(PGConnection.class);
        while (!closed) {
          PGNotification[] n = pg.getNotifications(POLL_MILLIS);
          if (n != null && n.length > 0) {
            listener.run();
          }
        }
      } catch (SQLException | RuntimeException e) {
        if (!closed) {
          LOG.warn("listening on '{}' failed, retrying: {}", channel, e.getMessage());
        }
      } finally {
        live = false;
        connection = null;
      }
      if (!closed) {
        listener.run();
        sleep(backoff);
        backoff = Math.min(backoff * 2, 5_000);
      }
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public boolean live() {
    return live && !closed;
  }

  @Override
  public void close() {
    closed = true;
    Connection c = connection;
    if (c != null) {
      try {
        c.close();
      } catch (SQLException e) {
        // closing anyway
      }
    }
  }
}
