package dev.keel.catalog.identity;

import dev.keel.core.ConfigSection;
import dev.keel.core.ErrorCode;
import dev.keel.core.KeelConfig;
import dev.keel.core.KeelException;
import dev.keel.core.Setting;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;

/**
 * Authentication settings: {@code auth} ({@code --auth}, {@code KEEL_AUTH}) and the limit on failed
 * authentications per source address. Authentication is off by default on a loopback address (a
 * single local user, who is an administrator) and always on for any other address: turning it off
 * there fails the start.
 */
public final class AuthSettings {
  private AuthSettings() {}

  /** Whether requests must carry a token. */
  public enum Mode {
    /** On unless the server binds a loopback address (the default). */
    AUTO,
    /** On. */
    ON,
    /** Off: only allowed on a loopback address. */
    OFF
  }

  /** {@code auth}: true, false or auto. */
  public static final Setting<Mode> AUTH =
      new Setting<>(
          "auth",
          "Require a bearer token on every API request: true, false, or auto (on unless bound to a"
              + " loopback address; false is refused on any other address)",
          Mode.AUTO,
          s ->
              switch (s.toLowerCase(Locale.ROOT)) {
                case "true", "on", "yes", "1" -> Mode.ON;
                case "false", "off", "no", "0" -> Mode.OFF;
                case "auto", "" -> Mode.AUTO;
                default -> throw new IllegalArgumentException("must be true, false or auto");
              });

  /** Failed authentications one source address may make per second, on average. */
  public static final Setting<Integer> FAILED_PER_SECOND =
      Setting.integer(
          "auth.failed-per-second",
          "Failed authentications per second one source address may make (on average) before it"
              + " is answered 429",
          10,
          1,
          1_000_000);

  /** Failed authentications one source address may make at once before the rate applies. */
  public static final Setting<Integer> FAILED_BURST =
      Setting.integer(
          "auth.failed-burst",
          "Failed authentications one source address may make in a burst before the per-second"
              + " limit applies",
          20,
          1,
          1_000_000);

  /** Every authentication setting. */
  public static final ConfigSection SECTION =
      new ConfigSection("auth", List.of(AUTH, FAILED_PER_SECOND, FAILED_BURST));

  /**
   * Whether a server with {@code config} authenticates requests.
   *
   * @throws KeelException INVALID_ARGUMENT when authentication is turned off on a non-loopback
   *     address
   */
  public static boolean enabled(KeelConfig config) {
    Mode mode = config.get(AUTH);
    boolean loopback = loopback(config.host());
    if (mode == Mode.OFF && !loopback) {
      throw new KeelException(
          ErrorCode.INVALID_ARGUMENT,
          "auth=false is refused on "
              + config.host()
              + ": a server other machines can reach always authenticates. Bind to 127.0.0.1"
              + " (--host) to run without authentication.");
    }
    return mode == Mode.ON || (mode == Mode.AUTO && !loopback);
  }

  /** True when {@code host} names only loopback addresses. */
  static boolean loopback(String host) {
    try {
      InetAddress[] all = InetAddress.getAllByName(host);
      for (InetAddress a : all) {
        if (!a.isLoopbackAddress()) {
          return false;
        }
      }
      return all.length > 0;
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
