package dev.keel.core;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.Optional;
import java.util.Set;

/**
 * The one place that decides whether a failure means a service Keel depends on (the metadata
 * database, Redis) is down or unreachable, rather than a bug: such failures are answered with
 * {@link ErrorCode#TEMPORARILY_UNAVAILABLE} (503) and a retry may succeed.
 *
 * <p>Recognised anywhere in the cause chain: JDBC connection failures (SQLState class {@code 08},
 * the connection exception types, a pool that timed out waiting for a connection), PostgreSQL's
 * {@code 57P01}-{@code 57P03} (the server is shutting down, crashed or starting), refused or timed
 * out sockets, and Jedis' connection failures (matched by name: keel-core does not depend on it).
 */
public final class Outages {
  private static final Set<String> UNAVAILABLE_SQL_STATES = Set.of("57P01", "57P02", "57P03");
  private static final Set<String> CONNECTION_EXCEPTIONS =
      Set.of(
          "redis.clients.jedis.exceptions.JedisConnectionException",
          "redis.clients.jedis.exceptions.JedisClusterOperationException");

  private Outages() {}

  /** True when {@code e} (or a cause) says a service is down or unreachable. */
  public static boolean isOutage(Throwable e) {
    return brokenConnection(e).isPresent();
  }

  /** The failure in the chain of {@code e} that says a service is down, if any. */
  public static Optional<Throwable> brokenConnection(Throwable e) {
    int depth = 0;
    for (Throwable t = e; t != null && depth < 32; t = t.getCause(), depth++) {
      if (t instanceof KeelException k) {
        if (k.code() == ErrorCode.TEMPORARILY_UNAVAILABLE) {
          return Optional.of(t);
        }
        continue;
      }
      if (t instanceof SQLTransientConnectionException
          || t instanceof SQLNonTransientConnectionException
          || t instanceof ConnectException
          || t instanceof NoRouteToHostException
          || t instanceof SocketTimeoutException
          || CONNECTION_EXCEPTIONS.contains(t.getClass().getName())) {
        return Optional.of(t);
      }
      if (t instanceof SQLException s && isUnavailableState(s.getSQLState())) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  /** True for SQLStates that mean the connection or the server is gone. */
  public static boolean isUnavailableState(String sqlState) {
    return sqlState != null
        && (sqlState.startsWith("08") || UNAVAILABLE_SQL_STATES.contains(sqlState));
  }

  /** What is down, for messages: {@code online store (Redis)} or {@code metadata database}. */
  public static String service(Throwable outage) {
    return outage.getClass().getName().startsWith("redis.")
        ? "online store (Redis)"
        : "metadata database";
  }

  /**
   * A {@link ErrorCode#TEMPORARILY_UNAVAILABLE} exception for {@code e}, naming the service, with
   * {@code e} as cause: the message says what is down, not the driver's text.
   */
  public static KeelException unavailable(String service, Throwable e) {
    return new KeelException(
        ErrorCode.TEMPORARILY_UNAVAILABLE, "The " + service + " is unavailable; retry later.", e);
  }
}
