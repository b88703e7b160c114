package dev.keel.features.online;

import dev.keel.core.KeelException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Clock;

/** Opens the online store named by the {@code online-store} setting. */
public final class OnlineStores {
  private OnlineStores() {}

  /**
   * Opens the online store.
   *
   * @param spec {@code embedded} (or empty: the default) for {@link EmbeddedOnlineStore} in {@code
   *     dataDir}, or {@code redis://[user:password@]host:port[/db]} for {@link RedisOnlineStore}
   *     with the key prefix {@value RedisOnlineStore#DEFAULT_PREFIX}
   * @param dataDir Keel's data dir
   * @throws KeelException INVALID_ARGUMENT for a bad spec
   */
  public static OnlineStore open(String spec, Path dataDir) {
    return open(spec, dataDir, Clock.systemUTC());
  }

  /** As {@link #open(String, Path)}, with the clock for max-age checks. */
  public static OnlineStore open(String spec, Path dataDir, Clock clock) {
    String s = spec.strip();
    if (s.isEmpty() || s.equals("embedded")) {
      return EmbeddedOnlineStore.open(dataDir, clock);
    }
    if (s.startsWith("redis://") || s.startsWith("rediss://")) {
      return RedisOnlineStore.open(redisUri(s), RedisOnlineStore.DEFAULT_PREFIX, clock);
    }
    throw KeelException.invalid(
        "online-store: expected 'embedded' or 'redis://host:port[/db]', got '" + spec + "'");
  }

  /** Checks a Redis URI: host, port and an optional numeric database. */
  static URI redisUri(String spec) {
    URI uri;
    try {
      uri = new URI(spec);
    } catch (URISyntaxException e) {
      throw KeelException.invalid(
          "online-store: '" + spec + "' is not a valid URI: " + e.getReason());
    }
    if (uri.getHost() == null || uri.getPort() < 1) {
      throw KeelException.invalid(
          "online-store: '" + spec + "' needs a host and a port (redis://host:port[/db])");
    }
    String path = uri.getPath() == null ? "" : uri.getPath();
    if (!path.isEmpty() && !path.equals("/") && !path.substring(1).matches("[0-9]{1,5}")) {
      throw KeelException.invalid(
          "online-store: the path of '" + spec + "' must be a database number, like /0");
    }
    if (uri.getQuery() != null || uri.getFragment() != null) {
      throw KeelException.invalid(
          "online-store: '" + spec + "' must not have a query or a fragment");
    }
    return uri;
  }
}
