package dev.keel.store;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Which external services (PostgreSQL, Redis) the tests may use, and whether a test that needs one
 * may skip without it.
 *
 * <p>A service is named by an environment variable ({@code KEEL_TEST_POSTGRES_URL}, {@code
 * KEEL_TEST_REDIS_URL}). Unset, its tests skip, unless the run requires services (system property
 * {@value #REQUIRE_PROPERTY}{@code =true} or environment variable {@value #REQUIRE_ENV}{@code
 * =true}, which CI sets): then asking for its URL throws, so the test fails instead of skipping.
 * Set but unreachable (nothing accepts a TCP connection at its host and port), asking for its URL
 * always throws: a configured service that is down is a broken setup, never a skip.
 */
public final class TestServices {
  /** The system property that makes missing services fail the tests. */
  public static final String REQUIRE_PROPERTY = "keel.test.require-services";

  /** The environment variable that makes missing services fail the tests. */
  public static final String REQUIRE_ENV = "KEEL_TEST_REQUIRE_SERVICES";

  private static final Map<String, String> UNREACHABLE = new ConcurrentHashMap<>();

  private TestServices() {}

  /** The PostgreSQL JDBC URL from {@code KEEL_TEST_POSTGRES_URL}; see the class comment. */
  public static Optional<String> postgresUrl() {
    return url(System.getenv(), requiredByRun(), "KEEL_TEST_POSTGRES_URL", TestServices::probe);
  }

  /** The Redis URL from {@code KEEL_TEST_REDIS_URL}; see the class comment. */
  public static Optional<String> redisUrl() {
    return url(System.getenv(), requiredByRun(), "KEEL_TEST_REDIS_URL", TestServices::probe);
  }

  /** True when this run must not skip tests for want of a service. */
  public static boolean requiredByRun() {
    return Boolean.parseBoolean(System.getProperty(REQUIRE_PROPERTY, "false"))
        || Boolean.parseBoolean(System.getenv().getOrDefault(REQUIRE_ENV, "false"));
  }

  /**
   * The URL in {@code env} under {@code variable}: empty when unset and not {@code required};
   * throws when unset and {@code required}, or when {@code probe} says it is unreachable (an error
   * text).
   */
  static Optional<String> url(
      Map<String, String> env,
      boolean required,
      String variable,
      Function<String, Optional<String>> probe) {
    String url = env.get(variable);
    if (url == null || url.isBlank()) {
      if (required) {
        throw new IllegalStateException(
            variable
                + " is not set, but this run requires its service ("
                + REQUIRE_PROPERTY
                + "=true): set it instead of skipping the tests that need it");
      }
      return Optional.empty();
    }
    String u = url.trim();
    String error = UNREACHABLE.computeIfAbsent(u, k -> probe.apply(k).orElse(""));
    if (!error.isEmpty()) {
      throw new IllegalStateException(variable + " is set but its service is down: " + error);
    }
    return Optional.of(u);
  }

  /** Tries a TCP connection to the host and port of {@code url}; the error, if any. */
  static Optional<String> probe(String url) {
    URI uri = URI.create(url.startsWith("jdbc:") ? url.substring(5) : url);
    String host = uri.getHost() == null ? "127.0.0.1" : uri.getHost();
    int port = uri.getPort();
    if (port < 0) {
      port = "redis".equals(uri.getScheme()) || "rediss".equals(uri.getScheme()) ? 6379 : 5432;
    }
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 2_000);
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of("cannot connect to " + host + ":" + port + ": " + e);
    }
  }
}
